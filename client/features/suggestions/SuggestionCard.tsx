/**
 * The card of the suggestion at the cursor: what it proposes, who proposed it (name and
 * organisation), when, and why if they said; with *Accept* and *Reject* for those who review
 * suggestions, and *Withdraw* for its author when they cannot review; its author, while
 * suggesting, can add or edit the reason. It appears next to the text when the person clicks or
 * moves into a suggestion, and stays out of the way while they type.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import type { EditorState, Transaction } from '@tiptap/pm/state'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { type MouseEvent, type RefObject, useEffect, useLayoutEffect, useState } from 'react'
import type * as Y from 'yjs'
import type { SuggestionRecord } from '../../../shared/domain/suggestions.ts'
import { clauseSuggestionId } from '../../../shared/editor/Clause.ts'
import { suggestionIdOf } from '../../../shared/editor/SuggestionMarks.ts'
import { getSuggestions } from '../../../shared/ydoc/schema.ts'
import { describeSuggestion, suggestionText } from './reviewEntries.ts'
import { authorLabel, readSuggestionRecord, relativeTime, suggestionColour } from './suggestionRecords.ts'
import { SuggestionReason } from './SuggestionReason.tsx'

export interface SuggestionCardProps {
  editor: Editor
  doc: Y.Doc
  /** Whether this person may accept and reject suggestions now. */
  canReview: boolean
  /** The signed-in person's id: their own suggestions can be withdrawn. */
  userId: string | undefined
  /** Whether the person may give reasons for their own suggestions now (while suggesting). */
  canExplain: boolean
  /** The element the card is positioned in (it must be `position: relative`). */
  frame: RefObject<HTMLElement | null>
  /** Starts a comment thread on the suggestion; without it the card offers none. */
  onComment?: (suggestionId: string) => void
  /** How many open comment threads discuss the suggestion (0 when not given). */
  commentThreadsOn?: (suggestionId: string) => number
  /** Shows the comment threads on the suggestion. */
  onShowComments?: (suggestionId: string) => void
}

/** The suggestion the cursor is in or touches: its id and where the cursor is. */
function suggestionAtCursor(state: EditorState): { id: string; pos: number } | null {
  const { $from } = state.selection
  for (const node of [$from.nodeAfter, $from.nodeBefore]) {
    const id = suggestionIdOf(node, 'insertion') ?? suggestionIdOf(node, 'deletion')
    if (id !== null) return { id, pos: $from.pos }
  }
  // Inside a clause proposed as a whole (as new, or for deletion): the innermost one.
  for (let depth = $from.depth; depth > 0; depth--) {
    const clause = $from.node(depth)
    const id = clauseSuggestionId(clause, 'insertion') ?? clauseSuggestionId(clause, 'deletion')
    if (id !== null) return { id, pos: $from.pos }
  }
  return null
}

