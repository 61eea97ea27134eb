/**
 * The sync socket's rules as a client sees them on the wire: durable acknowledgements (only for
 * clients that ask), refusals, presence stamped by the server, which upgrades are accepted,
 * messages that arrive before the room is ready, rooms unloading and compacting, and a rate
 * limit that leaves honest typing alone.
 *
 * Each rule starts its own server on port 0. `RecordingSocket` sends hand-made frames and
 * records every frame that comes back; the stock `WebsocketProvider` plays everyone else.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { CloseCode } from '../../shared/protocol/closeCodes.ts'
import { MessageType, SyncStep } from '../../shared/protocol/messages.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { change, validUpdateMergedWithAGap } from '../helpers/brokenUpdates.ts'
import { readParagraphs, writeParagraphs } from '../helpers/documents.ts'
import { namedUsers } from '../helpers/namedUsers.ts'
import {
  RecordingSocket,
  ackCountOf,
  awarenessFrame,
  errorOf,
  messageTypeOf,
  queryAwarenessFrame,
  updateFrame,
} from '../helpers/rawFrames.ts'
import { type TestServer, connectProvider, startTestServer, waitFor, whenSynced } from '../helpers/testServer.ts'

/** One update per paragraph, as a provider would send while someone types them one by one. */
function paragraphUpdates(doc: Y.Doc, texts: readonly string[]): Uint8Array[] {
  return texts.map((text) => change(doc, () => writeParagraphs(doc, [text])))
}

/** The paragraphs the store would load a room with (snapshot, then the log). */
async function storedParagraphs(server: TestServer, room: string): Promise<string[]> {
  const stored = await server.store.loadDocument(room)
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const { data } of stored.updates) Y.applyUpdate(doc, data)
  return readParagraphs(doc)
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls an asynchronous `condition` until it holds, or fails with `message` after `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${message}`)
    await delay(20)
  }
}

