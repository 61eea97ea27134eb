/**
 * Whether a change of the document touched only the text of one paragraph (or heading), and
 * where: what typing, by anyone, does nearly every time. Plugins whose state covers the whole
 * contract (numbers, locked clauses, suggestion highlights) then update that one textblock's
 * part of it instead of walking a 300-clause document on every keystroke.
 *
 * It compares the documents themselves, not the transaction's steps: the collaboration binding
 * applies a colleague's change as one step replacing the whole document. Nodes the change did
 * not touch are skipped at once where they are the same objects (a local edit); the binding
 * draws every node anew, and those are compared by content. The comparison is made once per
 * pair of documents, however many plugins ask.
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { Mapping, StepMap } from '@tiptap/pm/transform'

/** A change confined to the content of one textblock. */
export interface TextblockEdit {
  /** Maps positions of the document before to the document after. */
  readonly map: Mapping
  /** Where the changed textblock starts and ends in the document after (the node, its tokens included). */
  readonly from: number
  readonly to: number
}

/** The documents' comparison, made once for all the plugins that ask (by the document after, then before). */
const found = new WeakMap<ProseMirrorNode, WeakMap<ProseMirrorNode, TextblockEdit | null>>()

/** The edit that turns `before` into `after` when it is confined to one textblock's content; null when it is not. */
export function textblockEdit(before: ProseMirrorNode, after: ProseMirrorNode): TextblockEdit | null {
  let byBefore = found.get(after)
  if (byBefore === undefined) found.set(after, (byBefore = new WeakMap()))
  if (byBefore.has(before)) return byBefore.get(before)!
  const edit = compare(before, after)
  byBefore.set(before, edit)
  return edit
}

function compare(before: ProseMirrorNode, after: ProseMirrorNode): TextblockEdit | null {
  const start = before.content.findDiffStart(after.content)
  if (start === null) return null
  const end = before.content.findDiffEnd(after.content)
  if (end === null) return null
  let { a: endA, b: endB } = end
  // Where the diff is ambiguous (a character typed next to an equal one) the ends can fall
  // before the start: move both past it, keeping the difference in size.
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) {
    endA += overlap
    endB += overlap
  }
  if (endA > before.content.size || endB > after.content.size) return null
  const $start = before.resolve(start)
  const $endA = before.resolve(endA)
  const $startAfter = after.resolve(start)
  const $endB = after.resolve(endB)
  const isWithinOneTextblock =
    $start.parent.isTextblock && $start.sameParent($endA) && $startAfter.parent.isTextblock && $startAfter.sameParent($endB) && $start.depth === $startAfter.depth
  if (!isWithinOneTextblock) return null
  return { map: new Mapping([new StepMap([start, endA - start, endB - start])]), from: $startAfter.before(), to: $startAfter.after() }
}
