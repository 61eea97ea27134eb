/**
 * A thread about to be started: what it hangs on, worked out at the moment the person asks to
 * comment — the selected passage (in the clause around it), a whole clause, or a tracked
 * suggestion's text. Each maker answers with a draft, or with the reason there can be none.
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import type { EditorState } from '@tiptap/pm/state'
import { clauseSuggestionId } from '../../../shared/editor/Clause.ts'
import type { ThreadAnchor } from '../../../shared/protocol/comments.ts'
import { suggestionRange } from '../suggestions/reviewEntries.ts'
import { type TextRange, anchorOfRange, clauseAround, clausePlaces, passageInClause, quoteOf } from './threadAnchors.ts'

export interface ThreadDraft {
  readonly clauseId: string
  readonly anchor: ThreadAnchor | null
  /** The passage's text ('' for a whole clause). */
  readonly quote: string
  readonly suggestionId: string | null
  /** The passage when the draft was made, to highlight while it is written. */
  readonly range: TextRange | null
}

/** A draft, or why none can be made. */
export type DraftResult = { readonly draft: ThreadDraft } | { readonly problem: string }

/** A thread on the selected passage; with nothing selected, on the clause around the cursor. */
export function draftFromSelection(state: EditorState): DraftResult {
  const { from, to, empty } = state.selection
  if (empty) {
    const clause = clauseAround(state.doc, from)
    return clause === null ? { problem: 'Select a passage of a clause, or put the cursor in a clause, to comment on it.' } : draftForClause(state, clause.clauseId)
  }
  const passage = passageInClause(state.doc, { from, to })
  if (passage === null) return { problem: 'Select some text of a clause to comment on it.' }
  const anchor = anchorOfRange(state, passage.range)
  if (anchor === null) return { problem: 'The text is still loading. Try again in a moment.' }
  return { draft: { clauseId: passage.clauseId, anchor, quote: quoteOf(state.doc, passage.range), suggestionId: null, range: passage.range } }
}

/** A thread on the whole clause `clauseId`. */
export function draftForClause(state: EditorState, clauseId: string): DraftResult {
  if (!clausePlaces(state.doc).has(clauseId)) return { problem: 'That clause is no longer in the contract.' }
  return { draft: { clauseId, anchor: null, quote: '', suggestionId: null, range: null } }
}

/**
 * A thread on the tracked suggestion `suggestionId`: anchored on its text, or — for a clause
 * proposed as a whole, as new or for deletion — on that whole clause.
 */
export function draftForSuggestion(state: EditorState, suggestionId: string): DraftResult {
  const range = suggestionRange(state.doc, suggestionId)
  const clause = range === null ? null : clauseAround(state.doc, range.from)
  if (range === null || clause === null) {
    const proposed = proposedClause(state.doc, suggestionId)
    if (proposed === null) return { problem: 'That suggestion is no longer in the text.' }
    return { draft: { clauseId: proposed, anchor: null, quote: '', suggestionId, range: null } }
  }
  const cut = { from: range.from, to: Math.min(range.to, clause.end - 1) }
  const anchor = anchorOfRange(state, cut)
  return { draft: { clauseId: clause.clauseId, anchor, quote: quoteOf(state.doc, cut), suggestionId, range: anchor === null ? null : cut } }
}

/** The id of the clause that the whole-clause suggestion `suggestionId` proposes or would delete. */
function proposedClause(doc: ProseMirrorNode, suggestionId: string): string | null {
  let found: string | null = null
  doc.descendants((node) => {
    if (found !== null) return false
    if (node.type.name !== 'clause') return false
    const isIt = clauseSuggestionId(node, 'insertion') === suggestionId || clauseSuggestionId(node, 'deletion') === suggestionId
    if (isIt && typeof node.attrs.clauseId === 'string') found = node.attrs.clauseId
    return found === null
  })
  return found
}
