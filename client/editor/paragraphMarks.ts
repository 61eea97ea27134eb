/**
 * Splitting and joining paragraphs as suggestions, the way Track Changes shows a paragraph
 * mark inserted or deleted.
 *
 * A real split or join cannot be a suggestion in the shared document: the collaboration
 * binding writes the text that moves as new text in another paragraph, and the original words
 * would be gone (the server refuses that from a suggester, rightly: nobody could tell moved
 * words from rewritten ones). So the proposal is a character, U+2029 PARAGRAPH SEPARATOR,
 * carrying the proposer's own marks like any suggested text:
 *
 * - a **split**: the character where the paragraph would break, marked as an insertion. It is
 *   drawn as a pilcrow with the rest of the paragraph on a new line;
 * - a **join**: the character at the end of the first of the two paragraphs, marked as both
 *   an insertion and a deletion of the same suggestion (a paragraph mark proposed for
 *   deletion), drawn as a struck pilcrow.
 *
 * Rejecting either takes the character out (it is suggested text). Accepting makes the real
 * split or join and takes the character out, in the reviewer's edit.
 */
import type { Mark, Node as ProseMirrorNode } from '@tiptap/pm/model'
import { type EditorState, TextSelection, type Transaction } from '@tiptap/pm/state'
import { ReplaceStep, canJoin, canSplit } from '@tiptap/pm/transform'
import { SUGGESTION_MARK } from '../../shared/domain/suggestions.ts'
import { isSuggestionMark } from '../../shared/editor/SuggestionMarks.ts'
import type { ReviewDecision } from './clauseSuggestions.ts'

/** The character standing for a suggested paragraph break. */
export const PARAGRAPH_MARK = '\u2029'

/** A suggested paragraph break in a document. */
export interface ParagraphMark {
  /** The position of the character. */
  readonly pos: number
  /** The suggestion it belongs to. */
  readonly id: string
  /** Whether it proposes joining its paragraph with the next one (else, splitting at it). */
  readonly joins: boolean
}

/** What a paragraph mark `node` (a text node holding one) proposes, or null when it is no suggestion. */
function proposalOf(node: ProseMirrorNode): { id: string; joins: boolean } | null {
  const inserted = node.marks.find((mark) => mark.type.name === SUGGESTION_MARK.insertion)?.attrs.id as unknown
  if (typeof inserted !== 'string') return null
  const deleted = node.marks.find((mark) => mark.type.name === SUGGESTION_MARK.deletion)?.attrs.id as unknown
  return { id: inserted, joins: deleted === inserted }
}

/** The suggested paragraph marks in the text node `node`, which starts at `pos`. */
export function paragraphMarksInText(node: ProseMirrorNode, pos: number): ParagraphMark[] {
  const text = node.text ?? ''
  if (!text.includes(PARAGRAPH_MARK)) return []
  const proposal = proposalOf(node)
  if (proposal === null) return []
  const found: ParagraphMark[] = []
  for (let at = text.indexOf(PARAGRAPH_MARK); at >= 0; at = text.indexOf(PARAGRAPH_MARK, at + 1)) found.push({ pos: pos + at, ...proposal })
  return found
}

/** Every suggested paragraph mark of the suggestion `id` in `doc`, in document order. */
function paragraphMarksIn(doc: ProseMirrorNode, id: string): ParagraphMark[] {
  const found: ParagraphMark[] = []
  doc.descendants((node, pos) => {
    if (!node.isText) return true
    for (const mark of paragraphMarksInText(node, pos)) if (mark.id === id) found.push(mark)
    return false
  })
  return found
}

/**
 * The suggestion a paragraph split or join made in `state` amounts to, or null when `made` is
 * not one: a paragraph broken in the middle (Enter) becomes a suggested paragraph mark there,
 * typed like any character; two paragraphs joined (Backspace at the start of the second, Delete
 * at the end of the first) become a paragraph mark proposed for deletion at the end of the
 * first, made as the suggestion `newId()` gives. A break at the very end of a paragraph is left
 * to the tracking, which suggests a new paragraph of its own.
 *
 * Returns `{ typed }` for an edit the tracking is then to make (the split's character), or
 * `{ proposed, id }` for a finished suggestion (a join, or nothing to do when the join is
 * already proposed: `id` is then null).
 */
