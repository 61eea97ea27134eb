/**
 * Which roots of the contract's Y.Doc (`body`, `clauses`, `suggestions`, `meta`, or any other
 * name a client invents) an update would change: the basis of role checks such as "a commenter
 * changes nothing" or "only editors change clause status".
 */
import * as Y from 'yjs'
import type { UpdateInspection } from './inspectUpdate.ts'

type Struct = Y.Item | Y.GC | Y.Skip

/** The name under which the root type containing `type` is shared. */
function rootNameOf(type: Y.AbstractType<unknown>): string | null {
  let current = type
  while (current._item !== null) current = current._item.parent as Y.AbstractType<unknown>
  for (const [name, shared] of current.doc?.share ?? []) if (shared === current) return name
  return null
}

/**
 * The names of the roots the update's new items are inserted under and its deletions remove
 * from. Items already in the document are resolved through it; new nested items through the
 * update itself. Called only on an inspected update, whose references all resolve.
 */
export function rootsTouched(doc: Y.Doc, inspection: UpdateInspection): Set<string> {
  const roots = new Set<string>()
  const inUpdate = new Map<number, Y.Item[]>()
  for (const struct of inspection.decoded.structs as Struct[]) {
    if (!(struct instanceof Y.Item)) continue
    const list = inUpdate.get(struct.id.client)
    if (list) list.push(struct)
    else inUpdate.set(struct.id.client, [struct])
  }

  const findInUpdate = (id: Y.ID): Y.Item | undefined =>
    inUpdate.get(id.client)?.find((item) => id.clock >= item.id.clock && id.clock < item.id.clock + item.length)

  const rootOfDocItem = (id: Y.ID): string | null => {
    const item = Y.getItem(doc.store, id)
    if (!(item instanceof Y.Item)) return null
    return rootNameOf(item.parent as Y.AbstractType<unknown>)
  }

  // Resolves the root of a new item: through its parent, or the neighbour it was inserted at.
  const rootOfNewItem = (item: Y.Item, depth = 0): string | null => {
    if (depth > 1000) return null
    const parent = item.parent as unknown
    if (typeof parent === 'string') return parent
    const ref = parent instanceof Y.ID ? parent : (item.origin ?? item.rightOrigin)
    if (ref === null) return null
    if (ref.clock < Y.getState(doc.store, ref.client)) {
      // An existing item: its root if it is the parent, else the root of its parent.
      const existing = Y.getItem(doc.store, ref)
      if (!(existing instanceof Y.Item)) return null
      if (parent instanceof Y.ID) {
        const content = existing.content
        return content instanceof Y.ContentType ? rootNameOf(content.type as Y.AbstractType<unknown>) : null
      }
      return rootNameOf(existing.parent as Y.AbstractType<unknown>)
    }
    const other = findInUpdate(ref)
    return other ? rootOfNewItem(other, depth + 1) : null
  }

  for (const items of inUpdate.values()) {
    for (const item of items) {
      if (item.id.clock + item.length <= Y.getState(doc.store, item.id.client)) continue
      roots.add(rootOfNewItem(item) ?? '?')
    }
  }

  for (const [client, deletions] of inspection.decoded.ds.clients) {
    const known = Y.getState(doc.store, client)
    for (const { clock, len } of deletions) {
      for (let c = clock; c < clock + len; ) {
        if (c >= known) {
          // Deleting items created by this same update.
          const item = findInUpdate(Y.createID(client, c))
          roots.add(item ? (rootOfNewItem(item) ?? '?') : '?')
          break
        }
        const struct = Y.getItem(doc.store, Y.createID(client, c))
        if (struct instanceof Y.Item && !struct.deleted) roots.add(rootOfDocItem(struct.id) ?? '?')
        c = struct.id.clock + struct.length
      }
    }
  }
  return roots
}
