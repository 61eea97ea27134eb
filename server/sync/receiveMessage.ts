/**
 * Decoding one frame from a client and sending it where it belongs: sync messages to the
 * update pipeline (or a state reply), awareness to the relay. Every read of untrusted bytes
 * happens inside a guard, and anything that does not decode is a `SyncRefusal.malformed`.
 */
import * as decoding from 'lib0/decoding'
import { MessageType, SyncStep } from '../../shared/protocol/messages.ts'
import type { Connection } from './Connection.ts'
import type { Room } from './Room.ts'
import { SyncRefusal } from './SyncRefusal.ts'
import { type PipelineParts, processUpdate } from './UpdatePipeline.ts'

/** A decoded frame: what the client asked for. */
export type ClientMessage =
  | { readonly kind: 'syncStep1'; readonly stateVector: Uint8Array }
  | { readonly kind: 'update'; readonly update: Uint8Array; readonly isSyncStep2: boolean }
  | { readonly kind: 'awareness'; readonly entries: ReadonlyArray<AwarenessUpdateEntry> }
  | { readonly kind: 'queryAwareness' }

export interface AwarenessUpdateEntry {
  readonly clientId: number
  readonly clock: number
  /** The state as parsed: an object, or null when the client leaves. */
  readonly state: Record<string, unknown> | null
}

/** Decodes a frame; throws `SyncRefusal.malformed` for anything the protocol does not allow. */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame)
    const message = decodeBody(decoder)
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes')
    return message
  } catch (error) {
    if (error instanceof SyncRefusal) throw error
    throw SyncRefusal.malformed('A message could not be decoded.')
  }
}

function decodeBody(decoder: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.sync: {
      const step = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (step === SyncStep.step1) return { kind: 'syncStep1', stateVector: payload }
      if (step === SyncStep.step2 || step === SyncStep.update) return { kind: 'update', update: payload, isSyncStep2: step === SyncStep.step2 }
      throw SyncRefusal.malformed(`Unknown sync step ${step}.`)
    }
    case MessageType.awareness:
      return { kind: 'awareness', entries: decodeAwarenessUpdate(decoding.readVarUint8Array(decoder)) }
    case MessageType.queryAwareness:
      return { kind: 'queryAwareness' }
    default:
      throw SyncRefusal.malformed(`Unknown message type ${type}.`)
  }
}

function decodeAwarenessUpdate(payload: Uint8Array): AwarenessUpdateEntry[] {
  const decoder = decoding.createDecoder(payload)
  const count = decoding.readVarUint(decoder)
  const entries: AwarenessUpdateEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const state: unknown = JSON.parse(decoding.readVarString(decoder))
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('awareness state is not an object')
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null })
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes in awareness update')
  return entries
}

/**
 * Handles one decoded message of `connection` in `room`. Updates are queued on the connection
 * so they pass the pipeline in order; the rest is answered at once.
 */
export function handleClientMessage(
  parts: PipelineParts,
  room: Room,
  connection: Connection,
  message: ClientMessage,
  onError: (error: unknown) => void,
): void {
  switch (message.kind) {
    case 'syncStep1':
      connection.isCatchingUp = true
      connection.send(room.syncStep2For(message.stateVector))
      return
    case 'update': {
      const n = connection.countUpdateReceived()
      // Counted from arrival, so the room cannot unload before a queued update is stored.
      room.beginWrite()
      connection.enqueue(async () => {
        try {
          // After a refusal nothing more from this connection is taken.
          if (!connection.isRefused) await processUpdate(parts, room, connection, message.update, n)
        } catch (error) {
          // Its content is in the step 2 still to come, which the client computed after it.
          const isCoveredByStep2 = error instanceof SyncRefusal && error.isMissingDependency && connection.isCatchingUp && !message.isSyncStep2
          if (!isCoveredByStep2) throw error
        } finally {
          if (message.isSyncStep2) connection.isCatchingUp = false
          room.endWrite()
        }
      }, onError)
      return
    }
    case 'awareness':
      relayOwnAwareness(room, connection, message.entries)
      return
    case 'queryAwareness': {
      const all = room.encodeAllAwareness()
      if (all) connection.send(all)
      return
    }
  }
}

/**
 * A connection speaks only for its own awareness client, and others see the identity the
 * server knows, not the one the client claims: `user.id`, `user.name` and
 * `user.organisation` are overwritten (a client's colour is kept).
 *
 * A stock provider echoes every presence change it applies, others' included; those entries
 * are dropped, not relayed. The connection's own client is the first one it publishes a state
 * for that no other person's connection holds (its earlier connection may: a reconnect).
 */
function relayOwnAwareness(room: Room, connection: Connection, entries: ReadonlyArray<AwarenessUpdateEntry>): void {
  const own = entries.filter(({ clientId, state }) => {
    if (connection.awarenessClientId === null && state !== null) {
      const holder = room.awarenessHolder(clientId)
      if (holder && holder !== connection && holder.principal.userId !== connection.principal.userId) return false
      connection.awarenessClientId = clientId
    }
    return clientId === connection.awarenessClientId
  })
  if (own.length === 0) return
  const { principal } = connection
  const stamped = own.map(({ clientId, clock, state }) => {
    if (state === null) return { clientId, clock, state: 'null' }
    const claimed = typeof state.user === 'object' && state.user !== null ? (state.user as Record<string, unknown>) : {}
    const color = typeof claimed.color === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(claimed.color) ? claimed.color : undefined
    const user = { color, id: principal.userId, name: principal.name, organisation: principal.organisation }
    return { clientId, clock, state: JSON.stringify({ ...state, user }) }
  })
  room.relayAwareness(connection, stamped)
}
