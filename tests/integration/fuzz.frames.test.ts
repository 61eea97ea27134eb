/**
 * Fuzz: thousands of malformed, hostile and oversized frames are thrown at one contract
 * ("storm") over thousands of sockets, twenty at a time, while two stock providers keep
 * working on another ("calm"): one writes a paragraph every 20 ms, the other watches.
 *
 * Every bad socket must be closed with the code for what it sent; the calm room must see every
 * paragraph, in order, during the storm and after it; the stormed contract must keep nothing of
 * it; and the server must stay up without a single internal failure. The frames come from a
 * seeded PRNG, so every run throws the same ones (in an order set by the same seed).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { CloseCode } from '../../shared/protocol/closeCodes.ts'
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/limits.ts'
import { SyncStep } from '../../shared/protocol/messages.ts'
import {
  change,
  docWithClient,
  selfReferencingUpdate,
  updateAfterAGap,
  updateDeletingUnknownText,
  updateNamingAClientTwice,
  updateWithUnknownOrigin,
  updateWithUnknownParent,
  validUpdateMergedWithAGap,
} from '../helpers/brokenUpdates.ts'
import { readParagraphs, writeParagraphs } from '../helpers/documents.ts'
import { namedUsers } from '../helpers/namedUsers.ts'
import { RecordingSocket, awarenessFrame, queryAwarenessFrame, syncFrame, updateFrame } from '../helpers/rawFrames.ts'
import { type TestServer, connectProvider, startTestServer, waitFor, whenSynced } from '../helpers/testServer.ts'

const SEED = 0xc0c0a
const SOCKETS_AT_ONCE = 20
/** How long a bad socket may stay open after its last frame before it counts as not closed. */
const CLOSE_DEADLINE_MS = 5_000

/**
 * A bad varint, refused with 4400. Sent after a frame the server must ignore rather than
 * refuse (an echo of someone else's presence), it shows the socket survived that frame.
 */
const SENTINEL = new Uint8Array(10).fill(0xff)

/** One bad socket: what it sends, and the close codes that are right for it. */
interface Probe {
  readonly kind: string
  /** Made when the probe runs, so that the large frames are not all held at once. */
  readonly frames: () => Uint8Array[]
  readonly expected: readonly number[]
}

/** What the stormed room looks like, for probes that build on it or impersonate its people. */
interface StormRoom {
  readonly state: Uint8Array
  readonly residentClientId: number
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]))
const varUint = (n: number) => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, n)
  return encoding.toUint8Array(encoder)
}

