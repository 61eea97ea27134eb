/**
 * What an update would change in a contract's Y.Doc, resolved against the document before it
 * is applied: each new item it inserts and each existing item it deletes, with the root it is
 * under and the innermost type of the document that contains it. The basis of the referee's
 * checks: "a commenter changes nothing", "only editors change clause status", "nobody changes
 * a locked clause".
 */
import * as Y from 'yjs'
import type { UpdateInspection } from './inspectUpdate.ts'

type Struct = Y.Item | Y.GC | Y.Skip
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its event parameter loosely
type SharedType = Y.AbstractType<any>

/** One place an update changes: a new item it inserts, or an existing item it deletes. */
export interface Change {
  readonly kind: 'insert' | 'delete'
  /** The item; null for a deletion of new structs that are not items (garbage-collected). */
  readonly item: Y.Item | null
  /** The name of the root the change is under; `?` when it cannot be resolved. */
  readonly root: string
  /**
   * The innermost type already in the document that contains the change; null when that is a
   * root the document does not have yet.
   */
  readonly container: SharedType | null
  /** Whether the item sits directly in `container` (not inside content new in this update). */
  readonly isDirect: boolean
  /** The item's key when it sits directly in a map or an element's attributes. */
  readonly key: string | null
}

/** Where a new item goes: resolved once per item, then shared by the items inserted next to it. */
interface Placement {
  readonly root: string
  readonly container: SharedType | null
  readonly isDirect: boolean
  readonly key: string | null
}

const UNRESOLVED: Placement = { root: '?', container: null, isDirect: false, key: null }
/**
 * Inside content the document has already garbage-collected (a paragraph a colleague deleted
 * while this one was typing in it): Yjs discards such an item as it integrates it, so it
 * changes nothing and is not reported.
 */
const DISCARDED: Placement = { root: '', container: null, isDirect: false, key: null }

/** The name under which the root type containing `type` is shared. */
function rootNameOf(type: SharedType): string {
  let current = type
  while (current._item !== null) current = current._item.parent as SharedType
  for (const [name, shared] of current.doc?.share ?? []) if (shared === current) return name
  return '?'
}

function placementInType(type: SharedType, key: string | null): Placement {
  return { root: rootNameOf(type), container: type, isDirect: true, key }
}

/**
 * Everything `inspection`'s update would change in `doc`. Items already in the document are
 * resolved through it, new items through their parent or the neighbour they were inserted at
 * (which may itself be new). Call it only on an inspected update, whose references resolve.
 */
export function changesOf(doc: Y.Doc, inspection: UpdateInspection): Change[] {
  const changes: Change[] = []
  const inUpdate = new Map<number, Y.Item[]>()
  for (const struct of inspection.decoded.structs as Struct[]) {
    if (!(struct instanceof Y.Item)) continue
    const list = inUpdate.get(struct.id.client)
    if (list) list.push(struct)
    else inUpdate.set(struct.id.client, [struct])
  }
  const isNew = (id: Y.ID) => id.clock >= Y.getState(doc.store, id.client)
  // Each client's structs arrive in clock order: binary search.
  const findInUpdate = (id: Y.ID): Y.Item | undefined => {
    const items = inUpdate.get(id.client)
    if (items === undefined) return undefined
    let low = 0
    let high = items.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const item = items[middle]!
      if (id.clock < item.id.clock) high = middle - 1
      else if (id.clock >= item.id.clock + item.length) low = middle + 1
      else return item
    }
    return undefined
  }

  const placements = new Map<Y.Item, Placement>()

  /** Where `item` goes if it can be told from the document alone; undefined if it hangs on a new item. */
  const placeDirectly = (item: Y.Item): Placement | undefined => {
    const parent = item.parent as unknown
    if (typeof parent === 'string') {
      const root: SharedType | null = doc.share.get(parent) ?? null
      return { root: parent, container: root, isDirect: true, key: item.parentSub }
    }
    if (parent instanceof Y.ID) {
      if (isNew(parent)) return undefined
      const existing = Y.getItem(doc.store, parent)
      if (existing instanceof Y.GC) return DISCARDED
      const content = existing instanceof Y.Item ? existing.content : null
      return content instanceof Y.ContentType ? placementInType(content.type as SharedType, item.parentSub) : UNRESOLVED
    }
    // Yjs discards an item whose left or right neighbour has been garbage-collected.
    for (const side of [item.origin, item.rightOrigin]) {
      if (side !== null && !isNew(side) && Y.getItem(doc.store, side) instanceof Y.GC) return DISCARDED
    }
    const neighbour = item.origin ?? item.rightOrigin
    if (neighbour === null) return UNRESOLVED
    if (isNew(neighbour)) return undefined
    const existing = Y.getItem(doc.store, neighbour)
    if (!(existing instanceof Y.Item)) return UNRESOLVED
    return placementInType(existing.parent as SharedType, existing.parentSub)
  }

  /** The new item `item` hangs on (its new parent or new neighbour). */
  const anchorOf = (item: Y.Item): Y.Item | undefined => {
    const parent = item.parent
    const ref = parent instanceof Y.ID ? parent : (item.origin ?? item.rightOrigin)
    return ref === null ? undefined : findInUpdate(ref)
  }

  /** Resolved without recursion: a long chain of new items (a large paste) is ordinary. */
  const place = (item: Y.Item): Placement => {
    const chain: Y.Item[] = []
    const seen = new Set<Y.Item>()
    let current: Y.Item | undefined = item
    let placement: Placement | undefined
    while (current !== undefined) {
      placement = placements.get(current) ?? placeDirectly(current)
      if (placement !== undefined || seen.has(current)) break
      seen.add(current)
      chain.push(current)
      current = anchorOf(current)
    }
    let resolved = placement ?? UNRESOLVED
    placements.set(current ?? item, resolved)
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!
      const next = chain[i + 1] ?? current
      // Below a new parent the change is no longer directly in the container; beside a new
      // neighbour it is where the neighbour is.
      if (resolved !== DISCARDED && next !== undefined && link.parent instanceof Y.ID) resolved = { ...resolved, isDirect: false, key: null }
      placements.set(link, resolved)
    }
    return placements.get(item) ?? resolved
  }

  for (const items of inUpdate.values()) {
    for (const item of items) {
      if (item.id.clock + item.length <= Y.getState(doc.store, item.id.client)) continue
      const placement = place(item)
      if (placement !== DISCARDED) changes.push({ kind: 'insert', item, ...placement })
    }
  }

  for (const [client, deletions] of inspection.decoded.ds.clients) {
    const known = Y.getState(doc.store, client)
    for (const { clock, len } of deletions) {
      for (let c = clock; c < clock + len; ) {
        if (c >= known) {
          // Deleting items created by this same update: where they were inserted.
          const item = findInUpdate(Y.createID(client, c))
          const placement = item ? place(item) : UNRESOLVED
          if (placement !== DISCARDED) changes.push({ kind: 'delete', item: item ?? null, ...placement })
          break
        }
        const struct = Y.getItem(doc.store, Y.createID(client, c))
        if (struct instanceof Y.Item && !struct.deleted) {
          changes.push({ kind: 'delete', item: struct, ...placementInType(struct.parent as SharedType, struct.parentSub) })
        }
        c = struct.id.clock + struct.length
      }
    }
  }
  return changes
}

/** The names of the roots an update changes (`?` for anything that cannot be resolved). */
export function rootsTouched(doc: Y.Doc, inspection: UpdateInspection): Set<string> {
  return new Set(changesOf(doc, inspection).map((change) => change.root))
}
