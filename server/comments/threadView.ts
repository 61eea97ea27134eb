/**
 * A stored thread as members see it (`ThreadView` of `shared/protocol/comments.ts`): its
 * comments in order, a first comment deleted under replies shown as a tombstone, and where it
 * stands in the current text as `ThreadPlacement` judged it.
 */
import type { CommentView, ThreadView } from '../../shared/protocol/comments.ts'
import type { CommentRecord, StoredThread } from '../store/Store.ts'
import type { Placement } from './ThreadPlacement.ts'

/** The view of `thread` placed at `placement`. */
export function threadView(thread: StoredThread, placement: Placement): ThreadView {
  return {
    id: thread.id,
    contractId: thread.contractId,
    clauseId: thread.clauseId,
    scope: thread.scope,
    constituency: thread.constituency,
    status: thread.status,
    detached: placement.detached,
    clauseRemoved: placement.clauseRemoved,
    quote: thread.quote,
    anchor: thread.anchorFrom !== null && thread.anchorTo !== null ? { from: thread.anchorFrom, to: thread.anchorTo } : null,
    suggestionId: thread.suggestionId,
    createdBy: thread.createdBy,
    createdAt: thread.createdAt,
    resolvedBy: thread.resolvedBy,
    resolvedAt: thread.resolvedAt,
    comments: thread.comments.map(commentView),
  }
}

/** The view of a comment; `deleted` appears only on a tombstone. */
export function commentView(comment: CommentRecord): CommentView {
  return {
    id: comment.id,
    authorId: comment.authorId,
    authorName: comment.authorName,
    authorOrganisation: comment.authorOrganisation,
    body: comment.body,
    createdAt: comment.createdAt,
    editedAt: comment.editedAt,
    mentions: comment.mentions,
    ...(comment.deletedAt !== null ? { deleted: true } : {}),
  }
}