/** Every probe of the storm, in a seeded shuffled order. */
function makeProbes(random: prng.PRNG, room: StormRoom): Probe[] {
  const int = (min: number, max: number) => prng.int32(random, min, max)
  const bytes = (min: number, max: number) => prng.uint8Array(random, int(min, max))
  const clientId = () => prng.uint32(random, 1, 2 ** 31)
  const oneOf = <T,>(choices: readonly T[]): T => prng.oneOf(random, choices as T[])
  /** A paragraph that would be a perfectly good edit of the stormed room. */
  const validUpdate = () => {
    const doc = docWithClient(clientId(), room.state)
    return change(doc, () => writeParagraphs(doc, [`Valid paragraph ${int(0, 1e6)}`]))
  }
  const missingDependency = () =>
    oneOf([
      () => updateAfterAGap(clientId()),
      () => updateWithUnknownOrigin(clientId(), clientId()),
      () => updateWithUnknownParent(clientId(), clientId()),
      () => updateDeletingUnknownText(clientId(), clientId()),
      () => validUpdateMergedWithAGap(room.state, clientId(), clientId()),
    ])()
  const { malformed, updateRejected, tooLarge, tooManyMessages, messageTooBig } = CloseCode

  const kinds: Array<{ kind: string; count: number; make: () => { frames: Uint8Array[] | (() => Uint8Array[]); expected: number[] } }> = [
    // Whatever random bytes mean, the server refuses them with a 4xxx of its own.
    { kind: 'random bytes', count: 700, make: () => ({ frames: [bytes(1, 256)], expected: [malformed, updateRejected, tooLarge] }) },
    {
      kind: 'bad varint',
      count: 200,
      make: () => {
        const overflow = new Uint8Array(10).fill(0xff)
        const unterminated = new Uint8Array(int(1, 12)).fill(0x80)
        const frame = oneOf([overflow, concat(Uint8Array.of(0), overflow), concat(Uint8Array.of(0, 2), overflow), concat(Uint8Array.of(1), overflow), unterminated, concat(Uint8Array.of(0, 2), unterminated), concat(Uint8Array.of(1, 5, 1), overflow)])
        return { frames: [frame], expected: [malformed] }
      },
    },
    {
      kind: 'unknown message type',
      count: 200,
      make: () => {
        const type = oneOf([2, int(4, 99), 100, 101, int(102, 127), int(128, 2 ** 21)])
        return { frames: [concat(varUint(type), bytes(0, 16))], expected: [malformed] }
      },
    },
    { kind: 'unknown sync step', count: 100, make: () => ({ frames: [concat(Uint8Array.of(0), varUint(int(3, 300)), bytes(0, 16))], expected: [malformed] }) },
    {
      kind: 'sync header around a garbage update',
      count: 300,
      make: () => ({ frames: [syncFrame(oneOf([SyncStep.step2, SyncStep.update]), bytes(1, 64))], expected: [malformed, updateRejected] }),
    },
    {
      kind: 'sync step 1 with a garbage state vector',
      count: 100,
      make: () => {
        const vector = oneOf([new Uint8Array(10).fill(0xff), Uint8Array.of(5), Uint8Array.of(1, 0x80), Uint8Array.of(2, 1, 1)])
        return { frames: [syncFrame(SyncStep.step1, vector)], expected: [malformed] }
      },
    },
    {
      kind: 'valid frame with trailing bytes',
      count: 300,
      make: () => {
        const valid = oneOf([
          () => updateFrame(validUpdate()),
          () => awarenessFrame([{ clientId: clientId(), clock: 1, state: '{"cursor":1}' }]),
          () => queryAwarenessFrame,
          () => syncFrame(SyncStep.step1, Uint8Array.of(0)),
        ])()
        return { frames: [concat(valid, bytes(1, 8))], expected: [malformed] }
      },
    },
    {
      kind: 'truncated frame',
      count: 250,
      make: () => {
        const valid = oneOf([() => updateFrame(validUpdate()), () => awarenessFrame([{ clientId: clientId(), clock: 1, state: '{"cursor":{"clause":2}}' }])])()
        return { frames: [valid.slice(0, int(0, valid.byteLength - 1))], expected: [malformed] }
      },
    },
    {
      kind: 'whole frame around a truncated update',
      count: 200,
      make: () => {
        const update = validUpdate()
        return { frames: [updateFrame(update.slice(0, int(0, update.byteLength - 1)))], expected: [malformed, updateRejected] }
      },
    },
    {
      kind: 'awareness with invalid JSON',
      count: 150,
      make: () => {
        const state = oneOf(['{', 'not json', '{"user":', '', 'undefined', "{'cursor':1}", '{"cursor":1}}', '{"user":{"name":"x"}', 'NaN'])
        return { frames: [awarenessFrame([{ clientId: clientId(), clock: int(1, 100), state }])], expected: [malformed] }
      },
    },
    {
      kind: 'awareness with a state that is not an object',
      count: 150,
      make: () => {
        const state = oneOf(['42', '"text"', '[1,2]', '[]', 'true', 'false', '3.5', '-0'])
        return { frames: [awarenessFrame([{ clientId: clientId(), clock: int(1, 100), state }])], expected: [malformed] }
      },
    },
    {
      // Someone else's presence is dropped, not relayed, and is no reason to close (the stock
      // provider echoes presence): the sentinel after it must be what closes the socket.
      kind: 'awareness for a foreign clientID, then a sentinel',
      count: 150,
      make: () => {
        const foreign = oneOf([
          () => [{ clientId: room.residentClientId, clock: int(1e6, 2e6), state: '{"cursor":"moved by an impostor"}' }],
          () => [{ clientId: room.residentClientId, clock: int(1e6, 2e6), state: 'null' }],
          () => [
            { clientId: clientId(), clock: 1, state: '{}' },
            { clientId: room.residentClientId, clock: int(1e6, 2e6), state: '{"cursor":"second clientID"}' },
          ],
        ])()
        return { frames: [awarenessFrame(foreign), SENTINEL], expected: [malformed] }
      },
    },
    { kind: 'update with a missing dependency', count: 300, make: () => ({ frames: [updateFrame(missingDependency())], expected: [updateRejected] }) },
    {
      // Between its sync step 1 and step 2 a client's live edits may lack dependencies that its
      // step 2 will bring: they are dropped, not refused, and never applied.
      kind: 'sync step 1, an update with a missing dependency, then a sentinel',
      count: 60,
      make: () => ({ frames: [syncFrame(SyncStep.step1, Uint8Array.of(0)), updateFrame(missingDependency()), SENTINEL], expected: [malformed] }),
    },
    { kind: 'item referring to itself', count: 50, make: () => ({ frames: [updateFrame(selfReferencingUpdate(clientId(), `boom ${int(0, 999)}`))], expected: [malformed] }) },
    { kind: 'update naming a client twice', count: 50, make: () => ({ frames: [updateFrame(updateNamingAClientTwice(clientId()))], expected: [malformed] }) },
    ...[MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES + int(2, MAX_MESSAGE_BYTES - 1), 2 * MAX_MESSAGE_BYTES].map((size) => ({
      kind: 'frame over MAX_MESSAGE_BYTES',
      count: 1,
      make: () => ({ frames: () => [new Uint8Array(size)], expected: [tooLarge] }),
    })),
    // Beyond twice the limit the WebSocket layer stops reading it at once.
    { kind: 'frame over twice MAX_MESSAGE_BYTES', count: 1, make: () => ({ frames: () => [new Uint8Array(2 * MAX_MESSAGE_BYTES + 1)], expected: [messageTooBig] }) },
    { kind: 'flood beyond the rate limit', count: 2, make: () => ({ frames: () => new Array<Uint8Array>(2_500).fill(queryAwarenessFrame), expected: [tooManyMessages] }) },
  ]

  const probes: Probe[] = []
  for (const { kind, count, make } of kinds) {
    for (let i = 0; i < count; i++) {
      const { frames, expected } = make()
      probes.push({ kind, frames: typeof frames === 'function' ? frames : () => frames, expected })
    }
  }
  for (let i = probes.length - 1; i > 0; i--) {
    const j = int(0, i)
    ;[probes[i], probes[j]] = [probes[j]!, probes[i]!]
  }
  return probes
}

