/**
 * Graceful shutdown: on SIGTERM (or `close()`) the server finishes the writes it has begun,
 * acknowledges them, closes every sync socket with 1001 "going away" so clients know to
 * reconnect, and exits 0. Nothing it acknowledged is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import type { WebsocketProvider } from 'y-websocket'
import { CloseCode } from '../../shared/protocol/closeCodes.ts'
import { readParagraphs, writeParagraphs } from '../helpers/documents.ts'
import { RawSyncClient } from '../helpers/RawSyncClient.ts'
import { ServerProcess } from '../helpers/ServerProcess.ts'
import { typeTokensUntilClosed } from '../helpers/typing.ts'
import { DEMO_CONTRACT_ID } from '../../server/seed/seedDemo.ts'
import { connectProvider, startTestServer, type TestServer, waitFor, whenSynced } from '../helpers/testServer.ts'

const SEED = Number(process.env.SHUTDOWN_SEED ?? 1001)
// The demo contract, of which the chair (whose token the clients use) is an owner.
const ROOM = DEMO_CONTRACT_ID

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Tokens `t<n>` found anywhere in the body. */
function tokensIn(doc: Y.Doc): string[] {
  return readParagraphs(doc).join(' ').match(/t\d+/g) ?? []
}

describe('graceful shutdown of the server process on SIGTERM', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'concordat-shutdown-'))

  afterAll(async () => {
    await ServerProcess.killAll()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it(`closes sockets with 1001 mid-burst, exits 0, and keeps everything it acknowledged (seed ${SEED})`, async () => {
    const random = prng.create(SEED)
    const server = await ServerProcess.start(dataDir)
    const writer = await RawSyncClient.connect(server.wsUrl, ROOM, { params: server.chairParams })
    const observer = await RawSyncClient.connect(server.wsUrl, ROOM, { wantsAcks: false, params: server.chairParams })
    await Promise.all([writer.whenSynced(), observer.whenSynced()])

    const messageOf = new Map<string, number>()
    const typed = typeTokensUntilClosed(writer, 't', random, messageOf)
    await waitFor(() => writer.acknowledged >= 20, 'the burst is being acknowledged')
    await sleep(prng.int32(random, 0, 200))
    server.signal('SIGTERM')

    const [writerClose, observerClose, exit] = await Promise.all([writer.closed, observer.closed, server.exited, typed])
    expect(writerClose.code, 'the writer’s socket').toBe(CloseCode.goingAway)
    expect(observerClose.code, 'the observer’s socket').toBe(CloseCode.goingAway)
    expect(writer.error, 'the writer is told why before the close').toEqual({ code: CloseCode.goingAway, reason: expect.any(String) })
    expect(exit, server.output).toEqual({ code: 0, signal: null })
    expect(writer.acknowledged).toBeLessThanOrEqual(writer.updatesSent)

    const acknowledged = [...messageOf].filter(([, n]) => n <= writer.acknowledged).map(([token]) => token)
    expect(acknowledged.length).toBeGreaterThanOrEqual(15)

    const restarted = await ServerProcess.start(dataDir)
    const reader = await RawSyncClient.connect(restarted.wsUrl, ROOM, { params: restarted.chairParams })
    await reader.whenSynced()
    const recovered = new Set(tokensIn(reader.doc))
    expect(acknowledged.filter((token) => !recovered.has(token)), 'acknowledged tokens missing after the restart').toEqual([])
    await reader.close()
    await restarted.kill()
  })
})

describe('graceful shutdown of an in-process server', () => {
  let server: TestServer
  const providers: WebsocketProvider[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await server.dispose()
  })

  it('a stock WebsocketProvider sees close code 1001 when the server closes, and keeps trying to reconnect', async () => {
    server = await startTestServer()
    const provider = connectProvider(server.wsUrl, ROOM)
    providers.push(provider)
    await whenSynced(provider)
    writeParagraphs(provider.doc, ['1. Definitions'])
    const closeCodes: Array<number | null> = []
    provider.on('connection-close', (event) => closeCodes.push(event?.code ?? null))

    await server.close()
    await waitFor(() => closeCodes.length > 0, 'the provider notices the close')

    expect(closeCodes[0]).toBe(CloseCode.goingAway)
    expect(provider.wsconnected).toBe(false)
    expect(provider.shouldConnect, 'a "going away" close is not a permanent refusal').toBe(true)
  })
})
