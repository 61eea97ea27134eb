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

  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    for (const ref of refsOf(struct)) {
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
  assertIntegrable(decoded.structs, known)

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

/** The structs an item refers to: its neighbours at insertion and its parent, when an item. */
function refsOf(item: Y.Item): Y.ID[] {
  return [item.origin, item.rightOrigin, item.parent instanceof Y.ID ? item.parent : null].filter((ref): ref is Y.ID => ref !== null)
}

/**
 * Replays the order in which Yjs integrates an update: a struct goes in once every struct it
 * refers to is in the document or already went in from this update. Structs that never go in
 * (a reference to text nobody has, or references that wait on each other in a cycle) would
 * stay pending in the room's document for ever, so the update is refused.
 */
function assertIntegrable(structs: DecodedUpdate['structs'], knownClock: (client: number) => number): void {
  const clocks = new Map<number, number>()
  const clockOf = (client: number) => clocks.get(client) ?? knownClock(client)
  const queues = new Map<number, Array<Y.Item | Y.GC | Y.Skip>>()
  for (const struct of structs) {
    if (struct.id.clock + struct.length <= knownClock(struct.id.client)) continue
    const queue = queues.get(struct.id.client)
    if (queue) queue.push(struct)
    else queues.set(struct.id.client, [struct])
  }
  const isReady = (struct: Y.Item | Y.GC | Y.Skip) =>
    !(struct instanceof Y.Item) || refsOf(struct).every((ref) => ref.clock < clockOf(ref.client))
  let isProgressing = true
  while (isProgressing && queues.size > 0) {
    isProgressing = false
    for (const [client, queue] of queues) {
      let next = 0
      while (next < queue.length && isReady(queue[next]!)) {
        const struct = queue[next]!
        clocks.set(client, struct.id.clock + struct.length)
        next++
      }
      if (next > 0) isProgressing = true
      if (next === queue.length) queues.delete(client)
      else queue.splice(0, next)
    }
  }
  if (queues.size > 0) throw SyncRefusal.missingDependency('The update refers to text the server does not have.')
}
