/**
 * The sync server: accepts WebSocket upgrades on `/collab/<contractId>`, authenticates and
 * authorizes them through the referee's hooks, loads rooms (awaiting the stored state before
 * the first reply), feeds each frame to the pipeline, unloads idle rooms once their state is
 * durable, and shuts down without losing an acknowledged update.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import type * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol/closeCodes.ts'
import { MAX_BYTES_BEFORE_READY, MAX_MESSAGE_BYTES } from '../../shared/protocol/limits.ts'
import { ACK_PARAM, SyncStep } from '../../shared/protocol/messages.ts'
import { type ContractId, parseContractId } from '../../shared/domain/ids.ts'
import type { Role } from '../../shared/domain/roles.ts'
import type { DocumentStore } from '../store/Store.ts'
import { Connection } from './Connection.ts'
import type { RefereeHooks } from './hooks.ts'
import { decodeClientMessage, handleClientMessage } from './receiveMessage.ts'
import { type ClientBindingStore, type MetaChangeListener, Room, encodeSyncMessage } from './Room.ts'
import { SyncRefusal } from './SyncRefusal.ts'
import { WriteAheadLog } from './WriteAheadLog.ts'

/** How long shutdown waits for clients to complete the close handshake before cutting them off. */
const CLOSE_HANDSHAKE_GRACE_MS = 2000

/** The path prefix of sync sockets; the rest of the path is the contract id. */
export const COLLAB_PATH = '/collab/'

export interface SyncServerOptions {
  readonly store: DocumentStore
  readonly hooks: RefereeHooks
  /**
   * Origins a browser may connect from besides the server's own (e.g. the public URL behind a
   * proxy). A request without an Origin header is not a browser's and is judged by its
   * credentials alone.
   */
  readonly allowedOrigins: readonly string[]
  /** How long a room without connections stays loaded (default 30 s): rejoining is instant. */
  readonly roomIdleMs?: number
  /** Compact a room's log after this many updates (default 500). */
  readonly compactAfterUpdates?: number
  /** Where clientID bindings are kept (default: in the room's memory only). */
  readonly bindings?: ClientBindingStore
  /** Where problems are reported; defaults to console.error. */
  readonly log?: (message: string, error?: unknown) => void
  /**
   * Told after a loaded room applies a change of its contract's title or description (default:
   * nobody), so the contract list can follow the documents. See `RoomOptions.onMetaChanged`.
   */
  readonly onMetaChanged?: MetaChangeListener
  /** Told after a loaded room's `body` changed (default: nobody). See `RoomOptions.onBodyChanged`. */
  readonly onBodyChanged?: (contractId: ContractId) => void
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return data
}

export class SyncServer {
  readonly #options: Required<Omit<SyncServerOptions, 'bindings' | 'onMetaChanged' | 'onBodyChanged'>> & Pick<SyncServerOptions, 'bindings' | 'onMetaChanged' | 'onBodyChanged'>
  readonly #wal: WriteAheadLog
  readonly #wss: WebSocketServer
  readonly #rooms = new Map<ContractId, Promise<Room>>()
  readonly #unloading = new Map<ContractId, Promise<void>>()
  readonly #idleTimers = new Map<ContractId, NodeJS.Timeout>()
  readonly #connections = new Set<Connection>()
  #isClosing = false

