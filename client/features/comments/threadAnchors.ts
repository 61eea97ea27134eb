/**
 * Where a comment thread hangs in the text, both ways: a passage the person selected becomes a
 * `ThreadAnchor` (two `Y.RelativePosition`s into the contract's `body`, each encoded with
 * `Y.encodeRelativePosition` and then base64, as `shared/protocol/comments.ts` fixes), and an
 * anchor becomes a ProseMirror range again in whatever the text has become since.
 *
 * Relative positions follow concurrent edits because they name Yjs items, not offsets; the
 * conversion to and from ProseMirror positions needs the Yjs binding's type and mapping, which
 * live in the `y-sync` plugin's state. When the passage is deleted its two positions meet: the
 * thread is then *detached* (`isDetachedRange`).
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import type { EditorState } from '@tiptap/pm/state'
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import { fromBase64, toBase64 } from 'lib0/buffer'
import * as Y from 'yjs'
import { MAX_QUOTE_LENGTH, type ThreadAnchor } from '../../../shared/protocol/comments.ts'
import { clauseNumbers } from '../../../shared/editor/Clause.ts'

/** A range of the ProseMirror document. */
export interface TextRange {
  readonly from: number
  readonly to: number
}

/** What the binding between the editor and the Y.Doc knows: the `body` type and its node mapping. */
interface Binding {
  readonly doc: Y.Doc
  readonly type: Y.XmlFragment
  readonly mapping: Map<Y.AbstractType<unknown>, ProseMirrorNode>
}

/** The editor's Yjs binding, or null before the collaboration plugin has bound it. */
function bindingOf(state: EditorState): Binding | null {
  const binding = (ySyncPluginKey.getState(state) as { binding?: Binding | null } | undefined)?.binding
  return binding ?? null
}

/** Encodes a relative position for the wire: its bytes in base64. */
function encodePosition(position: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(position))
}

/** Decodes a position from the wire, or null when it is not one. */
function decodePosition(encoded: string): Y.RelativePosition | null {
  try {
    return Y.decodeRelativePosition(fromBase64(encoded))
  } catch {
    return null
  }
}

/**
 * The anchor of the passage `from`–`to` of the editor's document, or null when the editor is
 * not bound to a Y.Doc yet (or the range is empty).
 */
export function anchorOfRange(state: EditorState, { from, to }: TextRange): ThreadAnchor | null {
  const binding = bindingOf(state)
  if (binding === null || from >= to) return null
  const start = absolutePositionToRelativePosition(from, binding.type, binding.mapping) as Y.RelativePosition | null
  const end = absolutePositionToRelativePosition(to, binding.type, binding.mapping) as Y.RelativePosition | null
  if (start == null || end == null) return null
  return { from: encodePosition(start), to: encodePosition(end) }
}

/**
 * Where `anchor` is in the editor's document now, or null when it cannot be found there (its
 * text was never received, or its paragraph is gone). The range may be empty: see
 * {@link isDetachedRange}.
 */
export function rangeOfAnchor(state: EditorState, anchor: ThreadAnchor): TextRange | null {
  const binding = bindingOf(state)
  if (binding === null) return null
  const start = decodePosition(anchor.from)
  const end = decodePosition(anchor.to)
  if (start === null || end === null) return null
  try {
    const from = relativePositionToAbsolutePosition(binding.doc, binding.type, start, binding.mapping)
    const to = relativePositionToAbsolutePosition(binding.doc, binding.type, end, binding.mapping)
    if (from === null || to === null) return null
    const size = state.doc.content.size
    if (from < 0 || to < 0 || from > size || to > size) return null
    return { from, to }
  } catch {
    // A mapping that lags behind the Y.Doc for a moment (mid-sync) cannot place it yet.
    return null
  }
}

/**
 * Whether a thread's passage is gone: its anchor cannot be found, or its two ends have met
 * (everything between them was deleted).
 */
export function isDetachedRange(range: TextRange | null): boolean {
  return range === null || range.from >= range.to
}

/** The text of a passage as it is quoted with its thread, at most `MAX_QUOTE_LENGTH` characters. */
export function quoteOf(doc: ProseMirrorNode, { from, to }: TextRange): string {
  return doc.textBetween(from, to, '\n', ' ').replace(/\u200B/g, '').slice(0, MAX_QUOTE_LENGTH)
}

/** A clause of the contract as comments name it: its id, computed number, heading and place. */
export interface ClausePlace {
  readonly clauseId: string
  readonly number: string
  readonly heading: string
  /** The clause node's position. */
  readonly pos: number
  /** Where the clause node ends. */
  readonly end: number
  /** Its place in document order (0 first). */
  readonly order: number
}

/** Every clause of `doc` by id, in document order (the first of two clauses sharing an id wins). */
export function clausePlaces(doc: ProseMirrorNode): Map<string, ClausePlace> {
  const places = new Map<string, ClausePlace>()
  let order = 0
  for (const [pos, number] of clauseNumbers(doc)) {
    const node = doc.nodeAt(pos)
    const clauseId = node?.attrs.clauseId
    if (node === null || typeof clauseId !== 'string' || places.has(clauseId)) continue
    places.set(clauseId, { clauseId, number, heading: node.firstChild?.textContent ?? '', pos, end: pos + node.nodeSize, order: order++ })
  }
  return places
}

/** The innermost clause around `pos`: its id and range, or null outside every clause. */
export function clauseAround(doc: ProseMirrorNode, pos: number): { clauseId: string; pos: number; end: number } | null {
  const $pos = doc.resolve(Math.max(0, Math.min(pos, doc.content.size)))
  for (let depth = $pos.depth; depth > 0; depth--) {
    const node = $pos.node(depth)
    if (node.type.name === 'clause' && typeof node.attrs.clauseId === 'string') {
      return { clauseId: node.attrs.clauseId, pos: $pos.before(depth), end: $pos.after(depth) }
    }
  }
  return null
}

/**
 * What a thread on the selection `from`–`to` hangs on: the innermost clause around its start,
 * and the passage cut to that clause (a selection running into the next clause comments on its
 * own clause's part). Null outside every clause or when nothing of the clause is selected.
 */
export function passageInClause(doc: ProseMirrorNode, { from, to }: TextRange): { clauseId: string; range: TextRange } | null {
  const clause = clauseAround(doc, from)
  if (clause === null) return null
  const end = Math.min(to, clause.end - 1)
  if (end <= from || doc.textBetween(from, end, '', '').trim() === '') return null
  return { clauseId: clause.clauseId, range: { from, to: end } }
}
