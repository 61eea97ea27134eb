/**
 * Decoding an untrusted Yjs update and checking that it can be integrated completely into a
 * document with a given state vector. Yjs itself would accept an update with missing
 * dependencies and hold its structs as "pending" forever; the referee refuses such an update
 * before it is stored, because a well-behaved client always sends in causal order.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { SyncRefusal } from './SyncRefusal.ts'

/** What the pipeline needs to know about an update after decoding it. */
export interface UpdateInspection {
  /** The clients that create structs in this update beyond what the document has. */
  readonly authoringClients: ReadonlySet<number>
  /** Whether applying it would change the document at all (new structs or deletions). */
  readonly isEffective: boolean
  /** The decoded structs and delete set, for later steps (attribution, validation). */
  readonly decoded: DecodedUpdate
}

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

/**
 * Decodes `update` and checks it against the document it would be applied to, whose clock for
 * each client `knownClock` tells (0 for a client it has never seen). Throws a `SyncRefusal`: `malformed` when it does not decode, `rejected` when it
 * depends on structs neither the document nor the update contains.
 */
export function inspectUpdate(update: Uint8Array, knownClock: (client: number) => number): UpdateInspection {
  let decoded: DecodedUpdate
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    throw SyncRefusal.malformed('The update could not be decoded.')
  }

  // The range each client covers in this update: structs of one client arrive as one run.
  const ranges = new Map<number, { from: number; to: number }>()
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) throw SyncRefusal.missingDependency('The update has a gap (missing structs).')
    const { client, clock } = struct.id
    const range = ranges.get(client)
    if (range === undefined) {
      ranges.set(client, { from: clock, to: clock + struct.length })
    } else if (range.to === clock) {
      range.to = clock + struct.length
    } else {
      throw SyncRefusal.malformed('The structs of one client are not contiguous.')
    }
  }
  // Each client must have exactly one section: Yjs keeps only the last section of a client
  // named twice, so the first would be dropped unapplied and the rest left pending.
  if (decoding.readVarUint(decoding.createDecoder(update)) !== ranges.size) {
    throw SyncRefusal.malformed('The update names a client more than once.')
  }

  const known = knownClock
  const authoringClients = new Set<number>()
  for (const [client, { from, to }] of ranges) {
    if (from > known(client)) throw SyncRefusal.missingDependency('The update depends on changes the server does not have.')
    if (to > known(client)) authoringClients.add(client)
  }

  /** True when the struct with this id exists in the document or in the update. */
  const exists = (id: Y.ID): boolean => {
    if (id.clock < known(id.client)) return true
    const range = ranges.get(id.client)
    return range !== undefined && id.clock >= range.from && id.clock < range.to
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    const refs = [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null]
    for (const ref of refs) {
      if (ref === null) continue
      if (!exists(ref)) throw SyncRefusal.missingDependency('The update refers to text the server does not have.')
      // Yjs does not wait for a struct of the item's own client: it must come earlier, or
      // applying the update throws (after it was written ahead, so the room could never load).
      if (ref.client === struct.id.client && ref.clock >= struct.id.clock) {
        throw SyncRefusal.malformed('An item refers to a later change of its own client.')
      }
    }
    if (struct.parent === null && struct.origin === null && struct.rightOrigin === null) {
      throw SyncRefusal.malformed('An item has neither a parent nor a neighbour.')
    }
  }

  let hasDeletions = false
  for (const [client, deletions] of decoded.ds.clients) {
    const end = Math.max(known(client), ranges.get(client)?.to ?? 0)
    for (const { clock, len } of deletions) {
      if (len <= 0 || clock + len > end) throw SyncRefusal.missingDependency('The update deletes text the server does not have.')
      hasDeletions = true
    }
  }

  return { authoringClients, isEffective: authoringClients.size > 0 || hasDeletions, decoded }
}
