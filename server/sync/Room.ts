/**
 * A loaded contract: its Y.Doc, the connections on it, the awareness relay and the clientID
 * bindings. The room applies only updates that are already durable (the pipeline wrote them
 * ahead), broadcasts each as the bytes it received, and compacts its log in the background.
 */
import * as Y from 'yjs'
import { defineRoots, getBody } from '../../shared/ydoc/schema.ts'
import * as encoding from 'lib0/encoding'
import { MessageType, SyncStep } from '../../shared/protocol/messages.ts'
import type { ContractDetails } from '../../shared/domain/contractDetails.ts'
import type { ContractId, UserId } from '../../shared/domain/ids.ts'
import { observeContractDetails } from '../../shared/ydoc/meta.ts'
import type { DocumentStore } from '../store/Store.ts'
import type { Connection } from './Connection.ts'
import { SyncRefusal } from './SyncRefusal.ts'

/**
 * Where the binding of Yjs clientIDs to users is kept, so that "who wrote this character" can
 * be answered after a restart. Without one, bindings live as long as the room.
 */
export interface ClientBindingStore {
  /** Every binding of a contract: clientID → userId. */
  list(contractId: string): Promise<Map<number, string>>
  /** Binds unless already bound; resolves with the owner afterwards. */
  bind(contractId: string, clientId: number, userId: string): Promise<string>
}

export interface RoomOptions {
  readonly bindings?: ClientBindingStore
  /** Compact once this many updates have been appended since the snapshot. */
  readonly compactAfterUpdates: number
  /** Where compaction failures are reported (they are retried at the next threshold). */
  readonly log: (message: string, error?: unknown) => void
  /**
   * Told after each applied change of the document's title or description (not the state it
   * was loaded with), with the changed values. Default: nobody. It exists so that the contract
   * list can follow what people write in the document; a throw is logged, never reaches the
   * update that caused it.
   */
  readonly onMetaChanged?: MetaChangeListener
  /**
   * Told after each applied change of the document's `body` (default: nobody), so that what
   * is computed from the text outside the pipeline (whether comment threads are detached) can
   * follow it. Called while the update is applied: it must only schedule work; a throw is logged.
   */
  readonly onBodyChanged?: (contractId: ContractId) => void
}

/** Hears of changed contract details in a room's document (see `RoomOptions.onMetaChanged`). */
export type MetaChangeListener = (contractId: ContractId, changed: Partial<ContractDetails>) => void

/** One awareness state as the server relays it: already stamped with the connection's identity. */
interface AwarenessEntry {
  clock: number
  /** The JSON text of the state, as re-encoded by the server. */
  state: string
  connection: Connection
}

/**
 * Encodes a sync message (step 1, step 2 or update) around a payload, in one allocation and
 * one copy: for a whole contract (a megabyte) the encoder's growing buffers cost milliseconds.
 */
export function encodeSyncMessage(step: number, payload: Uint8Array): Uint8Array {
  const header = encoding.createEncoder()
  encoding.writeVarUint(header, MessageType.sync)
  encoding.writeVarUint(header, step)
  encoding.writeVarUint(header, payload.byteLength)
  const head = encoding.toUint8Array(header)
  const message = new Uint8Array(head.byteLength + payload.byteLength)
  message.set(head, 0)
  message.set(payload, head.byteLength)
  return message
}

export class Room {
  readonly name: ContractId
  readonly doc = new Y.Doc({ gc: true })
  readonly connections = new Set<Connection>()
  readonly #store: DocumentStore
  readonly #options: RoomOptions
  /** The highest seq applied to `doc`. */
  #appliedSeq: number
  #snapshotSeq: number
  /** The whole document encoded, reused for every join from scratch until the next change. */
  #fullState: Uint8Array | null = null
  /** …and framed as a sync step 2, ready to send. */
  #fullStateMessage: Uint8Array | null = null
  #compaction: Promise<void> | null = null
  /** Updates received and not yet applied or dropped; the room must not unload while any is. */
  #inFlight = 0
  #idleWaiters: Array<() => void> = []
  readonly #awareness = new Map<number, AwarenessEntry>()
  /** A second copy of `doc` to judge an update by its effect (see `shadowWith`); null until needed. */
  #shadow: Y.Doc | null = null
  /** Which user each Yjs clientID belongs to, bound by the first update that used it. */
  readonly #clientOwners = new Map<number, UserId>()