describe('the sync protocol', () => {
  let server: TestServer
  const cleanups: Array<() => void> = []
  const connect = (room: string, doc = new Y.Doc()) => {
    const provider = connectProvider(server.wsUrl, room, doc)
    cleanups.push(() => provider.destroy())
    return provider
  }
  const open = async (path: string, onOpen?: (socket: RecordingSocket) => void) => {
    const socket = await RecordingSocket.open(`${server.wsUrl}/${path}`, { onOpen })
    cleanups.push(() => socket.terminate())
    return socket
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup()
    await server.dispose()
  })

  it('acknowledges a client’s update-bearing messages by count, and only once they are stored', async () => {
    server = await startTestServer()
    // Hold every write ahead at the store until the test lets it through.
    const { store } = server
    const append = store.appendUpdates.bind(store)
    let openTheStore!: () => void
    const storeIsOpen = new Promise<void>((resolve) => (openTheStore = resolve))
    store.appendUpdates = async (batch) => {
      await storeIsOpen
      return append(batch)
    }
    const author = new Y.Doc()
    const [first, second, third] = paragraphUpdates(author, ['1. Definitions', '2. Placement', '3. Fees'])
    const client = await open('acks?ack=1')
    // What was stored at the moment each acknowledgement arrived.
    const storedAtAck: Array<{ count: number; stored: Promise<string[]> }> = []
    client.socket.on('message', (data: Buffer) => {
      const count = ackCountOf(new Uint8Array(data))
      if (count !== null) storedAtAck.push({ count, stored: storedParagraphs(server, 'acks') })
    })

    client.send(updateFrame(first!))
    client.send(updateFrame(second!))
    client.send(queryAwarenessFrame) // not update-bearing: not counted
    client.send(updateFrame(third!))
    client.send(updateFrame(first!)) // already known: counted, acknowledged without storing
    await delay(300)
    expect(client.acknowledged, 'nothing is acknowledged while the store has not written it').toBe(0)

    openTheStore()
    await waitFor(() => client.acknowledged === 4, 'all four update-bearing messages are acknowledged')
    const written = ['1. Definitions', '2. Placement', '3. Fees']
    const counts = storedAtAck.map(({ count }) => count)
    expect(counts, 'acknowledgements only ever count up, to 4').toEqual([...new Set(counts)].sort((a, b) => a - b))
    expect(counts.at(-1)).toBe(4)
    for (const { count, stored } of storedAtAck) {
      const due = written.slice(0, Math.min(count, written.length))
      expect((await stored).slice(0, due.length), `stored when ${count} was acknowledged`).toEqual(due)
    }
  })

  it('sends a stock provider, which does not ask with ?ack=1, no acknowledgement and no error message', async () => {
    server = await startTestServer()
    const received: number[] = []
    let closeCode = 0
    /** The `ws` polyfill, recording the type of every frame the provider is given. */
    class RecordingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols)
        this.on('message', (data: ArrayBuffer) => received.push(messageTypeOf(new Uint8Array(data))))
        this.on('close', (code: number) => (closeCode = code))
      }
    }
    const provider = new WebsocketProvider(server.wsUrl, 'stock', new Y.Doc(), {
      WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    })
    cleanups.push(() => provider.destroy())
    await whenSynced(provider)

    writeParagraphs(provider.doc, ['Written by a stock provider'])
    await eventually(async () => (await storedParagraphs(server, 'stock')).length === 1, 'the paragraph is stored')
    // A refusal, which an ?ack=1 client would hear about in an error message first.
    provider.ws!.send(updateFrame(validUpdateMergedWithAGap(Y.encodeStateAsUpdate(provider.doc), 501, 502)))
    await waitFor(() => closeCode !== 0, 'the provider’s socket is closed')

    expect(closeCode).toBe(CloseCode.updateRejected)
    expect(received.length).toBeGreaterThan(0)
    expect(received.filter((type) => type === MessageType.ack || type === MessageType.error)).toEqual([])
  })

  it('closes the sender of an update with a missing dependency (4409), telling an ?ack=1 client why first, and keeps nothing of it', async () => {
    server = await startTestServer()
    const author = connect('refusal')
    const bystander = connect('refusal')
    await Promise.all([whenSynced(author), whenSynced(bystander)])
    writeParagraphs(author.doc, ['Agreed text'])
    await waitFor(() => readParagraphs(bystander.doc).length === 1, 'the bystander has the agreed text')
    const storedBefore = await server.store.loadDocument('refusal')
    let updatesSeenByBystander = 0
    bystander.doc.on('update', () => updatesSeenByBystander++)
    const sender = await open('refusal?ack=1')

    sender.send(updateFrame(validUpdateMergedWithAGap(Y.encodeStateAsUpdate(author.doc), 501, 502)))
    const closure = await sender.closed

    expect(closure.code).toBe(CloseCode.updateRejected)
    const lastFrame = errorOf(sender.frames.at(-1)!)
    expect(lastFrame, 'the last frame before the close is an error message').not.toBeNull()
    expect(lastFrame!.code).toBe(CloseCode.updateRejected)
    expect(lastFrame!.reason.startsWith(closure.reason)).toBe(true)
    expect(sender.acknowledged).toBe(0)

    await delay(100)
    expect((await server.store.loadDocument('refusal')).lastSeq, 'the store').toBe(storedBefore.lastSeq)
    expect(updatesSeenByBystander, 'another client').toBe(0)
    const latecomer = connect('refusal')
    await whenSynced(latecomer)
    expect(readParagraphs(latecomer.doc), 'the room').toEqual(['Agreed text'])
  })

  it('shows others a presence under the server’s identity for the sender, keeping only a hex colour of the client’s', async () => {
    server = await startTestServer()
    const sender = connect('presence')
    const other = connect('presence')
    await Promise.all([whenSynced(sender), whenSynced(other)])
    const seen = () => other.awareness.getStates().get(sender.doc.clientID)

    sender.awareness.setLocalState({ user: { name: 'The Chair', id: 'chair', organisation: 'Steering group', color: '#3366ff' }, cursor: { clause: 3 } })
    await waitFor(() => seen()?.user !== undefined, 'the other client sees the presence')
    expect(seen()).toEqual({ user: { id: 'anonymous', name: 'Guest', color: '#3366ff' }, cursor: { clause: 3 } })

    sender.awareness.setLocalStateField('user', { name: 'The Chair', color: 'red; background: url(https://evil.example/)' })
    await waitFor(() => seen()?.user?.color === undefined, 'the unsafe colour is dropped')
    expect(seen()).toEqual({ user: { id: 'anonymous', name: 'Guest' }, cursor: { clause: 3 } })
  })

  it('relays presence for the connection’s own client only, dropping what it sends for any other', async () => {
    server = await startTestServer()
    const other = connect('presence')
    await whenSynced(other)
    const sender = await open('presence')
    sender.send(awarenessFrame([{ clientId: 1001, clock: 1, state: '{"cursor":1}' }]))
    await waitFor(() => other.awareness.getStates().has(1001), 'its own presence is relayed')

    // A stock provider sends others' presence back like this (an echo); it is never relayed.
    sender.send(awarenessFrame([{ clientId: 1002, clock: 1, state: '{"cursor":2}' }, { clientId: 1001, clock: 2, state: '{"cursor":3}' }]))

    await waitFor(() => other.awareness.getStates().get(1001)?.cursor === 3, 'the own entry of the same message is relayed')
    expect(other.awareness.getStates().has(1002)).toBe(false)
    expect(sender.isOpen, 'an echo is no reason to disconnect').toBe(true)
  })

  it('drops presence published for a client that another person’s connection holds', async () => {
    server = await startTestServer({ hooks: namedUsers })
    const holder = connectProvider(server.wsUrl, 'presence', new Y.Doc(), { user: 'chair' })
    const watcher = connectProvider(server.wsUrl, 'presence', new Y.Doc(), { user: 'observer' })
    cleanups.push(() => holder.destroy(), () => watcher.destroy())
    await Promise.all([whenSynced(holder), whenSynced(watcher)])
    holder.awareness.setLocalStateField('cursor', 'the chair’s own')
    const held = () => watcher.awareness.getStates().get(holder.awareness.clientID)
    await waitFor(() => held()?.cursor === 'the chair’s own', 'the watcher sees the chair’s presence')
    const impostor = await open('presence?user=mallory')

    impostor.send(awarenessFrame([{ clientId: holder.awareness.clientID, clock: 1000, state: '{"cursor":"moved by someone else"}' }]))
    impostor.send(awarenessFrame([{ clientId: 5555, clock: 1, state: '{"cursor":"mallory’s own"}' }]))

    await waitFor(() => watcher.awareness.getStates().has(5555), 'the impostor’s own presence, sent after, arrives')
    expect(held()).toEqual({ cursor: 'the chair’s own', user: { id: 'chair', name: 'chair' } })
    expect(watcher.awareness.getStates().get(5555)).toEqual({ cursor: 'mallory’s own', user: { id: 'mallory', name: 'mallory' } })
  })

  it('removes a departed client’s presence for everyone else', async () => {
    server = await startTestServer()
    const other = connect('presence')
    await whenSynced(other)
    const departing = await open('presence')
    departing.send(awarenessFrame([{ clientId: 4242, clock: 7, state: '{"cursor":{"clause":1}}' }]))
    await waitFor(() => other.awareness.getStates().has(4242), 'the presence is shown')

    // Gone without a goodbye: no "null" state is sent, the server must say it.
    departing.terminate()

    await waitFor(() => !other.awareness.getStates().has(4242), 'the presence is removed')
  })

  it('refuses a browser upgrade from a foreign Origin with 403 and accepts one from its own host', async () => {
    server = await startTestServer()
    const url = `${server.wsUrl}/origins`

    expect(await RecordingSocket.tryUpgrade(url, { Origin: 'https://evil.example' })).toEqual({ isOpen: false, status: 403 })
    expect(await RecordingSocket.tryUpgrade(url, { Origin: 'https://concordat.example.org' })).toEqual({ isOpen: false, status: 403 })
    expect(await RecordingSocket.tryUpgrade(url, { Origin: `http://127.0.0.1:${server.port}` })).toEqual({ isOpen: true })
    expect(await RecordingSocket.tryUpgrade(url), 'no Origin: not a browser, judged by credentials').toEqual({ isOpen: true })
  })

  it('accepts a browser upgrade from an origin listed in ALLOWED_ORIGINS', async () => {
    server = await startTestServer({ env: { ALLOWED_ORIGINS: 'https://concordat.example.org' } })
    const url = `${server.wsUrl}/origins`

    expect(await RecordingSocket.tryUpgrade(url, { Origin: 'https://concordat.example.org' })).toEqual({ isOpen: true })
    expect(await RecordingSocket.tryUpgrade(url, { Origin: 'https://evil.example' })).toEqual({ isOpen: false, status: 403 })
  })

  it('refuses a path other than /collab/<id> (404) and closes a socket naming an invalid contract id (4403)', async () => {
    server = await startTestServer()
    const root = server.url.replace(/^http/, 'ws')

    for (const path of ['/sync/framework', '/collab', '/collabframework', '/'])
      expect(await RecordingSocket.tryUpgrade(`${root}${path}`), path).toEqual({ isOpen: false, status: 404 })
    for (const id of ['', 'a%20b', 'a/b', '..%2F..%2Fetc', 'x'.repeat(65), '%F0%9F%93%84', '%ZZ']) {
      const socket = await RecordingSocket.open(`${server.wsUrl}/${id}`)
      expect((await socket.closed).code, id).toBe(CloseCode.forbidden)
    }
    expect(server.sync.loadedRoomCount, 'no room was loaded for them').toBe(0)
  })

  it('processes messages sent before the room has loaded, in order', async () => {
    server = await startTestServer()
    // Loading the stored state takes a while, so the frames surely arrive first.
    const { store } = server
    const load = store.loadDocument.bind(store)
    store.loadDocument = async (name) => {
      await delay(300)
      return load(name)
    }
    const updates = paragraphUpdates(new Y.Doc(), ['Early one', 'Early two', 'Early three'])
    const early = await open('early?ack=1', (socket) => {
      for (const update of updates) socket.send(updateFrame(update))
      socket.send(awarenessFrame([{ clientId: 77, clock: 1, state: '{"cursor":0}' }]))
    })

    await waitFor(() => early.acknowledged === 3, 'the three early updates are acknowledged', 5_000)
    const [first] = early.frames
    expect(Array.from(first!.subarray(0, 2)), 'the room answered first with its state vector').toEqual([MessageType.sync, SyncStep.step1])
    const latecomer = connect('early')
    await whenSynced(latecomer)
    expect(readParagraphs(latecomer.doc)).toEqual(['Early one', 'Early two', 'Early three'])
    await waitFor(() => latecomer.awareness.getStates().has(77), 'the early presence was relayed too')
  })

  it('unloads a room that has been idle, and serves its content intact when a client returns', async () => {
    server = await startTestServer({ sync: { roomIdleMs: 50 } })
    const writer = await open('idle?ack=1')
    for (const update of paragraphUpdates(new Y.Doc(), ['Before the pause', 'Still here'])) writer.send(updateFrame(update))
    await waitFor(() => writer.acknowledged === 2, 'both paragraphs are stored')
    expect(server.sync.loadedRoomCount).toBe(1)

    await writer.close()

    await waitFor(() => server.sync.loadedRoomCount === 0, 'the idle room is unloaded')
    const returning = connect('idle')
    await whenSynced(returning)
    expect(readParagraphs(returning.doc)).toEqual(['Before the pause', 'Still here'])
    expect(server.sync.loadedRoomCount).toBe(1)
  })

  it('compacts a room’s stored log into a snapshot without losing a word', async () => {
    server = await startTestServer({ sync: { compactAfterUpdates: 10 } })
    const texts = Array.from({ length: 45 }, (_, i) => `Clause ${i + 1}`)
    const writer = await open('compaction?ack=1')
    for (const update of paragraphUpdates(new Y.Doc(), texts)) writer.send(updateFrame(update))
    await waitFor(() => writer.acknowledged === texts.length, 'every paragraph is stored')

    // Compaction runs in the background after the acknowledgements.
    const isShort = async () => {
      const stored = await server.store.loadDocument('compaction')
      return stored.snapshot !== null && stored.updates.length < 10
    }
    await eventually(isShort, 'the log is folded into a snapshot, leaving fewer than 10 updates', 5_000)
    expect((await server.store.loadDocument('compaction')).lastSeq).toBe(texts.length)
    expect(await storedParagraphs(server, 'compaction')).toEqual(texts)
    const reader = connect('compaction')
    await whenSynced(reader)
    expect(readParagraphs(reader.doc)).toEqual(texts)
  })

  it('does not limit an honest burst of 100 messages a second sustained for three seconds', async () => {
    server = await startTestServer()
    const typist = await open('typing?ack=1')
    const doc = new Y.Doc()
    writeParagraphs(doc, [''])
    typist.send(updateFrame(Y.encodeStateAsUpdate(doc)))
    const text = () => (getBody(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText

    // Ten keystrokes every 100 ms: 100 messages a second, for three seconds.
    for (let tick = 0; tick < 30; tick++) {
      for (let key = 0; key < 10; key++) typist.send(updateFrame(change(doc, () => text().insert(text().length, 'x'))))
      await delay(100)
    }

    await waitFor(() => typist.acknowledged === 301, 'every keystroke is stored')
    expect(typist.closure).toBeNull()
    expect(typist.isOpen).toBe(true)
  })
})
