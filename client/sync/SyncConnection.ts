/**
 * The browser's connection to a contract's sync room: the stock y-websocket `WebsocketProvider`,
 * taught Concordat's two extra message types (durable acknowledgement and error), with the
 * contract kept on this device too (y-indexeddb), and reduced to the one thing a person needs
 * to know: is my work saved?
 *
 * "Saved" is only shown when the server has said that every update-bearing message this client
 * sent on the current socket is stored durably (DESIGN.md, step 7 of the referee's pipeline).
 * While the browser is offline no connection is attempted; the edits made meanwhile are kept
 * in IndexedDB, survive a reload, and are sent when the browser is back online.
 */
import * as decoding from 'lib0/decoding'
import type * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import type { ContractId } from '../../shared/domain/ids.ts'
import { CloseCode, describeClose } from '../../shared/protocol/closeCodes.ts'
import { ACK_PARAM, MessageType, SyncStep } from '../../shared/protocol/messages.ts'

/**
 * What the person is told about their work:
 * - `connecting`: the first connection attempt is under way;
 * - `saving`: connected, but not yet synced or some sent update is not yet acknowledged;
 * - `saved`: connected, synced, and every update sent on this socket is durably stored;
 * - `reconnecting`: the connection was lost while the browser is online; the provider retries;
 * - `offline`: the browser is offline, or the connection stopped for good after a refusal; local
 *   changes stay in the Y.Doc (and on this device) and are sent when a connection syncs again.
 */
export type SyncStatus = 'connecting' | 'saving' | 'saved' | 'reconnecting' | 'offline'

/** An immutable snapshot of a connection; a new object whenever any field changes. */
export interface SyncState {
  readonly status: SyncStatus
  /**
   * Words for the person about the last connection problem (`describeClose`, followed by the
   * server's own explanation when it sent one), or null. Cleared when a new socket syncs.
   */
  readonly lastError: string | null
  /**
   * True once the server refused this document's state itself (a rejected or too-large update).
   * The connection has stopped: reconnecting with the same Y.Doc would send the refused change
   * again. The owner should discard the doc and open the contract afresh from the server.
   */
  readonly needsFreshDoc: boolean
}

/** Options of a {@link SyncConnection}; every field has a default suited to the browser page. */
export interface SyncConnectionOptions {
  /**
   * WebSocket endpoint without the room name. Default: `/collab` on the page's own host, with
   * `wss:` when the page was served over HTTPS.
   */
  serverUrl?: string
  /** WebSocket implementation, for runtimes without a global one. Default: `WebSocket`. */
  WebSocketPolyfill?: typeof WebSocket
  /**
   * The IndexedDB database keeping this contract on this device (one per person and
   * contract), or null to keep nothing locally. Default: null.
   */
  localName?: string | null
}

/** Closes after which the person must act (sign in, ask for access): reconnecting cannot help. */
const CLOSES_NEEDING_THE_PERSON: ReadonlySet<number> = new Set([
  CloseCode.unauthenticated,
  CloseCode.forbidden,
])

/** Closes caused by this doc's own state: the same doc would be refused again. */
const CLOSES_NEEDING_A_FRESH_DOC: ReadonlySet<number> = new Set([
  CloseCode.updateRejected,
  CloseCode.tooLarge,
  CloseCode.messageTooBig,
])

/**
 * Wraps one `WebsocketProvider` for one contract and one Y.Doc. The provider reconnects on its
 * own with backoff, except after the closes listed above. The caller owns the Y.Doc and destroys
 * it after calling {@link SyncConnection.destroy}.
 */
export class SyncConnection {
  /** The stock provider; its `awareness` is what collaboration carets use. */
  readonly provider: WebsocketProvider
  /** The copy of the contract on this device, if kept. */
  private readonly local: IndexeddbPersistence | null

