/**
 * Whole-clause suggestions: a clause proposed as new carries `insertion: { id }`, one proposed
 * for deletion `deletion: { id }` (see `shared/editor/Clause.ts`). These are the ProseMirror
 * commands that propose them and review them, and the test of whether an edit stays inside
 * the person's own proposed clause, where they write freely (the server lets the author change
 * anything inside it until it is accepted: server/sync/suggestionRules.ts).
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import type { Command, EditorState, Transaction } from '@tiptap/pm/state'
import { AddMarkStep, RemoveMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from '@tiptap/pm/transform'
import { type ClauseSuggestionKind, clauseSuggestionId } from '../../shared/editor/Clause.ts'
import { clauseAtSelection, insertClauseAfter } from '../../shared/editor/clauseCommands.ts'

/** A decision on a suggestion. */
export type ReviewDecision = 'accept' | 'reject'

/** Proposes a new, empty clause after the current one, as the suggestion `id` (see `insertClauseAfter`). */
export function proposeClauseAfter(newClauseId: () => string, id: string): Command {
  return insertClauseAfter(newClauseId, { insertion: { id } })
}

/**
 * Proposes deleting the current clause, as the suggestion `id`. Refused outside a clause, for a
 * clause already proposed for deletion, and in a clause proposed as new (or inside one): that
 * proposal is rejected or withdrawn instead.
 */
export function proposeClauseDeletion(id: string): Command {
  return (state, dispatch) => {
    const at = clauseAtSelection(state)
    if (at === null || clauseSuggestionId(at.node, 'deletion') !== null || proposedClauseAround(state, at.pos) !== null) return false
    if (dispatch) dispatch(state.tr.setNodeMarkup(at.pos, undefined, { ...at.node.attrs, deletion: { id } }).scrollIntoView())
    return true
  }
}

/** The id of the clause proposed as new that is at `pos` or contains it, or null. */
function proposedClauseAround(state: EditorState, pos: number): string | null {
  return clauseSuggestionId(state.doc.nodeAt(pos), 'insertion') ?? proposedClauseHolding(state.doc, pos, pos, () => true)
}

/**
 * The id of the innermost clause proposed as new, by a suggestion `accepts` takes, whose
 * content holds all of `from`…`to` in `doc`; null when there is none.
 */
export function proposedClauseHolding(doc: ProseMirrorNode, from: number, to: number, accepts: (id: string) => boolean): string | null {
  const $from = doc.resolve(from)
  for (let depth = $from.depth; depth > 0; depth--) {
    const id = clauseSuggestionId($from.node(depth), 'insertion')
    if (id !== null && accepts(id) && to <= $from.end(depth)) return id
  }
  return null
}

/**
 * Whether every step of `tr` changes only what lies inside the person's own proposed clauses:
 * such an edit is part of the proposal, written as it is rather than as tracked suggestions.
 * A change to a proposed clause's own attributes, or to the clause as a whole, is not.
 */
export function isWithinOwnProposedClauses(tr: Transaction, isOwn: (id: string) => boolean): boolean {
  return (
    tr.steps.length > 0 &&
    tr.steps.every((step, i) => {
      const range = rangeOf(step)
      return range !== null && proposedClauseHolding(tr.docs[i]!, range.from, range.to, isOwn) !== null
    })
  )
}

function rangeOf(step: Step): { from: number; to: number } | null {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep || step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
    return { from: step.from, to: step.to }
  }
  return null
}

/** Whether some clause of `doc` carries the whole-clause suggestion `id`. */
export function hasClauseSuggestion(doc: ProseMirrorNode, id: string): boolean {
  return clausesSuggestedAs(doc, id).length > 0
}

/** The clauses of `doc` carrying the whole-clause suggestion `id`, in document order. */
function clausesSuggestedAs(doc: ProseMirrorNode, id: string): Array<{ pos: number; node: ProseMirrorNode; kind: ClauseSuggestionKind }> {
  const found: Array<{ pos: number; node: ProseMirrorNode; kind: ClauseSuggestionKind }> = []
  doc.descendants((node, pos) => {
    if (node.type.name !== 'clause') return !node.isTextblock
    for (const kind of ['insertion', 'deletion'] as const) if (clauseSuggestionId(node, kind) === id) found.push({ pos, node, kind })
    return true
  })
  return found
}

/**
 * Adds to `tr` the steps of `decision` on the whole-clause suggestion `id`: accepting keeps a
 * proposed clause (its `insertion` attribute goes) and deletes a clause proposed for deletion;
 * rejecting deletes the proposed clause and keeps the other (its `deletion` attribute goes).
 * Returns whether `id` was a clause's suggestion in `tr.doc`.
 */
export function addClauseReviewSteps(tr: Transaction, id: string, decision: ReviewDecision): boolean {
  const targets = clausesSuggestedAs(tr.doc, id)
  // Last first: a clause removed then moves nothing still to be changed before it.
  for (const { pos, node, kind } of targets.reverse()) {
    const isKept = (kind === 'insertion') === (decision === 'accept')
    if (isKept) tr.setNodeMarkup(pos, undefined, { ...node.attrs, [kind]: null })
    else tr.delete(pos, pos + node.nodeSize)
  }
  return targets.length > 0
}
