/**
 * One comment thread in the side panel: what it is on (the quoted passage, the whole clause or a
 * suggestion; marked when its passage was deleted), who may see it, its comments with author,
 * organisation, time and "edited", and what the person may do: reply, edit or delete their own
 * comments, resolve or reopen (the thread's author, and those who moderate comments). Every
 * request's refusal is shown in the server's words on the card.
 */
import { type MouseEvent, useId, useState } from 'react'
import type { Constituency } from '../../../shared/domain/roles.ts'
import type { MemberView } from '../../../shared/protocol/api.ts'
import type { CommentView, ThreadView } from '../../../shared/protocol/comments.ts'
import { deleteComment, editComment, replyToThread, setThreadStatus } from '../../api/api.ts'
import { relativeTime } from '../suggestions/suggestionRecords.ts'
import { CommentBody } from './CommentBody.tsx'
import { CommentComposer } from './CommentComposer.tsx'
import { isThreadView } from './useThreads.ts'
import type { PlacedThread } from './threadList.ts'

/** "Providers only" and the like: the words for a thread kept within a constituency. */
export const SCOPE_LABEL: Readonly<Record<Constituency, string>> = {
  steering: 'Steering group only',
  provider: 'Providers only',
  purchaser: 'Purchasers only',
}

/** How long a quote is shown before it is cut (the whole of it is in the tooltip). */
const QUOTE_SHOWN = 160

export interface ThreadCardProps {
  readonly contractId: string
  readonly placed: PlacedThread
  readonly isActive: boolean
  /** Whether the person's selection is in this thread's passage or clause. */
  readonly isRelated: boolean
  readonly userId: string
  readonly canComment: boolean
  /** Whether the person may resolve and reopen this thread. */
  readonly canResolve: boolean
  readonly members: readonly MemberView[]
  /** Shows the thread's passage (or clause) in the text, and makes it the active thread. */
  readonly onShow: (thread: ThreadView) => void
  /** Takes in the thread as a request's answer returned it. */
  readonly onReceive: (thread: ThreadView) => void
}

