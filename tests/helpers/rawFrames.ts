/**
 * The sync protocol at the level of single frames, for tests that must send what no stock
 * provider would (a malformed frame, someone else's presence, an update with a hole in it) and
 * see every frame the server sends back, including Concordat's acknowledgement and error
 * messages, in the order they arrived.
 *
 * `RecordingSocket` never answers anything by itself: a test sends exactly the frames it
 * builds with the encoders below, so the server's count of update-bearing messages is simply
 * the number of `updateFrame`s sent.
 */
import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType, SyncStep } from '../../shared/protocol/messages.ts'

/** A sync message (step 1, step 2 or update) around `payload`. */
export function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** A sync "update" message carrying a Yjs update, as a provider sends after a local change. */
export function updateFrame(update: Uint8Array): Uint8Array {
  return syncFrame(SyncStep.update, update)
}

/** One entry of an awareness message; `state` is the JSON text exactly as sent (it may be invalid). */
export interface RawAwarenessEntry {
  readonly clientId: number
  readonly clock: number
  readonly state: string
}

/** An awareness message with the given entries, encoded as y-protocols does. */
export function awarenessFrame(entries: readonly RawAwarenessEntry[]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, state)
  }
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner))
  return encoding.toUint8Array(encoder)
}

/** "Send me everyone's presence": a harmless, valid one-byte message. */
export const queryAwarenessFrame: Uint8Array = Uint8Array.of(MessageType.queryAwareness)

/** The message type of a frame the server sent (its first varUint). */
export function messageTypeOf(frame: Uint8Array): number {
  return decoding.readVarUint(decoding.createDecoder(frame))
}

/** The count carried by an acknowledgement frame, or null for any other frame. */
export function ackCountOf(frame: Uint8Array): number | null {
  const decoder = decoding.createDecoder(frame)
  if (decoding.readVarUint(decoder) !== MessageType.ack) return null
  return decoding.readVarUint(decoder)
}

/** The close code and reason carried by an error frame, or null for any other frame. */
export function errorOf(frame: Uint8Array): { code: number; reason: string } | null {
  const decoder = decoding.createDecoder(frame)
  if (decoding.readVarUint(decoder) !== MessageType.error) return null
  return { code: decoding.readVarUint(decoder), reason: decoding.readVarString(decoder) }
}

/** How a socket ended. */
export interface Closure {
  readonly code: number
  readonly reason: string
}

/** How an upgrade request ended: an open socket, or the HTTP status it was refused with. */
export type UpgradeOutcome = { readonly isOpen: true } | { readonly isOpen: false; readonly status: number }

/**
 * A WebSocket that records every frame it receives and how it closed. Nothing is sent unless
 * the test sends it.
 */
export class RecordingSocket {
  readonly socket: WebSocket
  /** Every frame the server sent, in arrival order (all arrive before `closed` resolves). */
  readonly frames: Uint8Array[] = []
  /** Resolves with the close code and reason once the socket has closed. */
  readonly closed: Promise<Closure>
  #closure: Closure | null = null

  private constructor(socket: WebSocket) {
    this.socket = socket
    socket.binaryType = 'nodebuffer'
    socket.on('message', (data: Buffer) => this.frames.push(new Uint8Array(data)))
    // A reset connection reports an error before 'close'; the close code tells the story.
    socket.on('error', () => {})
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        this.#closure = { code, reason: reason.toString() }
        resolve(this.#closure)
      })
    })
  }

  /**
   * Opens `url` and resolves once the upgrade has succeeded. `onOpen` runs in the same turn
   * as the open event, so frames it sends leave before the server can have answered anything.
   */
  static async open(url: string, options: { onOpen?: (socket: RecordingSocket) => void } = {}): Promise<RecordingSocket> {
    const recording = new RecordingSocket(new WebSocket(url, { perMessageDeflate: false }))
    await new Promise<void>((resolve, reject) => {
      recording.socket.once('open', () => {
        options.onOpen?.(recording)
        resolve()
      })
      recording.socket.once('unexpected-response', (_request, response) => reject(new Error(`The upgrade was refused with HTTP ${response.statusCode}`)))
      recording.socket.once('close', (code) => reject(new Error(`The socket closed (${code}) before it opened`)))
    })
    return recording
  }

  /** Tries an upgrade and reports whether it opened or with which HTTP status it was refused. */
  static async tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
    const socket = new WebSocket(url, { headers })
    socket.on('error', () => {})
    return new Promise((resolve) => {
      socket.once('open', () => {
        socket.terminate()
        resolve({ isOpen: true })
      })
      socket.once('unexpected-response', (request, response) => {
        resolve({ isOpen: false, status: response.statusCode ?? 0 })
        request.destroy()
      })
    })
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  /** How the socket closed, once it has. */
  get closure(): Closure | null {
    return this.#closure
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame, { binary: true })
  }

  /** The highest acknowledgement count received so far (0 if none). */
  get acknowledged(): number {
    return Math.max(0, ...this.frames.map((frame) => ackCountOf(frame) ?? 0))
  }

  /** Closes from this side and waits until the socket is closed. */
  async close(): Promise<Closure> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close()
    return this.closed
  }

  /** Drops the connection without a closing handshake, as a crashed or unplugged client would. */
  terminate(): void {
    this.socket.terminate()
  }
}
