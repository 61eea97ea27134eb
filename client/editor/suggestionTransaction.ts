/**
 * Turning a person's edit into their own tracked suggestion, or refusing it with a reason.
 *
 * `@handlewithcare/prosemirror-suggest-changes` does the tracking: inserted text gets an
 * `insertion` mark, deleted text a `deletion` mark instead of going, and deleting one's own
 * suggested text removes it. Two of its habits do not fit a shared contract, and are corrected
 * here before the transaction is applied:
 *
 * - it gives a change the id of a suggestion it touches (typing just after a colleague's
 *   suggestion would extend theirs, or re-mark theirs with one's own id). Here a change only
 *   ever carries the person's own ids, and other people's marks are left exactly as they are;
 * - it would change what is not text (formatting, a clause's structure, a paragraph's type),
 *   and its results of those are not stored by the Yjs binding or refused by the server.
 *
 * What passes follows the server's rules for a suggester (server/sync/suggestionRules.ts):
 * new text carries the person's own insertion mark, only their own pending text is removed,
 * only their own suggestion marks are added or removed, and a new paragraph is made only at
 * the end of one (so that no existing text moves into it; a break elsewhere, and a join, are
 * proposed as paragraph marks: see paragraphMarks.ts). Everything else is refused with a
 * message in the person's terms, so nobody types work the server would then refuse.
 */
import type { Mark, Node as ProseMirrorNode } from '@tiptap/pm/model'
import { Selection, type EditorState, type Transaction } from '@tiptap/pm/state'
import { AddMarkStep, RemoveMarkStep, ReplaceStep, type Step } from '@tiptap/pm/transform'
import { transformToSuggestionTransaction } from '@handlewithcare/prosemirror-suggest-changes'
import { SUGGESTION_MARK } from '../../shared/domain/suggestions.ts'
import { isSuggestionMark } from '../../shared/editor/SuggestionMarks.ts'

/** Whose suggestions are whose, and where new ids come from. */
export interface SuggestingAs {
  /** Whether the suggestion `id` is this person's own (made now, or earlier under their name). */
  isOwn: (id: string) => boolean
  /** A new id of this person's, never handed out before. */
  newId: () => string
}

/** Why an edit cannot be a suggestion, in the person's terms. */
export const SUGGESTION_REFUSAL = {
  formatting: 'Formatting cannot be suggested. In Suggesting mode you can add and delete text.',
  structure:
    'That change to the layout cannot be suggested. In Suggesting mode you can add and delete text, break a paragraph (Enter) and join two (Backspace at the start of the second); clauses are proposed or proposed for deletion from the toolbar.',
  othersText: 'That text is another person’s suggestion: it can be accepted or rejected, not changed.',
} as const

export type SuggestionOutcome =
  /** `tr` applies the edit as suggestions; `ids` are the person's ids its marks use. */
  | { readonly tr: Transaction; readonly ids: ReadonlySet<string>; readonly refusal?: undefined }
  | { readonly refusal: string; readonly tr?: undefined }

/**
 * The edit `made` (on `state`) as the suggestions of the person `as`, or the reason it
 * cannot be one. The result keeps the original's meta, selection and scrolling.
 */
export function suggestTransaction(state: EditorState, made: Transaction, as: SuggestingAs): SuggestionOutcome {
  const original = typedAtCaret(state, made)
  const early = refusalBeforeTracking(state, original)
  if (early !== null) return { refusal: early }
  let tracked: Transaction
  try {
    tracked = transformToSuggestionTransaction(original, state, () => as.newId())
  } catch {
    // The library cannot express this edit as suggestions (an unusual step shape).
    return { refusal: SUGGESTION_REFUSAL.structure }
  }
  caretAfterReplacement(state, original, tracked)
  const own = ownMarksOnly(state, tracked, as)
  if (own === null) return { refusal: SUGGESTION_REFUSAL.structure }
  const checked = checkSteps(own, as)
  if (typeof checked === 'string') return { refusal: checked }
  const refusal = refusalOfInsertions(own, checked.inserted, checked.newBlocks, as)
  if (refusal !== null) return { refusal }
  return { tr: own, ids: idsMarkedBy(own, as) }
}

