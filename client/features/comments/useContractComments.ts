/**
 * The comments side of the contract page, in one place: which thread is active, the thread
 * being started, the ways of starting one (the selection, a clause, a suggestion; Ctrl+Alt+M
 * anywhere on the page), the highlights drawn on the text, and a thread opened from the inbox.
 * The page lays the pieces out; this hook keeps them agreeing.
 */
import type { Editor } from '@tiptap/react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ThreadView } from '../../../shared/protocol/comments.ts'
import { showCommentHighlights } from '../../editor/CommentHighlights.ts'
import type { CommentActions } from './commentActions.ts'
import { isCommentShortcut } from './CommentToolbar.tsx'
import { clauseAround, clausePlaces, isDetachedRange, rangeOfAnchor } from './threadAnchors.ts'
import { type DraftResult, type ThreadDraft, draftForClause, draftForSuggestion, draftFromSelection } from './threadDrafts.ts'
import { openCountsByClause } from './threadList.ts'
import type { LiveThreads } from './useThreads.ts'

export interface ContractCommentsOptions {
  readonly editor: Editor | null
  readonly live: LiveThreads
  /** Whether the person may start and reply to threads. */
  readonly canComment: boolean
  /** A thread to show once it has arrived (opened from the inbox), or null. */
  readonly focusThreadId: string | null
  /** Tells the person why something could not be done. */
  readonly onNotice: (message: string) => void
  /** Brings the comments panel into view (its tab). */
  readonly onShowPanel: () => void
}

export interface ContractComments {
  readonly activeThreadId: string | null
  readonly setActiveThreadId: (threadId: string | null) => void
  /** Makes a thread active and shows the panel (a click on its highlight, its suggestion's card). */
  readonly activate: (threadId: string) => void
  readonly draft: ThreadDraft | null
  /** The draft was sent (the thread becomes active) or abandoned (null). */
  readonly finishDraft: (thread: ThreadView | null) => void
  readonly commentOnSelection: () => void
  /** A thread on the clause `clauseId`, or the clause around the cursor. */
  readonly commentOnClause: (clauseId?: string) => void
  readonly commentOnSuggestion: (suggestionId: string) => void
  /** The open threads on the suggestion `suggestionId`, oldest first. */
  readonly threadsOnSuggestion: (suggestionId: string) => ThreadView[]
  /** What far-off controls (the status menu) may do; null when the person may not comment. */
  readonly actions: CommentActions | null
  /** The number of open threads of each clause, and in all. */
  readonly openThreads: ReadonlyMap<string, number>
  readonly openCount: number
}

/**
 * Selects `thread`'s passage where it is now and scrolls to it; for a whole-clause thread, or
 * one whose passage is gone, puts the cursor in its clause's heading instead.
 */
export function showThreadInText(editor: Editor, thread: ThreadView): void {
  if (editor.isDestroyed) return
  const range = thread.anchor === null ? null : rangeOfAnchor(editor.state, thread.anchor)
  const place = clausePlaces(editor.state.doc).get(thread.clauseId)
  if (range !== null && !isDetachedRange(range)) editor.chain().setTextSelection(range).scrollIntoView().run()
  else if (place !== undefined) editor.chain().setTextSelection(place.pos + 2).scrollIntoView().run()
}

export function useContractComments({ editor, live, canComment, focusThreadId, onNotice, onShowPanel }: ContractCommentsOptions): ContractComments {
  const [activeThreadId, setActiveThreadId] = useState<string | null>(null)
  const [draft, setDraft] = useState<ThreadDraft | null>(null)

  // The text shows the threads' passages, the active one more strongly, and a draft's.
  useEffect(() => {
    if (editor === null || editor.isDestroyed) return
    const threads = [...live.threads.values()].map((thread) => ({ id: thread.id, clauseId: thread.clauseId, anchor: thread.anchor, isResolved: thread.status === 'resolved' }))
    showCommentHighlights(editor.view, { threads, activeId: draft === null ? activeThreadId : null, draft: draft?.anchor ?? null })
  }, [editor, live.threads, activeThreadId, draft])

  const activate = useCallback(
    (threadId: string) => {
      setActiveThreadId(threadId)
      onShowPanel()
    },
    [onShowPanel],
  )

  const startDraft = useCallback(
    (result: DraftResult) => {
      if ('problem' in result) {
        onNotice(result.problem)
        return
      }
      setDraft(result.draft)
      setActiveThreadId(null)
      onShowPanel()
    },
    [onNotice, onShowPanel],
  )
  const commentOnSelection = useCallback(() => {
    if (editor !== null && !editor.isDestroyed) startDraft(draftFromSelection(editor.state))
  }, [editor, startDraft])
  const commentOnClause = useCallback(
    (clauseId?: string) => {
      if (editor === null || editor.isDestroyed) return
      const id = clauseId ?? clauseAround(editor.state.doc, editor.state.selection.from)?.clauseId
      if (id !== undefined) startDraft(draftForClause(editor.state, id))
    },
    [editor, startDraft],
  )
  const commentOnSuggestion = useCallback(
    (suggestionId: string) => {
      if (editor !== null && !editor.isDestroyed) startDraft(draftForSuggestion(editor.state, suggestionId))
    },
    [editor, startDraft],
  )
  const finishDraft = useCallback((thread: ThreadView | null) => {
    setDraft(null)
    if (thread !== null) setActiveThreadId(thread.id)
  }, [])

  // Ctrl+Alt+M comments on the selection from anywhere on the page (the text may be read-only).
  useEffect(() => {
    if (!canComment) return
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isCommentShortcut(event)) return
      event.preventDefault()
      commentOnSelection()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [canComment, commentOnSelection])

  // A thread opened from the inbox: shown once it has arrived, or said to be gone.
  const focusedThread = useRef<string | null>(null)
  useEffect(() => {
    if (editor === null || focusThreadId === null || focusedThread.current === focusThreadId) return
    const thread = live.threads.get(focusThreadId)
    if (thread === undefined) {
      if (live.isLoaded) {
        focusedThread.current = focusThreadId
        onNotice('That comment thread is no longer there, or no longer shared with you.')
      }
      return
    }
    focusedThread.current = focusThreadId
    activate(thread.id)
    showThreadInText(editor, thread)
  }, [editor, focusThreadId, live.threads, live.isLoaded, onNotice, activate])

  const threadsOnSuggestion = useCallback(
    (suggestionId: string) =>
      [...live.threads.values()].filter((thread) => thread.suggestionId === suggestionId && thread.status === 'open').sort((a, b) => a.createdAt - b.createdAt),
    [live.threads],
  )
  const actions = useMemo<CommentActions | null>(() => (canComment ? { commentOnClause } : null), [canComment, commentOnClause])
  const openThreads = useMemo(() => openCountsByClause([...live.threads.values()]), [live.threads])
  const openCount = [...openThreads.values()].reduce((sum, count) => sum + count, 0)

  return {
    activeThreadId,
    setActiveThreadId,
    activate,
    draft,
    finishDraft,
    commentOnSelection,
    commentOnClause,
    commentOnSuggestion,
    threadsOnSuggestion,
    actions,
    openThreads,
    openCount,
  }
}
