/**
 * Randomized convergence: several stock `WebsocketProvider` clients edit a Tiptap-shaped body
 * at random (paragraphs of text, insertions, deletions, formatting), dropping off the network
 * and coming back at random and editing while offline. Once all are back they must hold the
 * same document, and so must a client that joins afterwards and one that joins a restarted
 * server.
 *
 * Each seed is a separate test whose title names it; `CONVERGENCE_SEED=<n>` runs that seed alone.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import type { WebsocketProvider } from 'y-websocket'
import { getBody } from '../../shared/ydoc/schema.ts'
import { connectProvider, startTestServer, type TestServer, waitFor, whenSynced } from '../helpers/testServer.ts'

const SEEDS = process.env.CONVERGENCE_SEED ? [Number(process.env.CONVERGENCE_SEED)] : [20_071, 4_409, 1_312]
const CLIENTS = 5
const STEPS = 400
const ROOM = 'framework-convergence'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The marks of the editor schema that tests apply as formatting; `null` removes one. */
const FORMATS: Array<Record<string, object | null>> = [{ bold: {} }, { italic: {} }, { bold: null }, { italic: null }]

/** The kinds of edit, repeated by weight: more paragraphs come than go, so the body grows. */
const EDITS: Array<'insertParagraph' | 'insertText' | 'deleteText' | 'deleteParagraph' | 'format'> = [
  'insertParagraph',
  'insertParagraph',
  'insertText',
  'insertText',
  'insertText',
  'deleteText',
  'deleteParagraph',
  'format',
]

/** The paragraph's text node: every paragraph is created holding exactly one. */
function textOf(paragraph: Y.XmlElement): Y.XmlText {
  const text = paragraph.get(0)
  if (!(text instanceof Y.XmlText)) throw new Error('A paragraph without its text node')
  return text
}

/** A random paragraph of the body, or null when there is none. */
function anyParagraph(random: prng.PRNG, doc: Y.Doc): Y.XmlElement | null {
  const body = getBody(doc)
  if (body.length === 0) return null
  const node = body.get(prng.int32(random, 0, body.length - 1))
  return node instanceof Y.XmlElement ? node : null
}

/** One random edit of the kind an editor makes, as one transaction. */
function editAtRandom(random: prng.PRNG, doc: Y.Doc): void {
  const body = getBody(doc)
  const paragraph = anyParagraph(random, doc)
  const kind = paragraph === null ? 'insertParagraph' : prng.oneOf(random, EDITS)
  doc.transact(() => {
    if (kind === 'insertParagraph' || paragraph === null) {
      const inserted = new Y.XmlElement('paragraph')
      inserted.insert(0, [new Y.XmlText(prng.word(random, 1, 12))])
      body.insert(prng.int32(random, 0, body.length), [inserted])
      return
    }
    const text = textOf(paragraph)
    switch (kind) {
      case 'insertText':
        text.insert(prng.int32(random, 0, text.length), prng.word(random, 1, 8))
        return
      case 'deleteText': {
        if (text.length === 0) return
        const start = prng.int32(random, 0, text.length - 1)
        text.delete(start, prng.int32(random, 1, Math.min(10, text.length - start)))
        return
      }
      case 'deleteParagraph':
        body.delete(body.toArray().indexOf(paragraph), 1)
        return
      case 'format': {
        if (text.length === 0) return
        const start = prng.int32(random, 0, text.length - 1)
        text.format(start, prng.int32(random, 1, text.length - start), prng.oneOf(random, FORMATS))
        return
      }
    }
  })
}

/** What must be equal between converged documents: the body as XML and the state vector. */
function stateOf(doc: Y.Doc): { body: string; stateVector: Array<[number, number]> } {
  const stateVector = [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b)
  return { body: getBody(doc).toString(), stateVector }
}

describe('randomized convergence of stock providers', () => {
  let server: TestServer | undefined
  const providers: WebsocketProvider[] = []
  const connect = (wsUrl: string) => {
    const provider = connectProvider(wsUrl, ROOM, new Y.Doc())
    providers.push(provider)
    return provider
  }
  const destroyProviders = () => {
    for (const provider of providers.splice(0)) provider.destroy()
  }

  afterEach(async () => {
    destroyProviders()
    await server?.dispose()
    server = undefined
  })

  for (const seed of SEEDS) {
    it(`${CLIENTS} clients editing at random, on and off line, converge (seed ${seed}; rerun with CONVERGENCE_SEED=${seed})`, async () => {
      const random = prng.create(seed)
      server = await startTestServer()
      const clients = Array.from({ length: CLIENTS }, () => connect(server!.wsUrl))
      const refusals: string[] = []
      clients.forEach((provider, i) =>
        provider.on('connection-close', (event) => {
          if (event !== null && event.code !== 1000) refusals.push(`client ${i}: ${event.code} ${event.reason}`)
        }),
      )
      await Promise.all(clients.map(whenSynced))

      let offlineEdits = 0
      for (let step = 0; step < STEPS; step++) {
        const provider = prng.oneOf(random, clients)
        if (prng.int32(random, 0, 99) < 6) {
          if (provider.shouldConnect) provider.disconnect()
          else provider.connect()
        } else {
          if (!provider.wsconnected) offlineEdits++
          editAtRandom(random, provider.doc)
        }
        if (prng.int32(random, 0, 2) === 0) await sleep(prng.int32(random, 0, 12))
      }
      expect(offlineEdits, 'some edits were made while offline').toBeGreaterThan(0)

      for (const provider of clients) provider.connect()
      await waitFor(
        () => clients.every((p) => p.synced) && clients.every((p) => JSON.stringify(stateOf(p.doc)) === JSON.stringify(stateOf(clients[0]!.doc))),
        `seed ${seed}: every client is back and holds the same document`,
        15_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; connection refusals: ${JSON.stringify(refusals)}`)
      })
      const converged = stateOf(clients[0]!.doc)
      for (const provider of clients) expect(stateOf(provider.doc)).toEqual(converged)
      expect(converged.body, 'the edits left some text').toMatch(/<paragraph>/)
      expect(refusals, 'connections the server closed on the clients').toEqual([])

      const lateJoiner = connect(server.wsUrl)
      await whenSynced(lateJoiner)
      expect(stateOf(lateJoiner.doc), 'a client joining afterwards').toEqual(converged)

      destroyProviders()
      server = await server.restart()
      const afterRestart = connect(server.wsUrl)
      await whenSynced(afterRestart)
      expect(stateOf(afterRestart.doc), 'a client joining the restarted server').toEqual(converged)
    })
  }
})