  constructor(options: SyncServerOptions) {
    this.#options = {
      roomIdleMs: 30_000,
      compactAfterUpdates: 500,
      log: (message, error) => console.error(message, error ?? ''),
      ...options,
    }
    this.#wal = new WriteAheadLog(options.store)
    // Frames between the limit and twice it get our own 4413; beyond that `ws` stops reading
    // (close 1009) before buffering them, so no frame can exhaust memory.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_MESSAGE_BYTES, perMessageDeflate: false })
  }

  /** Routes the HTTP server's upgrade requests for `/collab/…` here; others are refused. */
  attach(server: HttpServer): void {
    server.on('upgrade', (request, socket, head) => this.handleUpgrade(request, socket, head))
  }

  /** Number of rooms currently loaded (for tests and metrics). */
  get loadedRoomCount(): number {
    return this.#rooms.size
  }

  /**
   * Calls `read` with the document of the contract's room if it is loaded (awaiting a load in
   * progress), and returns what it returns; null when no room is loaded. `read` runs
   * synchronously and must not change the document: only the pipeline writes to it.
   */
  async readLoadedDocument<T>(contractId: ContractId, read: (doc: Y.Doc) => T): Promise<{ readonly value: T } | null> {
    const loading = this.#rooms.get(contractId)
    if (!loading) return null
    let room: Room
    try {
      room = await loading
    } catch {
      // The load failed and was reported where it was awaited; the caller reads the store instead.
      return null
    }
    // Unloaded while we waited: its document may be destroyed.
    if (this.#rooms.get(contractId) !== loading) return null
    return { value: read(room.doc) }
  }

  /**
   * Applies a membership change to the user's open connections at once: a removed member is
   * disconnected (4403); otherwise the new role governs their very next update.
   */
  applyRoleChange(contractId: ContractId, userId: string, role: Role | null): void {
    for (const connection of this.#connections) {
      if (connection.contractId !== contractId || connection.principal.userId !== userId) continue
      if (role === null) connection.close(CloseCode.forbidden, 'You no longer have access to this contract.')
      else connection.role = role
    }
  }

  /** Handles one upgrade request: origin check, then the socket is accepted and authenticated. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (this.#isClosing || !url.pathname.startsWith(COLLAB_PATH)) return refuseUpgrade(socket, 404, 'Not Found')
    if (!this.#isOriginAllowed(request)) return refuseUpgrade(socket, 403, 'Forbidden')
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      this.#accept(ws, request, url).catch((error) => {
        this.#options.log('Could not open a sync connection', error)
        ws.close(CloseCode.internalError, 'The server could not open this contract.')
      })
    })
  }

  #isOriginAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin
    if (origin === undefined) return true
    if (this.#options.allowedOrigins.includes(origin)) return true
    const host = request.headers.host
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)
  }

  async #accept(ws: WebSocket, request: IncomingMessage, url: URL): Promise<void> {
    // Frames that arrive while we authenticate and load are held, within a byte budget.
    const early: Uint8Array[] = []
    let earlyBytes = 0
    const holdEarly = (data: RawData) => {
      const bytes = toBytes(data)
      earlyBytes += bytes.byteLength
      if (earlyBytes > MAX_BYTES_BEFORE_READY) ws.close(CloseCode.tooLarge, 'Too much data before the contract was ready.')
      else early.push(bytes)
    }
    ws.on('message', holdEarly)
    ws.on('error', () => ws.terminate())

    const contractId = parseContractId(decodePathSegment(url.pathname.slice(COLLAB_PATH.length)))
    if (!contractId) return ws.close(CloseCode.forbidden, 'There is no such contract.')
    const { hooks } = this.#options
    const principal = await hooks.authenticate(request, url)
    if (!principal) return ws.close(CloseCode.unauthenticated, 'Sign in to open this contract.')
    const role = await hooks.authorize(principal, contractId)
    if (role === null) return ws.close(CloseCode.forbidden, 'You do not have access to this contract.')
    if (ws.readyState !== ws.OPEN) return

    const connection = new Connection({ socket: ws, principal, contractId, role, wantsAcks: url.searchParams.get(ACK_PARAM) === '1' })
    this.#connections.add(connection)
    ws.once('close', () => this.#connections.delete(connection))
    const room = await this.#acquireRoom(contractId)
    if (!connection.isOpen) return this.#releaseIfIdle(room)
    room.connections.add(connection)
    ws.once('close', () => {
      room.removeConnection(connection)
      this.#releaseIfIdle(room)
    })

    ws.off('message', holdEarly)
    ws.on('message', (data) => this.#receive(room, connection, toBytes(data)))
    // Our state vector first (the client replies with what we lack), then who is here.
    connection.send(encodeSyncMessage(SyncStep.step1, room.encodeStateVector()))
    const awareness = room.encodeAllAwareness()
    if (awareness) connection.send(awareness)
    for (const frame of early) this.#receive(room, connection, frame)
  }

  #receive(room: Room, connection: Connection, frame: Uint8Array): void {
    if (!connection.isOpen || this.#isClosing) return
    const onError = (error: unknown) => this.#refuse(connection, error)
    try {
      if (!connection.takeMessageToken()) throw new SyncRefusal(CloseCode.tooManyMessages, 'Too many messages; slow down.')
      if (frame.byteLength > MAX_MESSAGE_BYTES) throw new SyncRefusal(CloseCode.tooLarge, 'That message is too large.')
      handleClientMessage({ hooks: this.#options.hooks, wal: this.#wal }, room, connection, decodeClientMessage(frame), onError)
    } catch (error) {
      onError(error)
    }
  }

  /** Closes one connection over a refusal or failure; the room and everyone else carry on. */
  #refuse(connection: Connection, error: unknown): void {
    if (error instanceof SyncRefusal) {
      connection.close(error.code, error.reason)
      return
    }
    this.#options.log(`Sync failure on ${connection.contractId}; closing that connection`, error)
    connection.close(CloseCode.internalError, 'The server could not save that change; nothing of it was kept.')
  }

  /** The loaded room for a contract, loading it (awaiting the store) if needed. */
  async #acquireRoom(name: ContractId): Promise<Room> {
    for (;;) {
      const unloading = this.#unloading.get(name)
      if (unloading) {
        await unloading
        continue
      }
      let loading = this.#rooms.get(name)
      if (!loading) {
        const { compactAfterUpdates, log, bindings, onMetaChanged, onBodyChanged } = this.#options
        loading = Room.load(name, this.#options.store, { compactAfterUpdates, log, bindings, onMetaChanged, onBodyChanged })
        this.#rooms.set(name, loading)
        loading.catch(() => this.#rooms.delete(name))
      }
      const room = await loading
      // An unload may have begun while we waited; then wait for it and load afresh.
      if (this.#rooms.get(name) !== loading) continue
      clearTimeout(this.#idleTimers.get(name))
      this.#idleTimers.delete(name)
      return room
    }
  }

  #releaseIfIdle(room: Room): void {
    if (room.connections.size > 0 || this.#isClosing) return
    clearTimeout(this.#idleTimers.get(room.name))
    const timer = setTimeout(() => {
      this.#idleTimers.delete(room.name)
      if (room.connections.size > 0) return
      this.#rooms.delete(room.name)
      const unload = this.#unload(room).finally(() => this.#unloading.delete(room.name))
      this.#unloading.set(room.name, unload)
    }, this.#options.roomIdleMs)
    timer.unref()
    this.#idleTimers.set(room.name, timer)
  }

  /** Unloads a room once every update written for it is applied and the log is compacted. */
  async #unload(room: Room): Promise<void> {
    await room.whenWritesSettled()
    try {
      await room.compact()
    } catch (error) {
      // The log still holds everything; the next load replays it.
      this.#options.log(`Compaction of ${room.name} on unload failed`, error)
    }
    room.destroy()
  }

  /**
   * Stops accepting connections and messages, waits until every update written ahead is
   * applied and acknowledged, closes every socket with "going away", and unloads every room.
   */
  async close(): Promise<void> {
    this.#isClosing = true
    for (const timer of this.#idleTimers.values()) clearTimeout(timer)
    this.#idleTimers.clear()
    await this.#wal.drain()
    // Let the acknowledgements of the last batch reach the sockets before closing them.
    await new Promise((resolve) => setImmediate(resolve))
    const closed = [...this.#wss.clients].map((ws) => new Promise((resolve) => ws.once('close', resolve)))
    for (const connection of this.#connections) connection.close(CloseCode.goingAway, 'The server is shutting down.')
    // Give clients a moment to answer the close handshake, so they see 1001 and not a cut line.
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, CLOSE_HANDSHAKE_GRACE_MS).unref())])
    await Promise.allSettled([...this.#unloading.values()])
    const rooms = await Promise.allSettled([...this.#rooms.values()])
    this.#rooms.clear()
    for (const result of rooms) if (result.status === 'fulfilled') await this.#unload(result.value)
    for (const ws of this.#wss.clients) ws.terminate()
    this.#wss.close()
  }
}

/** A percent-decoded path segment; malformed escapes (`%ZZ`) decode to '' (no such contract), not an error. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return ''
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