  private constructor(name: ContractId, store: DocumentStore, options: RoomOptions, appliedSeq: number, snapshotSeq: number) {
    this.name = name
    this.#store = store
    this.#options = options
    this.#appliedSeq = appliedSeq
    this.#snapshotSeq = snapshotSeq
    defineRoots(this.doc)
  }

  /** Loads the stored state (snapshot, then the log's tail) before anyone is served. */
  static async load(name: ContractId, store: DocumentStore, options: RoomOptions): Promise<Room> {
    const [stored, owners] = await Promise.all([store.loadDocument(name), options.bindings?.list(name)])
    const room = new Room(name, store, options, stored.lastSeq, stored.snapshotSeq)
    for (const [client, owner] of owners ?? []) room.#clientOwners.set(client, owner as UserId)
    room.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(room.doc, stored.snapshot)
      for (const { data } of stored.updates) Y.applyUpdate(room.doc, data)
    })
    const { onMetaChanged, onBodyChanged } = options
    // A listener's throw is logged; it never reaches the update that caused it.
    const tell = (what: string, listen: () => void) => {
      try {
        listen()
      } catch (error) {
        options.log(`Following the ${what} of ${name} failed`, error)
      }
    }
    if (onMetaChanged) observeContractDetails(room.doc, (changed) => tell('details', () => onMetaChanged(name, changed)))
    if (onBodyChanged) getBody(room.doc).observeDeep(() => tell('text', () => onBodyChanged(name)))
    if (stored.updates.length >= options.compactAfterUpdates) room.#scheduleCompaction()
    return room
  }

  get appliedSeq(): number {
    return this.#appliedSeq
  }

  /** The document's clock for a client (0 if never seen), for checking an update's dependencies. */
  readonly knownClock = (client: number): number => Y.getState(this.doc.store, client)

  /** The document's state vector, sent to a joining client as sync step 1. */
  encodeStateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc)
  }

  /**
   * The sync step 2 for a client with state vector `encodedStateVector`: what it lacks. A
   * client that has nothing (the common cold join) gets the cached, framed whole document.
   */
  syncStep2For(encodedStateVector: Uint8Array): Uint8Array {
    let isEmpty: boolean
    try {
      isEmpty = Y.decodeStateVector(encodedStateVector).size === 0
    } catch {
      throw SyncRefusal.malformed('The state vector could not be decoded.')
    }
    if (isEmpty) {
      this.#fullState ??= Y.encodeStateAsUpdate(this.doc)
      this.#fullStateMessage ??= encodeSyncMessage(SyncStep.step2, this.#fullState)
      return this.#fullStateMessage
    }
    return encodeSyncMessage(SyncStep.step2, Y.encodeStateAsUpdate(this.doc, encodedStateVector))
  }

  /** The user a clientID is bound to, if any. */
  ownerOf(clientId: number): UserId | undefined {
    return this.#clientOwners.get(clientId)
  }

  /**
   * Binds a clientID to `userId` unless it is bound already (durably, when the room has a
   * binding store); resolves with whoever owns it afterwards.
   */
  async bindClient(clientId: number, userId: UserId): Promise<UserId> {
    const known = this.#clientOwners.get(clientId)
    if (known !== undefined) return known
    const owner = ((await this.#options.bindings?.bind(this.name, clientId, userId)) ?? userId) as UserId
    const settled = this.#clientOwners.get(clientId) ?? owner
    this.#clientOwners.set(clientId, settled)
    return settled
  }

  /** Marks an update as received: it will be applied or dropped, then `endWrite` is called. */
  beginWrite(): void {
    this.#inFlight++
  }

  /** Marks a received update as done with (applied, or refused and dropped). */
  endWrite(): void {
    this.#inFlight--
    if (this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake()
  }

  /** Resolves once every received update has been applied or dropped. */
  whenWritesSettled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  /**
   * Applies a durable update and sends the received bytes to every other connection. The update must have passed the pipeline.
   */
  apply(update: Uint8Array, seq: number, origin: Connection | null): void {
    Y.applyUpdate(this.doc, update, origin)
    // Already in the shadow when it was validated there; applying it again changes nothing.
    if (this.#shadow !== null) Y.applyUpdate(this.#shadow, update)
    this.#appliedSeq = Math.max(this.#appliedSeq, seq)
    this.#fullState = null
    this.#fullStateMessage = null
    const message = encodeSyncMessage(SyncStep.update, update)
    for (const connection of this.connections) if (connection !== origin) connection.send(message)
    if (this.#appliedSeq - this.#snapshotSeq >= this.#options.compactAfterUpdates) this.#scheduleCompaction()
  }

  /**
   * The room's document as it will be once `update` is applied: a shadow copy, made on first
   * use and then kept in step (every applied update goes into it too), with `update` applied
   * to it now. Rules that judge an update by its effect read it; nobody may change it. If the
   * update is then not applied to the room (refused, or not stored), `discardShadow` must be
   * called: the shadow would hold what the room does not.
   */
  shadowWith(update: Uint8Array): Y.Doc {
    if (this.#shadow === null) {
      this.#shadow = new Y.Doc({ gc: true })
      defineRoots(this.#shadow)
      Y.applyUpdate(this.#shadow, Y.encodeStateAsUpdate(this.doc))
    }
    Y.applyUpdate(this.#shadow, update)
    return this.#shadow
  }

  /** Forgets the shadow copy (rebuilt from the room's document when next needed). */
  discardShadow(): void {
    this.#shadow?.destroy()
    this.#shadow = null
  }

  /**
   * Records awareness states sent by `connection` (already stamped and re-encoded) and relays
   * them to the others. The caller has checked that each entry is the connection's own client.
   */
  relayAwareness(connection: Connection, entries: ReadonlyArray<{ clientId: number; clock: number; state: string }>): void {
    for (const { clientId, clock, state } of entries) {
      if (state === 'null') this.#awareness.delete(clientId)
      else this.#awareness.set(clientId, { clock, state, connection })
    }
    const message = encodeAwarenessMessage(entries)
    for (const other of this.connections) if (other !== connection) other.send(message)
  }

  /** The connection currently speaking for an awareness client, if any. */
  awarenessHolder(clientId: number): Connection | undefined {
    return this.#awareness.get(clientId)?.connection
  }

  /** Every awareness state in the room, for a joining client or a query. Null when there is none. */
  encodeAllAwareness(): Uint8Array | null {
    if (this.#awareness.size === 0) return null
    return encodeAwarenessMessage([...this.#awareness].map(([clientId, { clock, state }]) => ({ clientId, clock, state })))
  }

  /** Removes a departed connection and tells the others its caret is gone. */
  removeConnection(connection: Connection): void {
    this.connections.delete(connection)
    const clientId = connection.awarenessClientId
    const entry = clientId === null ? undefined : this.#awareness.get(clientId)
    if (clientId !== null && entry?.connection === connection) {
      this.relayAwareness(connection, [{ clientId, clock: entry.clock + 1, state: 'null' }])
    }
  }

  /** Folds the log into a snapshot now, if anything was applied since the last one. */
  async compact(): Promise<void> {
    while (this.#compaction) await this.#compaction
    if (this.#appliedSeq <= this.#snapshotSeq) return
    const throughSeq = this.#appliedSeq
    const snapshot = Y.encodeStateAsUpdate(this.doc)
    this.#fullState = snapshot
    this.#fullStateMessage = null
    this.#compaction = this.#store
      .compact(this.name, snapshot, throughSeq)
      .then(() => {
        this.#snapshotSeq = Math.max(this.#snapshotSeq, throughSeq)
      })
      .finally(() => {
        this.#compaction = null
      })
    await this.#compaction
  }

  #scheduleCompaction(): void {
    if (this.#compaction) return
    setImmediate(() => {
      this.compact().catch((error) => this.#options.log(`Compaction of ${this.name} failed; will retry`, error))
    })
  }

  /** Releases the document. The room must have no connections and no writes in flight. */
  destroy(): void {
    this.#awareness.clear()
    this.discardShadow()
    this.doc.destroy()
  }
}

/** Encodes awareness entries as a y-protocols awareness message. */
function encodeAwarenessMessage(entries: ReadonlyArray<{ clientId: number; clock: number; state: string }>): Uint8Array {
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