/**
 * `original`, or, when it inserts text that could equally have gone in earlier or later in the
 * paragraph (a space typed before a space, an "e" before an "e") and its caret says it did, the
 * same edit inserting the text just before its caret.
 *
 * ProseMirror reads typing from the page by diffing the paragraph's old and new text, and
 * settles such an ambiguous diff with the selection it had *before* the typing. A key pressed
 * right after a click can be read before the click's selection is (the browser reports the new
 * selection a moment later), and the diff then picks the last place the text could have gone:
 * "three| years" typed with a space gives the second space as the new one, with the caret
 * between the two. Unmarked, both readings make the same document; tracked, the wrong space
 * would be the suggested one and what is typed next would land after the old space.
 * The caret, read from the page along with the text, is where the typing really ended.
 */
function typedAtCaret(state: EditorState, original: Transaction): Transaction {
  const step = original.steps.length === 1 ? original.steps[0] : undefined
  if (!(step instanceof ReplaceStep) || step.from !== step.to || step.slice.openStart > 0 || step.slice.openEnd > 0) return original
  const length = step.slice.size
  const caret = original.selection
  // Where the text would start if it ended at the caret: the same position before and after.
  const at = caret.head - length
  const $paragraph = original.doc.resolve(step.from)
  if (!caret.empty || length === 0 || at === step.from || !$paragraph.parent.inlineContent) return original
  if (at < $paragraph.start() || at + length > $paragraph.end()) return original
  const typed = $paragraph.parent.content.cut(at - $paragraph.start(), at - $paragraph.start() + length)
  let isText = true
  typed.forEach((node) => {
    if (!node.isText) isText = false
  })
  if (!isText) return original
  const tr = state.tr.insert(at, typed)
  // Only when inserting there makes exactly the same document, formatting included.
  if (!tr.doc.eq(original.doc)) return original
  copyIntent(original, tr)
  return tr
}

/**
 * Puts the caret of `tracked` after its new text when `original` typed over a selection that
 * the editor did not yet know of.
 *
 * The tracking takes an edit that removes text while the editor's selection is a caret for a
 * Backspace, and leaves the caret before the struck text. But a key pressed right after
 * Shift+arrows can be read before the new selection is (the browser reports it a moment
 * later): the edit then replaces the selected word while the editor still has a caret, the
 * caret would land before the struck word, and the next character typed would go before the
 * first one. Typing leaves the caret after what was typed.
 */
function caretAfterReplacement(state: EditorState, original: Transaction, tracked: Transaction): void {
  const step = original.steps.length === 1 ? original.steps[0] : undefined
  if (!state.selection.empty || !(step instanceof ReplaceStep) || step.from === step.to || step.slice.size === 0) return
  for (let i = tracked.steps.length - 1; i >= 0; i--) {
    const made = tracked.steps[i]
    if (made instanceof ReplaceStep && made.from === made.to && made.slice.eq(step.slice)) {
      const end = tracked.mapping.slice(i + 1).map(made.from + made.slice.size, -1)
      tracked.setSelection(Selection.near(tracked.doc.resolve(end), -1))
      return
    }
  }
}

/** Whether `original` is an edit that only text changes could make. */
function refusalBeforeTracking(state: EditorState, original: Transaction): string | null {
  for (const step of original.steps) {
    if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
      // Suggestion marks are only ever set by the tracking itself, or by accepting and rejecting.
      return isSuggestionMark(step.mark) ? SUGGESTION_REFUSAL.othersText : SUGGESTION_REFUSAL.formatting
    }
    if (!(step instanceof ReplaceStep)) return SUGGESTION_REFUSAL.structure
  }
  if (original.storedMarksSet && !original.docChanged && changesFormatting(state, original.storedMarks)) {
    return SUGGESTION_REFUSAL.formatting
  }
  return null
}

/** Whether `stored` would make the next typed text formatted differently from the text around it. */
export function changesFormatting(state: EditorState, stored: readonly Mark[] | null): boolean {
  const here = state.selection.$from.marks()
  return !sameFormatting(state.storedMarks ?? here, stored ?? here)
}

