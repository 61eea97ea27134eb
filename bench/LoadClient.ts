/**
 * One simulated person: a real Y.Doc speaking the y-websocket protocol over a raw `ws` socket
 * (no provider, no awareness, no reconnection — the least client work that is still honest).
 *
 * It answers the server's sync step 1, sends its own, counts itself synced at the first sync
 * step 2, and applies every update it receives. A writer types into a paragraph of its own:
 * each edit inserts a short marker carrying its clientID and the time it was sent
 * (`#t<clientID>:<epoch ms>;`), and trims its text when it grows long. Receivers find the
 * marker in the raw frame (before applying it) to measure how long the update took to reach
 * them; both ends use `performance.timeOrigin + performance.now()`, comparable across
 * processes of one machine.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { getBody } from '../shared/ydoc/schema.ts'
import type { LatencyHistogram } from './LatencyHistogram.ts'

const MESSAGE_SYNC = 0
const SYNC_STEP_1 = 0
const SYNC_STEP_2 = 1
const SYNC_UPDATE = 2

/** Origin of updates that came from the server: they are not sent back. */
const REMOTE = Symbol('remote')

const MARKER = Buffer.from('#t')
const MARKER_END = 0x3b // ';'

/** A writer's paragraph stops growing here: each further edit also deletes as much. */
const MAX_TEXT_LENGTH = 1500

export function now(): number {
  return performance.timeOrigin + performance.now()
}

function encodeSync(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** What all clients of one worker share: where to count what they receive. */
export interface ReceiveCounters {
  /** Marked updates received from another client, with their latency recorded. */
  received: number
  readonly latency: LatencyHistogram
  /** Closes the client did not ask for, by close code. */
  readonly unexpectedCloses: Map<number, number>
}

export interface LoadClientOptions {
  /** `ws://127.0.0.1:<port>/collab/<room>` */
  readonly url: string
  readonly counters: ReceiveCounters
  /** Whether to apply received updates to the Y.Doc (on by default: a real client does). */
  readonly appliesUpdates?: boolean
  /** Deterministic choices of edit positions. */
  readonly random: () => number
}

export class LoadClient {
  readonly doc = new Y.Doc()
  readonly socket: WebSocket
  readonly synced: Promise<void>
  /** Bytes of the first sync step 2 the server sent. */
  syncStep2Bytes = 0
  #markSynced!: () => void
  #isSynced = false
  #isClosing = false
  #paragraph: Y.XmlText | null = null
  readonly #options: LoadClientOptions

  constructor(options: LoadClientOptions) {
    this.#options = options
    this.socket = new WebSocket(options.url, { perMessageDeflate: false })
    this.synced = new Promise((resolve, reject) => {
      this.#markSynced = resolve
      this.socket.once('error', reject)
      this.socket.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)))
    })
    this.synced.catch(() => {})
    this.socket.on('open', () => this.#send(encodeSync(SYNC_STEP_1, Y.encodeStateVector(this.doc))))
    this.socket.on('message', (data: Buffer) => this.#receive(data))
    this.socket.on('error', () => {})
    this.socket.on('close', (code) => {
      if (this.#isClosing) return
      const closes = options.counters.unexpectedCloses
      closes.set(code, (closes.get(code) ?? 0) + 1)
    })
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.#send(encodeSync(SYNC_UPDATE, update))
    })
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  #send(message: Uint8Array): void {
    if (this.isOpen) this.socket.send(message)
  }

  #receive(data: Buffer): void {
    const receivedAt = now()
    const decoder = decoding.createDecoder(data)
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return // awareness, acks: not used here
    const step = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    switch (step) {
      case SYNC_STEP_1:
        this.#send(encodeSync(SYNC_STEP_2, Y.encodeStateAsUpdate(this.doc, payload)))
        return
      case SYNC_STEP_2:
        Y.applyUpdate(this.doc, payload, REMOTE)
        if (!this.#isSynced) {
          this.#isSynced = true
          this.syncStep2Bytes = data.byteLength
          this.#markSynced()
        }
        return
      case SYNC_UPDATE:
        this.#recordLatency(data, receivedAt)
        if (this.#options.appliesUpdates !== false || this.#paragraph) Y.applyUpdate(this.doc, payload, REMOTE)
        return
    }
  }

  /** Finds the markers in a frame; counts and times those another client sent. */
  #recordLatency(data: Buffer, receivedAt: number): void {
    let at = data.indexOf(MARKER)
    while (at >= 0) {
      const end = data.indexOf(MARKER_END, at)
      if (end < 0) return
      const [client, sentAt] = data.toString('latin1', at + 2, end).split(':')
      if (Number(client) !== this.doc.clientID && sentAt !== undefined) {
        this.#options.counters.received++
        this.#options.counters.latency.record(receivedAt - Number(sentAt))
      }
      at = data.indexOf(MARKER, end)
    }
  }

  /** Makes one small edit in this client's own paragraph (created by the first edit). */
  edit(): void {
    const random = this.#options.random
    this.doc.transact(() => {
      if (!this.#paragraph) {
        const paragraph = new Y.XmlElement('paragraph')
        this.#paragraph = new Y.XmlText('')
        paragraph.insert(0, [this.#paragraph])
        const body = getBody(this.doc)
        body.insert(body.length, [paragraph])
      }
      const text = this.#paragraph
      const insertion = `#t${this.doc.clientID}:${now().toFixed(3)}; `
      if (text.length > MAX_TEXT_LENGTH) text.delete(Math.floor(random() * (text.length - insertion.length)), insertion.length)
      text.insert(Math.floor(random() * (text.length + 1)), insertion)
    })
  }

  close(): void {
    this.#isClosing = true
    this.socket.close()
  }
}