  /** Update-bearing messages (sync step 2 and update) sent on the current socket. */
  private sentCount = 0
  /** How many of those the server has reported durable, as of its latest ack. */
  private ackedCount = 0
  /** Whether the current socket is open (set by our own events, so a close reads at once). */
  private isSocketOpen = false
  /** Whether any socket of this connection has closed; decides `offline` versus `connecting`. */
  private hasLostConnection = false
  /** The explanation of the server's error message on the current socket, before its close. */
  private pendingServerError: { code: number; reason: string } | null = null
  private lastError: string | null = null
  private needsFreshDoc = false
  /** Whether the connection stopped for good (a refusal): no more attempts, even online. */
  private hasStopped = false
  /** What the browser says about its network (`navigator.onLine` and its events). */
  private isBrowserOnline = typeof navigator === 'undefined' ? true : navigator.onLine
  private snapshot: SyncState
  private readonly listeners = new Set<(state: SyncState) => void>()
  private readonly followNetwork = () => this.networkChanged()

  /**
   * Connects at once to the room named `contractId`, asking the server for acknowledgement and
   * error messages (`?ack=1`). Same-origin cookies carry the session.
   */
  constructor(contractId: ContractId, doc: Y.Doc, options: SyncConnectionOptions = {}) {
    this.local = options.localName ? new IndexeddbPersistence(options.localName, doc) : null
    this.provider = new WebsocketProvider(options.serverUrl ?? defaultServerUrl(), contractId, doc, {
      // Offline, nothing to try until the browser says it is back.
      connect: this.isBrowserOnline,
      params: { [ACK_PARAM]: '1' },
      // Every change goes through the referee: tabs sharing changes over BroadcastChannel would
      // pass a change the server refused to a tab that then sends it again.
      disableBc: true,
      shouldReconnect: (event) =>
        !CLOSES_NEEDING_THE_PERSON.has(event.code) && !CLOSES_NEEDING_A_FRESH_DOC.has(event.code),
      ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
    })
    this.snapshot = this.computeState()

    this.provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
      // The count is cumulative for the socket, so a late or repeated ack never lowers it.
      this.ackedCount = Math.max(this.ackedCount, decoding.readVarUint(decoder))
      this.publish()
    }
    this.provider.messageHandlers[MessageType.error] = (_encoder, decoder) => {
      const code = decoding.readVarUint(decoder)
      const reason = decoding.readVarString(decoder)
      this.pendingServerError = { code, reason }
    }

    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.adoptOpenedSocket()
      this.publish()
    })
    this.provider.on('sync', (isSynced) => {
      if (isSynced) this.lastError = null
      this.publish()
    })
    this.provider.on('connection-close', (event) => {
      // Emitted before the provider's own 'disconnected' status, which never comes for a
      // socket that failed to open; tracking openness here covers both.
      this.isSocketOpen = false
      this.hasLostConnection = true
      // `null` means we closed it ourselves (disconnect, destroy or the silence watchdog).
      if (event !== null) {
        // The error message names the code the server meant, even if the close arrives garbled.
        const error = this.pendingServerError
        const words = describeClose(error?.code ?? event.code)
        this.lastError = error && error.reason !== '' ? `${words} (${error.reason})` : words
      }
      this.pendingServerError = null
      this.publish()
    })
    this.provider.on('closed', ({ code }) => {
      // Emitted only when `shouldReconnect` declined: this connection has stopped for good.
      this.hasStopped = true
      this.publish()
      if (!CLOSES_NEEDING_A_FRESH_DOC.has(code)) return
      // The refused change is in the copy on this device too: forget it before the owner
      // reopens the contract, or it would be loaded and sent again.
      const forgotten = this.local ? this.local.clearData() : Promise.resolve()
      forgotten
        .catch(() => {})
        .finally(() => {
          this.needsFreshDoc = true
          this.publish()
        })
    })

    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.followNetwork)
      window.addEventListener('offline', this.followNetwork)
    }
  }

  /** Resolves once the copy on this device (if any) has been loaded into the doc. */
  whenLocalLoaded(): Promise<void> {
    return this.local ? this.local.whenSynced.then(() => {}) : Promise.resolve()
  }

  /** The current state; the same object until something changes (fit for useSyncExternalStore). */
  get state(): SyncState {
    return this.snapshot
  }

  /** Shorthand for `state.status`. */
  get status(): SyncStatus {
    return this.snapshot.status
  }

  /**
   * Calls `listener` with the new state after every change (not with the current one).
   * Returns the function that unsubscribes it.
   */
  onChange(listener: (state: SyncState) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /**
   * Closes the socket (telling the others this user left), destroys the provider and its
   * awareness, and drops the listeners. The Y.Doc is left to its owner.
   */
  destroy(): void {
    this.listeners.clear()
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.followNetwork)
      window.removeEventListener('offline', this.followNetwork)
    }
    // Closes the database; what it holds stays for next time.
    void this.local?.destroy()
    this.provider.destroy()
    // The provider created the awareness, whose timer would otherwise outlive it.
    this.provider.awareness.destroy()
  }

  /**
   * Starts afresh on the socket that just opened, and counts what the client sends on it. The
   * provider creates a new WebSocket for every attempt and emits 'connected' before its first
   * send, so wrapping `send` here sees every message, including the sync step 2 it sends back
   * to the server's step 1.
   */
  private adoptOpenedSocket(): void {
    const ws = this.provider.ws
    if (ws === null) return
    this.isSocketOpen = true
    this.sentCount = 0
    this.ackedCount = 0
    this.pendingServerError = null
    const send = ws.send.bind(ws)
    ws.send = (data) => {
      if (isUpdateBearing(data)) {
        this.sentCount += 1
        this.publish()
      }
      send(data)
    }
  }

  /**
   * The browser went offline or came back. Offline, the socket is closed at once (a socket may
   * linger long after the network has gone) and no attempt is made; online, one starts now.
   */
  private networkChanged(): void {
    this.isBrowserOnline = navigator.onLine
    if (!this.isBrowserOnline) this.provider.disconnect()
    else if (!this.hasStopped) this.provider.connect()
    this.publish()
  }

  private computeState(): SyncState {
    let status: SyncStatus
    if (this.isSocketOpen) {
      status = this.provider.synced && this.ackedCount >= this.sentCount ? 'saved' : 'saving'
    } else if (!this.isBrowserOnline || this.hasStopped) {
      status = 'offline'
    } else {
      status = this.hasLostConnection ? 'reconnecting' : 'connecting'
    }
    return { status, lastError: this.lastError, needsFreshDoc: this.needsFreshDoc }
  }

  /** Replaces the snapshot and tells the listeners, only when something they see has changed. */
  private publish(): void {
    const next = this.computeState()
    const previous = this.snapshot
    if (
      next.status === previous.status &&
      next.lastError === previous.lastError &&
      next.needsFreshDoc === previous.needsFreshDoc
    ) {
      return
    }
    this.snapshot = next
    for (const listener of [...this.listeners]) listener(next)
  }
}

/** `/collab` on the page's own host, over `wss:` when the page is served over HTTPS. */
function defaultServerUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/collab`
}

/**
 * Whether an outgoing frame is a y-protocols sync message carrying updates (step 2 or update):
 * exactly the messages the server counts in its acknowledgements.
 */
function isUpdateBearing(data: string | ArrayBufferLike | Blob | ArrayBufferView): boolean {
  let bytes: Uint8Array
  if (data instanceof Uint8Array) bytes = data
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data)
  else return false
  if (bytes.length < 2) return false
  const decoder = decoding.createDecoder(bytes)
  if (decoding.readVarUint(decoder) !== MessageType.sync) return false
  const step = decoding.readVarUint(decoder)
  return step === SyncStep.step2 || step === SyncStep.update
}
