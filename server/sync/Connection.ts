/**
 * One WebSocket of the sync server: who is behind it, what they may do, the rate limit, the
 * serial queue that keeps a connection's updates in order through the asynchronous pipeline,
 * and the durable acknowledgement count.
 */
import type { WebSocket } from 'ws'
import * as encoding from 'lib0/encoding'
import { MESSAGES_PER_SECOND, MESSAGE_BURST } from '../../shared/protocol/limits.ts'
import { MessageType } from '../../shared/protocol/messages.ts'
import type { ContractId } from '../../shared/domain/ids.ts'
import type { Role } from '../../shared/domain/roles.ts'
import type { Principal } from './hooks.ts'

/** Close reasons travel in a control frame: at most 123 bytes of UTF-8. */
const MAX_CLOSE_REASON_BYTES = 123

/** Bytes queued for a reader that does not keep up before it is disconnected (32 MiB). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text)
  if (bytes.byteLength <= maxBytes) return text
  return bytes.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '')
}

export class Connection {
  readonly socket: WebSocket
  readonly principal: Principal
  readonly contractId: ContractId
  /** Whether the client asked for acknowledgement and error messages (`?ack=1`). */
  readonly wantsAcks: boolean
  /** The user's role in this contract now; changed at once when an owner changes it. */
  role: Role
  /** The awareness client this connection speaks for, once it has sent its first state. */
  awarenessClientId: number | null = null
  /**
   * True from the client's sync step 1 until its sync step 2 has been processed. A stock
   * provider that reconnects sends live updates before its step 2, and those may depend on
   * edits made offline that only the step 2 carries.
   */
  isCatchingUp = false

  #tokens = MESSAGE_BURST
  #lastRefill = performance.now()
  #updatesReceived = 0
  #updatesAcknowledged = 0
  #queue: Promise<void> = Promise.resolve()
  #isClosed = false
  /** Closed by the server over a refusal: the connection's queued updates are dropped. */
  #isRefused = false

  constructor(init: { socket: WebSocket; principal: Principal; contractId: ContractId; role: Role; wantsAcks: boolean }) {
    this.socket = init.socket
    this.principal = init.principal
    this.contractId = init.contractId
    this.role = init.role
    this.wantsAcks = init.wantsAcks
    init.socket.once('close', () => {
      this.#isClosed = true
    })
  }

  get isOpen(): boolean {
    return !this.#isClosed && this.socket.readyState === this.socket.OPEN
  }

  /** Takes one message from the token bucket; false when the connection is over its rate. */
  takeMessageToken(now = performance.now()): boolean {
    this.#tokens = Math.min(MESSAGE_BURST, this.#tokens + ((now - this.#lastRefill) / 1000) * MESSAGES_PER_SECOND)
    this.#lastRefill = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }

  /** True once the server has closed this connection with a refusal. */
  get isRefused(): boolean {
    return this.#isRefused
  }

  /**
   * Runs `task` after every task enqueued before it has finished, so a connection's updates
   * go through the asynchronous pipeline in the order they were sent. Every task runs, even
   * after the peer has gone (what it sent had fully arrived); a task's rejection is handed to
   * `onError`.
   */
  enqueue(task: () => Promise<void> | void, onError: (error: unknown) => void): void {
    this.#queue = this.#queue.then(async () => {
      try {
        await task()
      } catch (error) {
        onError(error)
      }
    })
  }

  /** Counts an update-bearing message as received; returns its number on this socket. */
  countUpdateReceived(): number {
    return ++this.#updatesReceived
  }

  /** Tells the client that its update number `n` (and all before it) is durable. */
  acknowledge(n: number): void {
    if (n <= this.#updatesAcknowledged) return
    this.#updatesAcknowledged = n
    if (!this.wantsAcks) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.ack)
    encoding.writeVarUint(encoder, n)
    this.send(encoding.toUint8Array(encoder))
  }

  /** Sends a frame if the socket is open; a reader too far behind is disconnected instead. */
  send(message: Uint8Array): void {
    if (!this.isOpen) return
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, 'The connection fell behind reading updates.')
      return
    }
    this.socket.send(message, { binary: true })
  }

  /**
   * Closes with a shared close code. A client that asked for them first gets an error message
   * carrying the whole reason, since the close frame's reason is cut to 123 bytes.
   */
  close(code: number, reason: string): void {
    if (this.#isClosed) return
    if (this.wantsAcks && this.isOpen) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.error)
      encoding.writeVarUint(encoder, code)
      encoding.writeVarString(encoder, reason)
      this.socket.send(encoding.toUint8Array(encoder), { binary: true })
    }
    this.#isClosed = true
    this.#isRefused = code !== 1000 && code !== 1001
    this.socket.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES))
  }
}