/** Whether two sets of marks format text alike, suggestion marks aside. */
export function sameFormatting(a: readonly Mark[], b: readonly Mark[]): boolean {
  const [x, y] = [a.filter((mark) => !isSuggestionMark(mark)), b.filter((mark) => !isSuggestionMark(mark))]
  return x.length === y.length && x.every((mark) => mark.isInSet(y))
}

/**
 * `tracked` with every suggestion mark it adds carrying one of the person's own ids, and with
 * nobody else's marks added over, re-marked or removed; null if a step no longer applies.
 */
function ownMarksOnly(state: EditorState, tracked: Transaction, as: SuggestingAs): Transaction | null {
  const touchesOthers = tracked.steps.some(
    (step) => (step instanceof AddMarkStep || step instanceof RemoveMarkStep) && isSuggestionMark(step.mark) && !as.isOwn(String(step.mark.attrs.id)),
  )
  const addsOverOthers = tracked.steps.some((step, i) => step instanceof AddMarkStep && isSuggestionMark(step.mark) && coversOthers(tracked.docs[i]!, step, as))
  if (!touchesOthers && !addsOverOthers) return tracked

  const tr = state.tr
  // One new id of the person's for each of another person's ids the library borrowed.
  const replacement = new Map<string, string>()
  const ownId = (id: string) => {
    if (as.isOwn(id)) return id
    if (!replacement.has(id)) replacement.set(id, as.newId())
    return replacement.get(id)!
  }
  for (const step of tracked.steps) {
    if (step instanceof AddMarkStep && isSuggestionMark(step.mark)) {
      // Mark steps move no positions, so leaving parts out keeps every later step in place.
      const mark = step.mark.type.create({ id: ownId(String(step.mark.attrs.id)) })
      tr.doc.nodesBetween(step.from, step.to, (node, pos) => {
        if (!node.isInline) return true
        const existing = mark.type.isInSet(node.marks)
        if (existing === undefined || as.isOwn(String(existing.attrs.id))) {
          tr.addMark(Math.max(pos, step.from), Math.min(pos + node.nodeSize, step.to), mark)
        }
        return false
      })
    } else if (step instanceof RemoveMarkStep && isSuggestionMark(step.mark)) {
      if (as.isOwn(String(step.mark.attrs.id))) tr.step(step)
    } else if (tr.maybeStep(step).failed !== null) {
      return null
    }
  }
  copyIntent(tracked, tr)
  return tr
}

/** Whether `step` would put its mark over text carrying another person's mark of the same kind. */
function coversOthers(doc: ProseMirrorNode, step: AddMarkStep, as: SuggestingAs): boolean {
  let covers = false
  doc.nodesBetween(step.from, step.to, (node) => {
    const existing = step.mark.type.isInSet(node.marks)
    if (existing !== undefined && !as.isOwn(String(existing.attrs.id))) covers = true
    return !covers
  })
  return covers
}

/** Gives `to` the selection, stored marks, scrolling and meta of `from` (same positions). */
function copyIntent(from: Transaction, to: Transaction): void {
  if (from.selectionSet) to.setSelection(Selection.fromJSON(to.doc, from.selection.toJSON()))
  if (from.storedMarksSet) to.setStoredMarks(from.storedMarks)
  if (from.scrolledIntoView) to.scrollIntoView()
  // Transaction meta is private in the typings; the library carries it over the same way.
  Object.assign((to as unknown as { meta: object }).meta, (from as unknown as { meta: object }).meta)
}

/**
 * Checks the tracked transaction `tr` step by step, and returns why it would still change
 * more than the person's own suggestions, or else where its new text and new paragraphs are
 * in the final document (ranges of inserted text; a position inside each new paragraph).
 */