export function asParagraphMark(
  state: EditorState,
  made: Transaction,
  newId: () => string,
): { typed: Transaction; proposed?: undefined } | { proposed: Transaction; id: string | null; typed?: undefined } | null {
  const step = made.steps.length === 1 ? made.steps[0] : undefined
  if (!(step instanceof ReplaceStep)) return null
  const doc = state.doc
  const $from = doc.resolve(step.from)
  const $to = doc.resolve(step.to)
  if (step.from === step.to && isParagraphBreak(step)) {
    if ($from.parent.type.name !== 'paragraph' || $from.parentOffset === $from.parent.content.size) return null
    const typed = state.tr.insertText(PARAGRAPH_MARK, step.from)
    typed.setSelection(TextSelection.create(typed.doc, step.from + 1)).scrollIntoView()
    return { typed }
  }
  const isJoin =
    step.slice.size === 0 &&
    $from.parent.type.name === 'paragraph' &&
    $to.parent.type.name === 'paragraph' &&
    $from.parentOffset === $from.parent.content.size &&
    $to.parentOffset === 0 &&
    $from.depth === $to.depth &&
    $from.after() === $to.before()
  if (!isJoin) return null
  // Backspace leaves the caret where the first paragraph's text ends; Delete, where the second's begins.
  const isBackward = state.selection.empty && state.selection.from === step.to
  const end = step.from
  if (endsWithProposedJoin($from.parent)) {
    const caret = isBackward ? end - 1 : end + 2
    return { proposed: state.tr.setSelection(TextSelection.create(doc, caret)).scrollIntoView(), id: null }
  }
  const id = newId()
  const { marks: types } = state.schema
  // Formatted as the text it follows, so that it proposes no formatting of its own.
  let marks: readonly Mark[] = ($from.nodeBefore?.marks ?? []).filter((mark) => !isSuggestionMark(mark))
  for (const kind of [SUGGESTION_MARK.insertion, SUGGESTION_MARK.deletion]) marks = types[kind]!.create({ id }).addToSet(marks)
  const proposed = state.tr.insert(end, state.schema.text(PARAGRAPH_MARK, marks))
  // After Delete, past the mark and the paragraph boundary, to where the second paragraph's text begins.
  proposed.setSelection(TextSelection.create(proposed.doc, isBackward ? end : end + 3)).scrollIntoView()
  return { proposed, id }
}

/** Whether `step` inserts nothing but a paragraph boundary (or a list item's), as Enter does. */
function isParagraphBreak(step: ReplaceStep): boolean {
  const { slice } = step
  // Two empty blocks, open on both sides: only their boundary is inserted.
  return slice.openStart > 0 && slice.openStart === slice.openEnd && slice.content.childCount === 2 && slice.size === 2 * slice.openStart
}

/** Whether `paragraph` ends with a paragraph mark proposed for deletion. */
function endsWithProposedJoin(paragraph: ProseMirrorNode): boolean {
  const last = paragraph.lastChild
  return last !== null && last.isText && (last.text ?? '').endsWith(PARAGRAPH_MARK) && proposalOf(last)?.joins === true
}

/**
 * Adds to `tr` what accepting the suggestion `id` does to its paragraph marks: the real split
 * or join at each, its character taken out. Rejecting needs nothing here (the character is
 * suggested text, and goes with the rest of it). Returns whether `id` had any.
 */
export function addParagraphMarkReviewSteps(tr: Transaction, id: string, decision: ReviewDecision): boolean {
  const marks = paragraphMarksIn(tr.doc, id)
  if (decision === 'reject') return marks.length > 0
  // From the last, so that the positions of those before stay as they were.
  for (const { pos, joins } of [...marks].reverse()) {
    tr.delete(pos, pos + 1)
    const $at = tr.doc.resolve(pos)
    if (joins) {
      const boundary = $at.after()
      if (canJoin(tr.doc, boundary)) tr.join(boundary)
    } else {
      // In a list, the break makes a new item, as Enter there would.
      const depth = $at.depth > 1 && $at.node(-1).type.name === 'listItem' ? 2 : 1
      if (canSplit(tr.doc, pos, depth)) tr.split(pos, depth)
    }
  }
  return marks.length > 0
}
