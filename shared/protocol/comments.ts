/**
 * Comment threads on a contract: the JSON shapes client and server share (DESIGN.md, "Wire and
 * HTTP interface"). Comments never live in the contract's body document; they are created and
 * changed only through these role-checked HTTP operations and pushed to the members allowed to
 * see them over `GET /api/contracts/<id>/threads/events` (server-sent events, see
 * `CommentEvent`).
 *
 * Visibility: a thread's `scope` is `everyone` or `constituency`; a `constituency` thread is
 * seen only by members whose organisation is of the thread's `constituency` (the starter's at
 * creation). The steering group does not see providers-only threads: scope means scope. A thread
 * outside the caller's scope is a 404, indistinguishable from one that does not exist.
 */
import type { Constituency } from '../domain/roles.ts'

/** Longest comment body, in characters (after trimming). */
export const MAX_COMMENT_LENGTH = 10_000
/** Longest quote kept with a thread's anchor, in characters. */
export const MAX_QUOTE_LENGTH = 2_000

export type ThreadScope = 'everyone' | 'constituency'
export type ThreadStatus = 'open' | 'resolved'

/**
 * Where a thread is anchored inside its clause: two `Y.RelativePosition`s into the contract's
 * `body`, each encoded with `Y.encodeRelativePosition` and then base64. They follow concurrent
 * edits; when the text between them is deleted they meet, and the thread is *detached*.
 */
export interface ThreadAnchor {
  readonly from: string
  readonly to: string
}

/** What a thread hangs on, besides its clause: a passage, or a tracked suggestion. */
export interface CommentView {
  readonly id: string
  readonly authorId: string
  readonly authorName: string
  readonly authorOrganisation: string
  /** Plain text; `@[Name](userId)` marks a mention (see `shared/domain/mentions.ts`). Render as text, never as HTML. */
  readonly body: string
  readonly createdAt: number
  /** Set when the author edited it. */
  readonly editedAt: number | null
  /** The userIds this comment mentions (members of the contract, as the server checked). */
  readonly mentions: readonly string[]
  /**
   * True when its author deleted it while it was the first comment of a thread with replies:
   * it stays first in the list, with an empty body and no mentions, so the thread keeps its
   * start. Absent (or false) otherwise.
   */
  readonly deleted?: boolean
}

/** An item of `GET /api/contracts/<id>/threads`, and of the events. */
export interface ThreadView {
  readonly id: string
  readonly contractId: string
  readonly clauseId: string
  readonly scope: ThreadScope
  /** For a `constituency` thread, whose it is; null for `everyone`. */
  readonly constituency: Constituency | null
  readonly status: ThreadStatus
  /**
   * True when the commented passage has been deleted (the anchor collapsed) or the clause itself
   * is no longer in the contract; the thread is kept with its `quote`.
   */
  readonly detached: boolean
  /** True when the clause `clauseId` is no longer in the contract ("comments on removed clauses"). */
  readonly clauseRemoved: boolean
  /** The passage's text when the thread was started ('' for a whole-clause thread). */
  readonly quote: string
  readonly anchor: ThreadAnchor | null
  /** The tracked suggestion this thread discusses, if it was started from a suggestion's card. */
  readonly suggestionId: string | null
  readonly createdBy: string
  readonly createdAt: number
  readonly resolvedBy: string | null
  readonly resolvedAt: number | null
  /** In order of writing; a deleted comment is removed from the list (a thread keeps at least its first). */
  readonly comments: readonly CommentView[]
}

/** `POST /api/contracts/<id>/threads`. */
export interface NewThreadRequest {
  readonly clauseId: string
  readonly body: string
  readonly scope: ThreadScope
  readonly anchor?: ThreadAnchor
  readonly quote?: string
  readonly suggestionId?: string
}

/** `POST /api/contracts/<id>/threads/<threadId>/comments` and `PATCH …/comments/<commentId>`. */
export interface CommentRequest {
  readonly body: string
}

/** `PATCH /api/contracts/<id>/threads/<threadId>`. */
export interface ThreadStatusRequest {
  readonly status: ThreadStatus
}

/** Why something arrived in a person's inbox. */
export type InboxReason = 'mention' | 'reply'

/** An item of `GET /api/inbox` (newest first), across the caller's contracts. */
export interface InboxItemView {
  readonly id: string
  readonly contractId: string
  readonly contractTitle: string
  readonly threadId: string
  readonly clauseId: string
  readonly commentId: string
  readonly reason: InboxReason
  readonly authorName: string
  /** The start of the comment, plain text. */
  readonly excerpt: string
  readonly createdAt: number
  readonly readAt: number | null
}

/** `GET /api/inbox`. */
export interface InboxView {
  readonly unread: number
  readonly items: readonly InboxItemView[]
}

/**
 * What `GET /api/contracts/<id>/threads/events` sends (one JSON object per SSE `data:` line):
 * first `snapshot` with every thread the member may see, then `thread` whenever one of those is
 * created or changed, `threadRemoved` when one leaves their sight, and `inbox` with their unread
 * count when it changes. Nothing of a thread outside the member's scope is ever sent.
 */
export type CommentEvent =
  | { readonly type: 'snapshot'; readonly threads: readonly ThreadView[] }
  | { readonly type: 'thread'; readonly thread: ThreadView }
  | { readonly type: 'threadRemoved'; readonly threadId: string }
  | { readonly type: 'inbox'; readonly unread: number }