function checkSteps(tr: Transaction, as: SuggestingAs): string | { inserted: Array<readonly [number, number]>; newBlocks: number[] } {
  const inserted: Array<readonly [number, number]> = []
  const newBlocks: number[] = []
  for (let i = 0; i < tr.steps.length; i++) {
    const step: Step = tr.steps[i]!
    const doc = tr.docs[i]!
    const later = tr.mapping.slice(i + 1)
    if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
      if (!isSuggestionMark(step.mark)) return SUGGESTION_REFUSAL.formatting
      if (!as.isOwn(String(step.mark.attrs.id))) return SUGGESTION_REFUSAL.othersText
      continue
    }
    if (!(step instanceof ReplaceStep)) return SUGGESTION_REFUSAL.structure
    const $from = doc.resolve(step.from)
    const $to = doc.resolve(step.to)
    if (step.from < step.to) {
      // Real removal: only of the person's own suggested text, inside one paragraph.
      if (!$from.sameParent($to) || !$from.parent.isTextblock) return SUGGESTION_REFUSAL.structure
      let removesOthers = false
      doc.nodesBetween(step.from, step.to, (node) => {
        if (node.isInline && !isOwnMark(node, 'insertion', as)) removesOthers = true
        return !removesOthers
      })
      if (removesOthers) return SUGGESTION_REFUSAL.othersText
    }
    const slice = step.slice
    if (slice.size === 0) continue
    let hasBlocks = false
    slice.content.forEach((node) => {
      if (!node.isInline) hasBlocks = true
    })
    if (hasBlocks || slice.openStart > 0 || slice.openEnd > 0) {
      // A new paragraph: only by splitting one at its very end, so that no existing text moves.
      const atEnd = step.from === step.to && $from.parent.isTextblock && $from.parentOffset === $from.parent.content.size
      if (!atEnd || slice.content.textBetween(0, slice.content.size).length > 0) return SUGGESTION_REFUSAL.structure
      // The slice ends at the start of the new paragraph's content.
      newBlocks.push(later.map(step.from + slice.size, -1))
      continue
    }
    inserted.push([later.map(step.from, 1), later.map(step.from + slice.size, -1)])
  }
  return { inserted, newBlocks }
}

/** Whether `node` carries a `kind` mark of the person's own. */
function isOwnMark(node: ProseMirrorNode, kind: keyof typeof SUGGESTION_MARK, as: SuggestingAs): boolean {
  const mark = node.marks.find((candidate) => candidate.type.name === SUGGESTION_MARK[kind])
  return mark !== undefined && as.isOwn(String(mark.attrs.id))
}

/**
 * Why the text and paragraphs `tr` adds are not wholly the person's own suggested insertion.
 * Typed inside struck-through text, new text would also carry that deletion mark: it is
 * taken off first, since text just proposed is not proposed for deletion.
 */
function refusalOfInsertions(tr: Transaction, inserted: ReadonlyArray<readonly [number, number]>, newBlocks: readonly number[], as: SuggestingAs): string | null {
  const deletion = tr.doc.type.schema.marks[SUGGESTION_MARK.deletion]!
  for (const [from, to] of inserted) if (from < to) tr.removeMark(from, to, deletion)
  const doc = tr.doc
  for (const [from, to] of inserted) {
    let isOwn = true
    if (from < to) {
      doc.nodesBetween(from, to, (node) => {
        // Inline nodes other than text (a line break) are elements of their own in the shared
        // document, which a suggestion cannot add.
        if (node.isInline && (!node.isText || !isOwnMark(node, 'insertion', as))) isOwn = false
        return isOwn && !node.isInline
      })
    }
    if (!isOwn) return SUGGESTION_REFUSAL.structure
  }
  for (const pos of newBlocks) {
    const block = doc.resolve(Math.min(pos, doc.content.size)).parent
    let isWhollyOwn = block.isTextblock && block.content.size > 0
    block.forEach((node) => {
      if (!isOwnMark(node, 'insertion', as)) isWhollyOwn = false
    })
    if (!isWhollyOwn) return SUGGESTION_REFUSAL.structure
  }
  return null
}

/** The person's own suggestion ids that the marks `tr` adds carry. */
function idsMarkedBy(tr: Transaction, as: SuggestingAs): Set<string> {
  const ids = new Set<string>()
  for (const step of tr.steps) {
    if (step instanceof AddMarkStep && isSuggestionMark(step.mark) && as.isOwn(String(step.mark.attrs.id))) ids.add(String(step.mark.attrs.id))
  }
  return ids
}
