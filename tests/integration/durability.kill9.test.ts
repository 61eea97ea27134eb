/**
 * Durability under `kill -9`: the server acknowledges an update only once it is stored, and
 * broadcasts it only once it is stored, so whatever a writer saw acknowledged and whatever an
 * observer saw broadcast must be there after the process is killed without warning and started
 * again on the same data.
 *
 * The server runs as a child process (as `npm start` runs it). In each round a writer types
 * uniquely numbered tokens into its own paragraph of the body, an observer records every update
 * the server sends it, and at a moment chosen by a seeded PRNG the process group gets SIGKILL.
 * `DURABILITY_SEED` overrides the seed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { readParagraphs } from '../helpers/documents.ts'
import { RawSyncClient } from '../helpers/RawSyncClient.ts'
import { ServerProcess } from '../helpers/ServerProcess.ts'
import { typeTokensUntilClosed } from '../helpers/typing.ts'
import { DEMO_CONTRACT_ID } from '../../server/seed/seedDemo.ts'
import { waitFor } from '../helpers/testServer.ts'

const SEED = Number(process.env.DURABILITY_SEED ?? 9091)
const ROUNDS = 5
// The demo contract, of which the chair (whose token the clients use) is an owner.
const ROOM = DEMO_CONTRACT_ID
/** Six process starts of a few seconds each; more on a busy two-core machine. */
const TEST_TIMEOUT_MS = 120_000
/** Acknowledgements the writer must have seen before the kill may come. */
const MIN_ACKS_BEFORE_KILL = 10

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The writer's tokens (`r<round>.<n>`) found anywhere in the body. */
function tokensIn(doc: Y.Doc): string[] {
  return readParagraphs(doc).join(' ').match(/r\d+\.\d+/g) ?? []
}

/** Connects a fresh client to `server` and returns its document once synced. */
async function readBack(server: ServerProcess): Promise<Y.Doc> {
  const reader = await RawSyncClient.connect(server.wsUrl, ROOM, { params: server.chairParams })
  await reader.whenSynced()
  await reader.close()
  return reader.doc
}

/**
 * Whether applying `updates` to a copy of `doc` changes nothing: every struct and deletion in
 * them is already in `doc`. Returns what the copy gained, for a readable failure.
 */
function whatUpdatesAdd(doc: Y.Doc, updates: readonly Uint8Array[]): { stateVectorGrew: string[]; deletionsGrew: boolean; pending: boolean } {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  const before = Y.snapshot(copy)
  for (const update of updates) Y.applyUpdate(copy, update)
  const after = Y.snapshot(copy)
  const stateVectorGrew = [...after.sv].filter(([client, clock]) => clock > (before.sv.get(client) ?? 0)).map(([client, clock]) => `${client}: ${before.sv.get(client) ?? 0} → ${clock}`)
  const deletionsGrew = !Y.equalSnapshots(new Y.Snapshot(before.ds, after.sv), after)
  return { stateVectorGrew, deletionsGrew, pending: copy.store.pendingStructs !== null || copy.store.pendingDs !== null }
}

describe('durability under kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'concordat-kill9-'))

  afterAll(async () => {
    await ServerProcess.killAll()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it(`everything acknowledged or broadcast survives SIGKILL at random moments (seed ${SEED}, ${ROUNDS} rounds)`, async () => {
    const killMoments = prng.create(SEED)
    const typing = prng.create(SEED + 1)
    const sentTokens = new Set<string>()
    const acknowledgedTokens: string[] = []
    const observedUpdates: Uint8Array[] = []

    let server = await ServerProcess.start(dataDir)
    for (let round = 0; round < ROUNDS; round++) {
      const writer = await RawSyncClient.connect(server.wsUrl, ROOM, { params: server.chairParams })
      const observer = await RawSyncClient.connect(server.wsUrl, ROOM, { wantsAcks: false, params: server.chairParams })
      await Promise.all([writer.whenSynced(), observer.whenSynced()])
      const ackedAtStart = writer.acknowledged

      const messageOf = new Map<string, number>()
      const typed = typeTokensUntilClosed(writer, `r${round}.`, typing, messageOf)
      await waitFor(
        () => writer.acknowledged >= ackedAtStart + MIN_ACKS_BEFORE_KILL && observer.received.length > 1,
        `round ${round}: the writer's updates are acknowledged and the observer receives them`,
      )
      await sleep(prng.int32(killMoments, 0, 400))
      const exit = await server.kill()
      await Promise.all([typed, writer.closed, observer.closed])

      expect(exit.signal, server.output).toBe('SIGKILL')
      expect(writer.acknowledged, 'the server acknowledged more updates than were sent').toBeLessThanOrEqual(writer.updatesSent)
      const acknowledgedThisRound = [...messageOf].filter(([, n]) => n <= writer.acknowledged).map(([token]) => token)
      expect(acknowledgedThisRound.length, `round ${round}: tokens acknowledged before the kill`).toBeGreaterThan(0)
      for (const token of messageOf.keys()) sentTokens.add(token)
      acknowledgedTokens.push(...acknowledgedThisRound)
      observedUpdates.push(...observer.received)

      server = await ServerProcess.start(dataDir)
      const recovered = await readBack(server)
      const recoveredTokens = new Set(tokensIn(recovered))
      expect(
        acknowledgedTokens.filter((token) => !recoveredTokens.has(token)),
        `round ${round}: acknowledged tokens missing after the restart`,
      ).toEqual([])
      const observed = new Y.Doc()
      for (const update of observedUpdates) Y.applyUpdate(observed, update)
      expect(
        tokensIn(observed).filter((token) => !recoveredTokens.has(token)),
        `round ${round}: tokens the observer saw that are missing after the restart`,
      ).toEqual([])
      expect(
        whatUpdatesAdd(recovered, observedUpdates),
        `round ${round}: updates the observer received but the restarted server does not have`,
      ).toEqual({ stateVectorGrew: [], deletionsGrew: false, pending: false })
      expect([...recoveredTokens].filter((token) => !sentTokens.has(token)), 'tokens nobody typed').toEqual([])
    }

    await server.kill()
  }, TEST_TIMEOUT_MS)
})
