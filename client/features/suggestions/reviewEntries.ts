/**
 * The open suggestions of a contract as a reviewer reads them: one entry per suggestion id, in
 * document order (by where its first marked text is), with the clause it is in and what it
 * does. A replacement is one suggestion, its deletion and its insertion sharing an id.
 *
 * Everything here is read from the ProseMirror document alone; who proposed a suggestion comes
 * from the `suggestions` map (see `suggestionRecords.ts`).
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { SUGGESTION_MARK } from '../../../shared/domain/suggestions.ts'
import { clauseNumbers, clauseSuggestionId } from '../../../shared/editor/Clause.ts'
import { PARAGRAPH_MARK } from '../../editor/paragraphMarks.ts'

/** What a suggestion does to the text, as people read it. */
export interface SuggestionText {
  /** The text it adds, without the invisible anchor of a new paragraph. */
  readonly inserted: string
  /** The text it removes. */
  readonly deleted: string
  /** Whether it starts a new paragraph. */
  readonly addsParagraph: boolean
  /** Whether it breaks a paragraph in two (a suggested paragraph mark: see `paragraphMarks.ts`). */
  readonly breaksParagraph?: boolean
  /** Whether it joins a paragraph with the next (a paragraph mark proposed for deletion). */
  readonly joinsParagraphs?: boolean
  /**
   * A whole-clause suggestion: `adds` a new clause or `removes` one (its heading is then the
   * `inserted` or `deleted` text); null for a suggestion in the text.
   */
  readonly clauseChange?: 'adds' | 'removes' | null
}

/** The clause a suggestion is in: its id, its computed number and its heading. */
export interface SuggestedClause {
  readonly id: string
  readonly number: string
  readonly heading: string
}

/** One open suggestion, as the review panel lists it. */
export interface ReviewEntry extends SuggestionText {
  readonly id: string
  /** Where its first marked text starts and its last ends, in the document it was read from. */
  readonly from: number
  readonly to: number
  /** The innermost clause its first marked text is in; null outside every clause. */
  readonly clause: SuggestedClause | null
}

/**
 * The tracked suggestion at a new paragraph is anchored on a zero-width space (see
 * `SuggestChanges.ts`): it says a paragraph is added, and is no text of its own.
 */
const PARAGRAPH_ANCHOR = '\u200B'

/** An entry while the document is read: text gathered in pieces. */
interface Gathering {
  readonly id: string
  readonly from: number
  to: number
  inserted: string
  deleted: string
  /** The position of the clause it was first seen in, or null. */
  readonly clausePos: number | null
  clauseChange: 'adds' | 'removes' | null
}

/**
 * Every suggestion in `doc`, in the order its first marked text appears. Pure: the same
 * document always gives equal entries.
 */
export function reviewEntries(doc: ProseMirrorNode): ReviewEntry[] {
  const gathered = new Map<string, Gathering>()
  const visit = (parent: ProseMirrorNode, contentStart: number, clausePos: number | null) => {
    parent.forEach((child, offset) => {
      const pos = contentStart + offset
      if (child.isText) {
        for (const mark of child.marks) {
          const kind = kindOf(mark.type.name)
          const id = mark.attrs.id
          if (kind === null || typeof id !== 'string') continue
          let entry = gathered.get(id)
          if (entry === undefined) {
            entry = { id, from: pos, to: pos, inserted: '', deleted: '', clausePos, clauseChange: null }
            gathered.set(id, entry)
          }
          // Text inside a clause proposed as a whole is part of that proposal.
          if (entry.clauseChange !== null) continue
          entry.to = pos + child.nodeSize
          entry[kind] += child.text ?? ''
        }
        return
      }
      if (child.isLeaf) return
      if (child.type.name === 'clause') {
        for (const [kind, change] of [['insertion', 'adds'], ['deletion', 'removes']] as const) {
          const id = clauseSuggestionId(child, kind)
          if (id === null || gathered.has(id)) continue
          const heading = child.firstChild?.textContent ?? ''
          gathered.set(id, { id, from: pos, to: pos + child.nodeSize, inserted: change === 'adds' ? heading : '', deleted: change === 'removes' ? heading : '', clausePos: pos, clauseChange: change })
        }
      }
      visit(child, pos + 1, child.type.name === 'clause' ? pos : clausePos)
    })
  }
  visit(doc, 0, null)
  if (gathered.size === 0) return []

  const numbers = clauseNumbers(doc)
  const clauses = new Map<number, SuggestedClause>()
  const clauseAt = (pos: number | null): SuggestedClause | null => {
    if (pos === null) return null
    let clause = clauses.get(pos)
    if (clause === undefined) {
      const node = doc.nodeAt(pos)!
      clause = { id: String(node.attrs.clauseId ?? ''), number: numbers.get(pos) ?? '', heading: visible(node.firstChild?.textContent ?? '') }
      clauses.set(pos, clause)
    }
    return clause
  }
  return [...gathered.values()].map(({ id, from, to, inserted, deleted, clausePos, clauseChange }) => ({
    id,
    from,
    to,
    ...readable(inserted, deleted),
    clauseChange,
    clause: clauseAt(clausePos),
  }))
}