export function SuggestionCard({ editor, doc, canReview, userId, canExplain, frame, onComment, commentThreadsOn, onShowComments }: SuggestionCardProps) {
  const at = useEditorState({ editor, selector: ({ editor: { state } }) => suggestionAtCursor(state), equalityFn: sameSuggestion })
  // Hidden while the person types (their own suggestion grows under the cursor); shown again
  // when they click or move the cursor.
  const [isTyping, setTyping] = useState(false)
  useEffect(() => {
    const follow = ({ transaction }: { transaction: Transaction }) => {
      if (transaction.getMeta(ySyncPluginKey) !== undefined) return
      if (transaction.docChanged) setTyping(true)
      else if (transaction.selectionSet) setTyping(false)
    }
    editor.on('transaction', follow)
    return () => {
      editor.off('transaction', follow)
    }
  }, [editor])
  // Redraw when records change (one arriving after its text, or being removed).
  const [, setVersion] = useState(0)
  useEffect(() => {
    const records = getSuggestions(doc)
    const redraw = () => setVersion((version) => version + 1)
    records.observe(redraw)
    return () => records.unobserve(redraw)
  }, [doc])
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null)
  useLayoutEffect(() => {
    const container = frame.current
    if (at === null || container === null || editor.isDestroyed) return setPlace(null)
    try {
      const coords = editor.view.coordsAtPos(at.pos)
      const box = container.getBoundingClientRect()
      const width = Math.min(320, box.width)
      setPlace({ top: coords.bottom - box.top + 6, left: Math.max(0, Math.min(coords.left - box.left, box.width - width)) })
    } catch {
      setPlace(null)
    }
  }, [at, editor, frame])

  if (at === null || isTyping || place === null) return null
  const records = getSuggestions(doc)
  const record: SuggestionRecord | null = readSuggestionRecord(records, at.id)
  const text = suggestionText(editor.state.doc, at.id)
  const isOwn = record !== null && record.authorId === userId
  const threadCount = commentThreadsOn?.(at.id) ?? 0
  const review = (decision: 'accept' | 'reject') => {
    if (decision === 'accept') editor.commands.acceptSuggestion(at.id)
    else editor.commands.rejectSuggestion(at.id)
    editor.commands.focus()
  }
  // Keeps the editor's selection (and so the card) while a button is pressed.
  const keepSelection = (event: MouseEvent) => event.preventDefault()
  return (
    <aside
      className="suggestion-card"
      aria-label="Suggestion"
      data-suggestion-id={at.id}
      style={{ top: place.top, left: place.left, ['--suggestion-colour' as string]: suggestionColour(record, at.id) }}
    >
      <p className="suggestion-card-what">{describeSuggestion(text)}</p>
      {record !== null ? (
        <p className="suggestion-card-who">
          <span className="suggestion-card-author">{record.authorName}</span>
          {record.organisation ? <span className="suggestion-card-organisation">{record.organisation}</span> : null}
          <time dateTime={new Date(record.createdAt).toISOString()} title={new Date(record.createdAt).toLocaleString()}>
            {relativeTime(record.createdAt)}
          </time>
        </p>
      ) : (
        <p className="suggestion-card-who">Author not known yet</p>
      )}
      {isOwn && canExplain && record !== null ? (
        <SuggestionReason key={at.id} records={records} id={at.id} record={record} onDone={() => editor.commands.focus()} />
      ) : record?.reason ? (
        <p className="suggestion-card-reason">{record.reason}</p>
      ) : null}
      {canReview ? (
        <div className="suggestion-card-actions">
          <button type="button" onMouseDown={keepSelection} onClick={() => review('accept')} title={record ? `Accept ${authorLabel(record)}’s suggestion` : undefined}>
            Accept
          </button>
          <button type="button" onMouseDown={keepSelection} onClick={() => review('reject')}>
            Reject
          </button>
        </div>
      ) : isOwn ? (
        <div className="suggestion-card-actions">
          <button type="button" onMouseDown={keepSelection} onClick={() => review('reject')}>
            Withdraw
          </button>
        </div>
      ) : null}
      {onComment !== undefined || threadCount > 0 ? (
        <div className="suggestion-card-actions">
          {onComment !== undefined ? (
            <button type="button" className="secondary-button" onMouseDown={keepSelection} onClick={() => onComment(at.id)}>
              Comment
            </button>
          ) : null}
          {threadCount > 0 && onShowComments !== undefined ? (
            <button type="button" className="secondary-button" onMouseDown={keepSelection} onClick={() => onShowComments(at.id)}>
              {threadCount === 1 ? '1 comment thread' : `${threadCount} comment threads`}
            </button>
          ) : null}
        </div>
      ) : null}
    </aside>
  )
}

function sameSuggestion(a: { id: string; pos: number } | null, b: { id: string; pos: number } | null): boolean {
  return a === b || (a !== null && b !== null && a.id === b.id && a.pos === b.pos)
}
