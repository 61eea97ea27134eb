/**
 * The referee's pipeline for one update, in the order DESIGN.md gives: decode → authorize →
 * attribute → validate → write ahead → apply → broadcast → acknowledge. Each step is a small
 * function below; any of the first four refuses by throwing a `SyncRefusal`, and then nothing
 * has been stored, applied or sent.
 */
import { can } from '../../shared/domain/roles.ts'
import type { Connection } from './Connection.ts'
import type { RefereeHooks, UpdateContext } from './hooks.ts'
import { type UpdateInspection, inspectUpdate } from './inspectUpdate.ts'
import type { Room } from './Room.ts'
import { SyncRefusal } from './SyncRefusal.ts'
import type { WriteAheadLog } from './WriteAheadLog.ts'

export interface PipelineParts {
  readonly hooks: RefereeHooks
  readonly wal: WriteAheadLog
}

/**
 * Runs `update` (the `n`th update-bearing message of `connection`) through the pipeline.
 * Resolves after it is applied and acknowledged; rejects with a SyncRefusal if refused, or with
 * the store's error if it could not be written (nothing applied in either case).
 */
export async function processUpdate(parts: PipelineParts, room: Room, connection: Connection, update: Uint8Array, n: number): Promise<void> {
  const inspection = decode(room, update)
  if (!inspection.isEffective) {
    // Nothing new (e.g. the empty sync step 2 of a fresh client): nothing to store or send.
    connection.acknowledge(n)
    return
  }
  authorize(connection)
  let usedShadow = false
  const context: UpdateContext = {
    principal: connection.principal,
    contractId: room.name,
    doc: room.doc,
    role: connection.role,
    update,
    inspection,
    docAfter: () => {
      usedShadow = true
      return room.shadowWith(update)
    },
    ownsClient: (clientId) => room.ownerOf(clientId) === connection.principal.userId,
  }
  try {
    attribute(parts.hooks, room, context)
    parts.hooks.validate(context)
    await bindAuthors(room, context)
    // Step 5, write ahead: appended to the store (group commit) and awaited until durable.
    const seq = await parts.wal.append(room.name, update)
    room.apply(update, seq, connection)
  } catch (error) {
    // The shadow has the update the room will not get.
    if (usedShadow) room.discardShadow()
    throw error
  }
  connection.acknowledge(n)
}

/** Step 1: decode safely and check that every dependency is present. */
function decode(room: Room, update: Uint8Array): UpdateInspection {
  return inspectUpdate(update, room.knownClock)
}

/** Step 2: the connection's user may change this contract's document at all. */
function authorize(connection: Connection): void {
  if (!can(connection.role, 'edit') && !can(connection.role, 'suggest')) {
    throw SyncRefusal.rejected('You can read this contract but not change its text.')
  }
}

/**
 * Step 3: every new struct's clientID belongs to this user. A clientID is bound (durably) to
 * the first user whose update with it was accepted (see `bindAuthors`); structs under someone
 * else's clientID are refused, so the author of every character can be trusted. The policy may
 * add checks of its own.
 */
function attribute(hooks: RefereeHooks, room: Room, context: UpdateContext): void {
  for (const client of context.inspection.authoringClients) {
    const owner = room.ownerOf(client)
    if (owner !== undefined && owner !== context.principal.userId) throw writtenUnderAnotherSession()
  }
  hooks.attribute(context)
}

/**
 * Binds the update's new clientIDs to its author, only once it has passed validation: a
 * refused update must not claim a clientID (another person's, seen in their presence, before
 * they have typed) and lock them out of writing with it. Two updates racing for an unbound
 * clientID both get here; the store settles it and the later one is refused.
 */
async function bindAuthors(room: Room, context: UpdateContext): Promise<void> {
  for (const client of context.inspection.authoringClients) {
    const owner = await room.bindClient(client, context.principal.userId)
    if (owner !== context.principal.userId) throw writtenUnderAnotherSession()
  }
}

function writtenUnderAnotherSession(): SyncRefusal {
  return SyncRefusal.rejected('The update was written under another person’s editing session.')
}
