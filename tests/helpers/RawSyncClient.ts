/**
 * A sync client that speaks the wire protocol itself (y-protocols sync messages plus
 * Concordat's acknowledgement and error messages), so a test can see exactly what was sent,
 * what the server acknowledged as durable and what it broadcast. The stock `WebsocketProvider`
 * hides all three.
 *
 * It numbers its update-bearing messages (sync step 2 replies and updates) the way the server
 * does, so "update n is acknowledged" means the same on both sides.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { ACK_PARAM, MessageType, SyncStep } from '../../shared/protocol/messages.ts'

/** How a socket ended (or the error message the server sent just before). */
export interface CloseInfo {
  readonly code: number
  readonly reason: string
}

export class RawSyncClient {
  readonly doc: Y.Doc
  readonly socket: WebSocket
  /** Update-bearing messages sent on this socket; the server numbers them the same way. */
  updatesSent = 0
  /** The highest count the server acknowledged as durable. */
  acknowledged = 0
  /** Every update payload the server sent (step 2 and update messages), in arrival order. */
  readonly received: Uint8Array[] = []
  /** Whether the server's answer to our sync step 1 has arrived and been applied. */
  isSynced = false
  /** The error message (type 101) the server sent before closing, if any. */
  error: CloseInfo | null = null
  /** Resolves when the socket has closed, with the close code and reason. */
  readonly closed: Promise<CloseInfo>
  #closeInfo: CloseInfo | null = null

  private constructor(socket: WebSocket, doc: Y.Doc) {
    this.socket = socket
    this.doc = doc
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString() }
        resolve(this.#closeInfo)
      })
    })
    socket.on('error', () => {
      // A killed server resets the connection; 'close' follows and reports it.
    })
    socket.on('message', (data: Buffer) => this.#receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.#sendUpdateBearing(SyncStep.update, update)
    })
  }

  /**
   * Opens `ws://…/collab/<room>` (with `?ack=1` unless `wantsAcks` is false, plus `params` such
   * as a `token`), sends our state vector, and resolves once the socket is open. Local changes
   * to `doc` are sent from then on.
   */
  static async connect(
    wsUrl: string,
    room: string,
    options: { doc?: Y.Doc; wantsAcks?: boolean; params?: Record<string, string> } = {},
  ): Promise<RawSyncClient> {
    const query = new URLSearchParams(options.params)
    if (options.wantsAcks !== false) query.set(ACK_PARAM, '1')
    const search = query.size > 0 ? `?${query}` : ''
    const socket = new WebSocket(`${wsUrl}/${encodeURIComponent(room)}${search}`)
    const client = new RawSyncClient(socket, options.doc ?? new Y.Doc())
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('close', (code) => reject(new Error(`The sync socket closed (${code}) before it opened`)))
    })
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeSyncStep1(encoder, client.doc)
    socket.send(encoding.toUint8Array(encoder))
    return client
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  /** How the socket closed, once it has. */
  get closeInfo(): CloseInfo | null {
    return this.#closeInfo
  }

  /** Resolves once the server's state has been applied to `doc`; rejects if the socket closes first. */
  async whenSynced(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.isSynced) {
      if (this.#closeInfo) throw new Error(`The sync socket closed (${this.#closeInfo.code}) before syncing`)
      if (Date.now() > deadline) throw new Error('Timed out waiting for the server’s sync step 2')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<CloseInfo> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close()
    return this.closed
  }

  #sendUpdateBearing(step: number, payload: Uint8Array): void {
    if (!this.isOpen) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    encoding.writeVarUint(encoder, step)
    encoding.writeVarUint8Array(encoder, payload)
    this.socket.send(encoding.toUint8Array(encoder))
    this.updatesSent++
  }

  #receive(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.sync: {
        const step = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        if (step === SyncStep.step1) {
          this.#sendUpdateBearing(SyncStep.step2, Y.encodeStateAsUpdate(this.doc, payload))
          return
        }
        this.received.push(payload)
        Y.applyUpdate(this.doc, payload, this)
        if (step === SyncStep.step2) this.isSynced = true
        return
      }
      case MessageType.ack:
        this.acknowledged = Math.max(this.acknowledged, decoding.readVarUint(decoder))
        return
      case MessageType.error:
        this.error = { code: decoding.readVarUint(decoder), reason: decoding.readVarString(decoder) }
        return
      default:
        // Awareness and anything else: not this client's concern.
        return
    }
  }
}