/** What the suggestion `id` inserts and deletes in `doc` (empty texts when it is not there). */
export function suggestionText(doc: ProseMirrorNode, id: string): SuggestionText {
  let inserted = ''
  let deleted = ''
  let clauseChange: SuggestionText['clauseChange'] = null
  doc.descendants((node) => {
    if (clauseChange !== null) return false
    if (clauseSuggestionId(node, 'insertion') === id || clauseSuggestionId(node, 'deletion') === id) {
      clauseChange = clauseSuggestionId(node, 'insertion') === id ? 'adds' : 'removes'
      ;[inserted, deleted] = clauseChange === 'adds' ? [node.firstChild?.textContent ?? '', ''] : ['', node.firstChild?.textContent ?? '']
      return false
    }
    if (!node.isText) return true
    for (const mark of node.marks) {
      const kind = kindOf(mark.type.name)
      if (kind !== null && mark.attrs.id === id) {
        if (kind === 'inserted') inserted += node.text ?? ''
        else deleted += node.text ?? ''
      }
    }
    return false
  })
  return { ...readable(inserted, deleted), clauseChange }
}

/** Where the suggestion `id` starts and ends in `doc`, or null when it is not there. */
export function suggestionRange(doc: ProseMirrorNode, id: string): { from: number; to: number } | null {
  let range: { from: number; to: number } | null = null
  let isWholeClause = false
  doc.descendants((node, pos) => {
    if (isWholeClause) return false
    if (clauseSuggestionId(node, 'insertion') === id || clauseSuggestionId(node, 'deletion') === id) {
      range = { from: pos, to: pos + node.nodeSize }
      isWholeClause = true
      return false
    }
    if (!node.isText) return true
    if (node.marks.some((mark) => kindOf(mark.type.name) !== null && mark.attrs.id === id)) {
      range = { from: range?.from ?? pos, to: pos + node.nodeSize }
    }
    return false
  })
  return range
}

/** At most `limit` characters of `text`, in quotation marks, with an ellipsis when cut. */
export function quote(text: string, limit = 80): string {
  const trimmed = text.trim()
  return `“${trimmed.length > limit ? `${trimmed.slice(0, limit - 1)}…` : trimmed}”`
}

/** What a suggestion does, in a line: "Insert “…”", "Delete “…”", "Replace “…” with “…”". */
export function describeSuggestion({ inserted, deleted, addsParagraph, breaksParagraph, joinsParagraphs, clauseChange }: SuggestionText, limit = 80): string {
  if (clauseChange === 'adds') return inserted.trim() ? `Add a clause: ${quote(inserted, limit)}` : 'Add a new clause'
  if (clauseChange === 'removes') return deleted.trim() ? `Delete the clause ${quote(deleted, limit)}` : 'Delete a clause'
  if (joinsParagraphs || breaksParagraph) {
    const also = [deleted && `deleting ${quote(deleted, limit)}`, inserted && `inserting ${quote(inserted, limit)}`].filter(Boolean).join(' and ')
    const what = joinsParagraphs ? 'Join the paragraph with the next' : 'Break the paragraph in two'
    return also ? `${what}, ${also}` : what
  }
  if (inserted && deleted) return `Replace ${quote(deleted, limit)} with ${quote(inserted, limit)}`
  if (inserted) return addsParagraph ? `Add a paragraph: ${quote(inserted, limit)}` : `Insert ${quote(inserted, limit)}`
  if (deleted) return `Delete ${quote(deleted, limit)}`
  return addsParagraph ? 'Start a new paragraph' : 'Suggested change'
}

/** Which text of an entry a mark's text belongs to, or null for any other mark. */
function kindOf(markName: string): 'inserted' | 'deleted' | null {
  if (markName === SUGGESTION_MARK.insertion) return 'inserted'
  if (markName === SUGGESTION_MARK.deletion) return 'deleted'
  return null
}

function readable(inserted: string, deleted: string): SuggestionText {
  // A paragraph mark proposed for deletion is both inserted and deleted (see paragraphMarks.ts).
  const joinsParagraphs = inserted.includes(PARAGRAPH_MARK) && deleted.includes(PARAGRAPH_MARK)
  return {
    inserted: visible(inserted),
    deleted: visible(deleted),
    addsParagraph: inserted.includes(PARAGRAPH_ANCHOR),
    breaksParagraph: !joinsParagraphs && inserted.includes(PARAGRAPH_MARK),
    joinsParagraphs,
  }
}

/** `text` without the characters that stand for paragraph changes, which are no text of their own. */
function visible(text: string): string {
  return text.split(PARAGRAPH_ANCHOR).join('').split(PARAGRAPH_MARK).join('')
}