/** How one bad socket ended: its close code, or why there was none. */
interface Outcome {
  readonly kind: string
  readonly expected: readonly number[]
  readonly ended: number | 'still open' | 'upgrade failed'
}

async function throwProbe(url: string, probe: Probe): Promise<Outcome> {
  let socket: RecordingSocket
  try {
    socket = await RecordingSocket.open(url)
  } catch {
    return { kind: probe.kind, expected: probe.expected, ended: 'upgrade failed' }
  }
  for (const frame of probe.frames()) socket.send(frame)
  let deadline: NodeJS.Timeout | undefined
  const closure = await Promise.race([socket.closed, new Promise<null>((resolve) => (deadline = setTimeout(resolve, CLOSE_DEADLINE_MS, null)))])
  clearTimeout(deadline)
  if (closure === null) socket.terminate()
  return { kind: probe.kind, expected: probe.expected, ended: closure?.code ?? 'still open' }
}

/** Runs the probes `SOCKETS_AT_ONCE` at a time. */
async function storm(server: TestServer, probes: readonly Probe[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let next = 0
  const worker = async () => {
    while (next < probes.length) {
      const index = next++
      outcomes.push(await throwProbe(`${server.wsUrl}/storm?user=stormer-${index}`, probes[index]!))
    }
  }
  await Promise.all(Array.from({ length: SOCKETS_AT_ONCE }, worker))
  return outcomes
}

describe('a storm of bad frames', () => {
  let server: TestServer
  const providers: WebsocketProvider[] = []
  const connect = (room: string, user: string) => {
    const provider = connectProvider(server.wsUrl, room, new Y.Doc(), { user })
    providers.push(provider)
    return provider
  }
  const consoleErrors = vi.spyOn(console, 'error')

  let outcomes: Outcome[]
  // The calm room: what was written, and samples of what the observer had seen by then.
  const written: string[] = []
  const samples: Array<{ at: number; written: number; seen: number; isInOrder: boolean }> = []
  let stormStart = 0
  let stormEnd = 0
  let observer: WebsocketProvider
  // The stormed room, before the storm and during it.
  let paragraphsBefore: string[]
  let stateVectorBefore: Map<number, number>
  let lastSeqBefore: number
  let residentPresenceBefore: unknown
  let stormUpdatesSeen = 0
  let residentPresenceChanges = 0
  let resident: WebsocketProvider
  let watcher: WebsocketProvider
  let writing: NodeJS.Timeout | undefined
  let sampling: NodeJS.Timeout | undefined

  beforeAll(async () => {
    server = await startTestServer({ hooks: namedUsers })

    resident = connect('storm', 'resident')
    await whenSynced(resident)
    writeParagraphs(resident.doc, ['1. Definitions', '2. The placement of a child'])
    writeParagraphs(resident.doc, ['3. Fees and payment'])
    resident.awareness.setLocalStateField('cursor', { clause: 2 })
    watcher = connect('storm', 'watcher')
    const residentId = resident.awareness.clientID
    await waitFor(() => readParagraphs(watcher.doc).length === 3 && watcher.awareness.getStates().has(residentId), 'the watcher has the stormed room')
    paragraphsBefore = readParagraphs(watcher.doc)
    stateVectorBefore = Y.decodeStateVector(Y.encodeStateVector(watcher.doc))
    lastSeqBefore = (await server.store.loadDocument('storm')).lastSeq
    residentPresenceBefore = watcher.awareness.getStates().get(residentId)
    for (const provider of [resident, watcher]) provider.doc.on('update', () => stormUpdatesSeen++)
    watcher.awareness.on('change', ({ added, updated, removed }: Record<string, number[]>) => {
      if ([...added!, ...updated!, ...removed!].includes(residentId)) residentPresenceChanges++
    })
    const probes = makeProbes(prng.create(SEED), { state: Y.encodeStateAsUpdate(resident.doc), residentClientId: residentId })

    const writer = connect('calm', 'calm-writer')
    observer = connect('calm', 'calm-observer')
    await Promise.all([whenSynced(writer), whenSynced(observer)])
    writing = setInterval(() => {
      const text = `Calm paragraph ${written.length + 1}`
      written.push(text)
      writeParagraphs(writer.doc, [text])
    }, 20)
    sampling = setInterval(() => {
      const seen = readParagraphs(observer.doc)
      samples.push({ at: Date.now(), written: written.length, seen: seen.length, isInOrder: seen.every((text, i) => text === written[i]) })
    }, 50)
    await waitFor(() => readParagraphs(observer.doc).length >= 5, 'the calm room is under way')

    stormStart = Date.now()
    outcomes = await storm(server, probes)
    stormEnd = Date.now()

    await new Promise((resolve) => setTimeout(resolve, 300))
    clearInterval(writing)
    await waitFor(() => readParagraphs(observer.doc).length === written.length, 'the observer catches up with the writer')
    clearInterval(sampling)
  }, 60_000)

  afterAll(async () => {
    clearInterval(writing)
    clearInterval(sampling)
    consoleErrors.mockRestore()
    for (const provider of providers.splice(0)) provider.destroy()
    await server?.dispose()
  })

  it(`closes each of at least 3000 bad sockets with the code for what it sent (seed ${SEED})`, () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(3000)
    const wrong = outcomes.filter(({ ended, expected }) => typeof ended !== 'number' || !expected.includes(ended))
    expect(wrong.slice(0, 20), `${wrong.length} of ${outcomes.length} sockets ended otherwise`).toEqual([])
    const codesByKind = new Map<string, Set<number | string>>()
    for (const { kind, ended } of outcomes) codesByKind.set(kind, (codesByKind.get(kind) ?? new Set()).add(ended))
    expect(codesByKind.get('frame over twice MAX_MESSAGE_BYTES')).toEqual(new Set([CloseCode.messageTooBig]))
    expect(codesByKind.get('flood beyond the rate limit')).toEqual(new Set([CloseCode.tooManyMessages]))
  })

  it('keeps the calm room flowing, every paragraph in order, during the storm and after it', () => {
    expect(samples.every(({ isInOrder }) => isInOrder), 'the observer only ever saw the paragraphs in order').toBe(true)
    const sampleAt = (time: number) => samples.filter(({ at }) => at <= time).at(-1)!
    const [start, end] = [sampleAt(stormStart), sampleAt(stormEnd)]
    const writtenDuring = end.written - start.written
    expect(writtenDuring, 'paragraphs written during the storm').toBeGreaterThanOrEqual(50)
    expect(end.seen - start.seen, 'of which at least half reached the observer during it').toBeGreaterThanOrEqual(writtenDuring / 2)
    expect(readParagraphs(observer.doc)).toEqual(written)
  })

  it('keeps nothing of the storm in the stormed contract', async () => {
    expect(stormUpdatesSeen, 'document updates that reached the room’s clients').toBe(0)
    expect((await server.store.loadDocument('storm')).lastSeq, 'updates stored').toBe(lastSeqBefore)
    const latecomer = connect('storm', 'latecomer')
    await whenSynced(latecomer)
    expect(readParagraphs(latecomer.doc)).toEqual(paragraphsBefore)
    expect(Y.decodeStateVector(Y.encodeStateVector(latecomer.doc))).toEqual(stateVectorBefore)
    expect(residentPresenceChanges, 'changes to the resident’s presence').toBe(0)
    expect(watcher.awareness.getStates().get(resident.awareness.clientID)).toEqual(residentPresenceBefore)
  })

  it('stays up and answers, without logging a single failure', async () => {
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(200)
    expect(consoleErrors.mock.calls.map((args) => args.map(String).join(' ').slice(0, 300))).toEqual([])
  })
})