export function ThreadCard({ contractId, placed, isActive, isRelated, userId, canComment, canResolve, members, onShow, onReceive }: ThreadCardProps) {
  const { thread, isDetached } = placed
  const [problem, setProblem] = useState<string | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const id = useId()
  const nameOf = (someone: string | null) => members.find((member) => member.id === someone)?.name ?? thread.comments.find((c) => c.authorId === someone)?.authorName ?? 'someone'

  /** Runs a request; its answer (when a thread) is taken in, its refusal shown. */
  const attempt = async (request: () => Promise<unknown>): Promise<void> => {
    setProblem(null)
    try {
      const answer = await request()
      if (isThreadView(answer)) onReceive(answer)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'That did not work. Please try again.')
      throw error
    }
  }
  const quietly = (request: () => Promise<unknown>) => attempt(request).catch(() => {})

  const isResolved = thread.status === 'resolved'
  const className = ['thread-card', isActive ? 'is-active' : '', isRelated ? 'is-related' : '', isResolved ? 'is-resolved' : '', isDetached ? 'is-detached' : '']
    .filter(Boolean)
    .join(' ')
  const onCardClick = (event: MouseEvent<HTMLElement>) => {
    // A click on a control of the card is that control's; elsewhere on the card it shows the thread.
    if ((event.target as HTMLElement).closest('button, a, textarea, input, select, label, [role="option"]')) return
    if (!isActive) onShow(thread)
  }
  return (
    <li className={className} data-thread-id={thread.id} aria-labelledby={`${id}-what`} onClick={onCardClick}>
      <button type="button" className="thread-show" id={`${id}-what`} onClick={() => onShow(thread)} aria-current={isActive || undefined}>
        {thread.suggestionId !== null ? <span className="thread-kind">On a suggestion</span> : null}
        {thread.anchor === null && thread.suggestionId === null ? <span className="thread-kind">Whole clause</span> : null}
        {thread.quote !== '' ? (
          <span className={isDetached ? 'thread-quote is-detached' : 'thread-quote'} title={thread.quote.length > QUOTE_SHOWN ? thread.quote : undefined}>
            “{thread.quote.length > QUOTE_SHOWN ? `${thread.quote.slice(0, QUOTE_SHOWN - 1)}…` : thread.quote}”
          </span>
        ) : null}
      </button>
      <p className="thread-badges">
        {isDetached && thread.anchor !== null ? <span className="thread-badge is-detached">Text deleted</span> : null}
        {thread.constituency !== null && thread.scope === 'constituency' ? <span className="thread-badge is-scoped">{SCOPE_LABEL[thread.constituency]}</span> : null}
        {isResolved ? (
          <span className="thread-badge is-resolved">
            Resolved{thread.resolvedBy !== null ? ` by ${nameOf(thread.resolvedBy)}` : ''}
            {thread.resolvedAt !== null ? `, ${relativeTime(thread.resolvedAt)}` : ''}
          </span>
        ) : null}
      </p>
      <ol className="thread-comments">
        {thread.comments.map((comment) => (
          <li key={comment.id} className="thread-comment" data-comment-id={comment.id}>
            <CommentHeader comment={comment} />
            {editing === comment.id ? (
              <CommentComposer
                label="Edit your comment"
                submitLabel="Save"
                initial={comment.body}
                members={members}
                autoFocus
                onCancel={() => setEditing(null)}
                onSubmit={async (body) => {
                  await attempt(() => editComment(contractId, thread.id, comment.id, body))
                  setEditing(null)
                }}
              />
            ) : comment.deleted === true ? (
              <p className="comment-body comment-deleted">Comment deleted</p>
            ) : (
              <CommentBody body={comment.body} userId={userId} />
            )}
            {comment.authorId === userId && editing !== comment.id && comment.deleted !== true ? (
              deleting === comment.id ? (
                <div className="thread-comment-actions" role="group" aria-label="Delete this comment?">
                  <span>Delete this comment?</span>
                  <button type="button" className="danger-button" onClick={() => void quietly(() => deleteComment(contractId, thread.id, comment.id)).then(() => setDeleting(null))}>
                    Delete
                  </button>
                  <button type="button" className="secondary-button" onClick={() => setDeleting(null)}>
                    Keep
                  </button>
                </div>
              ) : (
                <div className="thread-comment-actions">
                  <button type="button" className="link-button" onClick={() => setEditing(comment.id)} aria-label={`Edit your comment of ${timeLabel(comment.createdAt)}`}>
                    Edit
                  </button>
                  <button type="button" className="link-button" onClick={() => setDeleting(comment.id)} aria-label={`Delete your comment of ${timeLabel(comment.createdAt)}`}>
                    Delete
                  </button>
                </div>
              )
            ) : null}
          </li>
        ))}
      </ol>
      {problem !== null ? (
        <p className="comment-problem" role="alert">
          {problem}
        </p>
      ) : null}
      {canResolve ? (
        <div className="thread-actions">
          <button type="button" className="secondary-button" onClick={() => void quietly(() => setThreadStatus(contractId, thread.id, isResolved ? 'open' : 'resolved'))}>
            {isResolved ? 'Reopen' : 'Resolve'}
          </button>
        </div>
      ) : null}
      {canComment && !isResolved && isActive ? (
        <CommentComposer label="Reply" submitLabel="Reply" members={members} onSubmit={(body) => attempt(() => replyToThread(contractId, thread.id, body))} />
      ) : null}
    </li>
  )
}

function CommentHeader({ comment }: { comment: CommentView }) {
  return (
    <p className="thread-comment-who">
      <span className="thread-comment-author">{comment.authorName}</span>
      {comment.authorOrganisation ? <span className="thread-comment-organisation">{comment.authorOrganisation}</span> : null}
      <time dateTime={new Date(comment.createdAt).toISOString()} title={new Date(comment.createdAt).toLocaleString()}>
        {relativeTime(comment.createdAt)}
      </time>
      {comment.editedAt !== null ? (
        <span className="thread-comment-edited" title={`Edited ${new Date(comment.editedAt).toLocaleString()}`}>
          (edited)
        </span>
      ) : null}
    </p>
  )
}

function timeLabel(time: number): string {
  return new Date(time).toLocaleString()
}
