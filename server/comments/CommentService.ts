/**
 * Comment threads, independent of HTTP: every operation checks the caller's role in the
 * contract (`shared/domain/roles.ts`) and their organisation's constituency on the server,
 * stores the change, and pushes it to the members allowed to see it (`CommentEvents`).
 *
 * The rules:
 * - Members read the threads in their sight (`threadVisibility.ts`); a thread outside it, like
 *   a contract they are not a member of, is a 404 indistinguishable from one that does not exist.
 * - `comment` (commenter and up) starts threads and replies. A `constituency` thread belongs to
 *   the starter's constituency. The clause must be in the contract's current text, and a
 *   passage's anchor inside that clause.
 * - Only a comment's author edits or deletes it (and only while they may still comment).
 *   Deleting a reply removes it. Deleting a thread's first comment removes the whole thread
 *   when nobody has replied; when there are replies the thread stays, with the first comment
 *   kept as a tombstone (empty body, `deleted: true`) so the thread keeps its start; once its
 *   last reply goes too, the thread goes.
 * - The thread's starter (while they may comment) and `moderateComments` (editors, owners)
 *   resolve and reopen it; the resolver and time are recorded, and cleared on reopening. A
 *   reply to a resolved thread leaves it resolved.
 * - Mentions are recorded, and notified, only for members who can see the thread. Inbox items
 *   go to each mentioned member, and to the starter and everyone who commented in the thread
 *   for each reply — never to the comment's own author.
 * - A removed member's comments stay: the author's name and organisation are stored with each.
 * - Whether a thread is detached or on a removed clause is computed from the current text at
 *   read and push time (`ThreadPlacement.ts`); no thread is ever deleted because of it. While
 *   anyone listens to a contract's stream, edits to its text are followed (`bodyChanged`):
 *   threads whose placement changed are pushed again.
 */
import type * as Y from 'yjs'
import { type ContractId, parseContractId } from '../../shared/domain/ids.ts'
import { mentionedUserIds, tokenizeComment } from '../../shared/domain/mentions.ts'
import { type Constituency, type Role, can } from '../../shared/domain/roles.ts'
import { getSuggestions } from '../../shared/ydoc/schema.ts'
import type { InboxItemView, InboxView, ThreadStatus, ThreadView } from '../../shared/protocol/comments.ts'
import { newId } from '../auth/secrets.ts'
import type { CurrentDocument } from '../contracts/CurrentDocument.ts'
import { HttpError } from '../http/HttpError.ts'
import type { AccountStore, CommentRecord, CommentStore, InboxRecord, StoredThread, ThreadRecord } from '../store/Store.ts'
import type { CommentEvents } from './CommentEvents.ts'
import type { InboxReadRequest, NewThread } from './commentRequests.ts'
import { PlacementFollower } from './PlacementFollower.ts'
import { type Placement, ThreadPlacement } from './ThreadPlacement.ts'
import { threadView } from './threadView.ts'
import { isThreadVisibleTo } from './threadVisibility.ts'

/** Newest inbox items returned by `GET /api/inbox`. */
export const INBOX_LIMIT = 200
/** Characters of a comment shown in an inbox item. */
export const EXCERPT_LENGTH = 140
/** The caller, as a member of the contract. */
interface Member {
  readonly contractId: ContractId
  readonly userId: string
  readonly role: Role
  readonly constituency: Constituency
  readonly name: string
  readonly organisationName: string
}

const NOT_FOUND_THREAD = () => new HttpError(404, 'not_found', 'There is no such thread.')
const NOT_FOUND_CONTRACT = () => new HttpError(404, 'not_found', 'There is no such contract.')

export class CommentService {
  readonly #accounts: AccountStore
  readonly #comments: CommentStore
  readonly #documents: Pick<CurrentDocument, 'read'>
  readonly #events: CommentEvents
  readonly #now: () => number
  readonly #log: (message: string, error?: unknown) => void
  readonly #follower: PlacementFollower

  constructor(init: {
    accounts: AccountStore
    comments: CommentStore
    documents: Pick<CurrentDocument, 'read'>
    events: CommentEvents
    now?: () => number
    log?: (message: string, error?: unknown) => void
    /** See `PLACEMENT_DELAY_MS` of `PlacementFollower.ts`. */
    placementDelayMs?: number
  }) {
    this.#accounts = init.accounts
    this.#comments = init.comments
    this.#documents = init.documents
    this.#events = init.events
    this.#now = init.now ?? Date.now
    this.#log = init.log ?? ((message, error) => console.error(message, error ?? ''))
    this.#follower = new PlacementFollower({ comments: init.comments, documents: init.documents, events: init.events, log: this.#log, delayMs: init.placementDelayMs })
  }

  /** The threads of a contract the caller may see, oldest first. */
  async listThreads(contractId: string, userId: string): Promise<ThreadView[]> {
    const member = await this.#member(contractId, userId)
    return this.#visibleViews(member)
  }

  /** One thread, or 404 when it does not exist or is outside the caller's sight. */
  async getThread(contractId: string, userId: string, threadId: string): Promise<ThreadView> {
    const member = await this.#member(contractId, userId)
    const thread = await this.#visibleThread(member, threadId)
    return threadView(thread, await this.#placeOne(member.contractId, thread))
  }

  /** Starts a thread with its first comment. */
  async startThread(contractId: string, userId: string, request: NewThread): Promise<ThreadView> {
    const member = await this.#member(contractId, userId)
    this.#requireComment(member)
    const placement = await this.#documents.read(member.contractId, (doc) => {
      const placed = ThreadPlacement.of(doc)
      if (!placed.hasClause(request.clauseId)) throw new HttpError(400, 'unknown_clause', 'There is no such clause in the contract (it may have just been removed).')
      if (request.anchor !== null && !placed.isWithinClause(request.anchor, request.clauseId)) {
        throw new HttpError(400, 'anchor_outside_clause', 'The commented passage must lie inside the thread’s clause.')
      }
      if (request.suggestionId !== null && !hasSuggestion(doc, request.suggestionId)) {
        throw new HttpError(400, 'unknown_suggestion', 'There is no such suggestion in the contract (it may have just been accepted or rejected).')
      }
      return placed.place({ clauseId: request.clauseId, anchorFrom: request.anchor?.from ?? null, anchorTo: request.anchor?.to ?? null })
    })
    const now = this.#now()
    const thread: ThreadRecord = {
      id: newId(),
      contractId: member.contractId,
      clauseId: request.clauseId,
      scope: request.scope,
      constituency: request.scope === 'constituency' ? member.constituency : null,
      status: 'open',
      anchorFrom: request.anchor?.from ?? null,
      anchorTo: request.anchor?.to ?? null,
      quote: request.anchor === null && request.suggestionId === null ? '' : request.quote,
      suggestionId: request.suggestionId,
      createdBy: member.userId,
      createdAt: now,
      resolvedBy: null,
      resolvedAt: null,
    }
    const audience = await this.#audience(thread)
    const first = this.#newComment(member, thread, request.body, now, audience)
    await this.#comments.createThread(thread, first)
    const stored: StoredThread = { ...thread, comments: [first] }
    await this.#notify(stored, first, [], audience)
    const view = threadView(stored, placement)
    this.#follower.threadSent(view)
    this.#events.publishThread(view)
    return view
  }

  /** Adds a reply to a thread. */
  async reply(contractId: string, userId: string, threadId: string, body: string): Promise<ThreadView> {
    const member = await this.#member(contractId, userId)
    const thread = await this.#visibleThread(member, threadId)
    this.#requireComment(member)
    // Strictly after the last comment, so order by time is order of writing.
    const now = Math.max(this.#now(), ...thread.comments.map((c) => c.createdAt + 1))
    const audience = await this.#audience(thread)
    const comment = this.#newComment(member, thread, body, now, audience)
    await this.#comments.addComment(comment)
    const stored: StoredThread = { ...thread, comments: [...thread.comments, comment] }
    await this.#notify(stored, comment, [], audience)
    return this.#publish(member.contractId, stored)
  }

  /** Resolves or reopens a thread. */
  async setStatus(contractId: string, userId: string, threadId: string, status: ThreadStatus): Promise<ThreadView> {
    const member = await this.#member(contractId, userId)
    const thread = await this.#visibleThread(member, threadId)
    const isStarter = thread.createdBy === member.userId && can(member.role, 'comment')
    if (!isStarter && !can(member.role, 'moderateComments')) {
      throw new HttpError(403, 'forbidden', 'Only the person who started this thread, or an editor, can resolve or reopen it.')
    }
    if (thread.status === status) return threadView(thread, await this.#placeOne(member.contractId, thread))
    const by = status === 'resolved' ? member.userId : null
    const at = status === 'resolved' ? this.#now() : null
    await this.#comments.setThreadStatus(thread.id, status, by, at)
    return this.#publish(member.contractId, { ...thread, status, resolvedBy: by, resolvedAt: at })
  }

  /** Replaces the body of one's own comment; newly mentioned members are notified. */
  async editComment(contractId: string, userId: string, threadId: string, commentId: string, body: string): Promise<ThreadView> {
    const member = await this.#member(contractId, userId)
    const thread = await this.#visibleThread(member, threadId)
    const comment = this.#ownComment(member, thread, commentId)
    const audience = await this.#audience(thread)
    const mentions = recordedMentions(body, audience)
    const editedAt = this.#now()
    await this.#comments.editComment(comment.id, { body, mentions, editedAt })
    const edited: CommentRecord = { ...comment, body, mentions, editedAt }
    const stored: StoredThread = { ...thread, comments: thread.comments.map((c) => (c.id === comment.id ? edited : c)) }
    await this.#notify(stored, edited, comment.mentions, audience)
    return this.#publish(member.contractId, stored)
  }

  /**
   * Deletes one's own comment (see the module comment for when the thread goes too). Resolves
   * with the thread as it is afterwards, or null when the thread went.
   */
  async deleteComment(contractId: string, userId: string, threadId: string, commentId: string): Promise<ThreadView | null> {
    const member = await this.#member(contractId, userId)
    const thread = await this.#visibleThread(member, threadId)
    const comment = this.#ownComment(member, thread, commentId)
    const isFirst = thread.comments[0]?.id === comment.id
    const remaining = thread.comments.filter((c) => c.id !== comment.id && c.deletedAt === null)
    // Whoever had items from this comment gets a new count; they are among these.
    const affected = new Set([...comment.mentions, thread.createdBy, ...thread.comments.map((c) => c.authorId)])
    let result: ThreadView | null
    if (remaining.length === 0) {
      await this.#comments.deleteThread(thread.id)
      this.#follower.threadRemoved(member.contractId, thread.id)
      this.#events.publishRemoved(member.contractId, thread.id, thread)
      result = null
    } else if (isFirst) {
      const deletedAt = this.#now()
      await this.#comments.blankComment(comment.id, deletedAt)
      const blanked: CommentRecord = { ...comment, body: '', mentions: [], deletedAt }
      result = await this.#publish(member.contractId, { ...thread, comments: thread.comments.map((c) => (c.id === comment.id ? blanked : c)) })
    } else {
      await this.#comments.deleteComment(comment.id)
      result = await this.#publish(member.contractId, { ...thread, comments: thread.comments.filter((c) => c.id !== comment.id) })
    }
    await this.#pushUnread(member.contractId, affected)
    return result
  }

  /** The caller's inbox across their contracts: only threads they can still see. */
  async inbox(userId: string): Promise<InboxView> {
    const reader = await this.#reader(userId)
    const [entries, unread] = await Promise.all([this.#comments.listInbox(reader, INBOX_LIMIT), this.#comments.countUnread(reader)])
    const items: InboxItemView[] = entries.map((entry) => ({
      id: entry.id,
      contractId: entry.contractId,
      contractTitle: entry.contractTitle,
      threadId: entry.threadId,
      clauseId: entry.clauseId,
      commentId: entry.commentId,
      reason: entry.reason,
      authorName: entry.authorName,
      excerpt: excerptOf(entry.body),
      createdAt: entry.createdAt,
      readAt: entry.readAt,
    }))
    return { unread, items }
  }

  /** Marks inbox items read; resolves with the new unread count (also pushed to the caller's streams). */
  async markRead(userId: string, request: InboxReadRequest): Promise<{ unread: number }> {
    const reader = await this.#reader(userId)
    await this.#comments.markInboxRead(userId, 'all' in request ? 'all' : request.ids, this.#now())
    const unread = await this.#comments.countUnread(reader)
    this.#events.publishInbox(userId, unread)
    return { unread }
  }

  /**
   * Opens the caller's event stream of a contract on `response` (404 for a non-member, before
   * anything is streamed): the snapshot of visible threads, then their changes.
   */
  async openStream(contractId: string, userId: string, response: Parameters<CommentEvents['open']>[0]): Promise<void> {
    const member = await this.#member(contractId, userId)
    const [threads, unread] = await Promise.all([this.#visibleViews(member), this.#comments.countUnread({ userId, constituency: member.constituency })])
    this.#follower.snapshotSent(member.contractId, threads)
    this.#events.open(response, { contractId: member.contractId, userId, constituency: member.constituency, threads, unread })
  }

  /**
   * Hears that the contract's text changed (from the sync server): threads whose placement
   * changed are pushed again to those listening (`PlacementFollower`).
   */
  bodyChanged(contractId: string): void {
    this.#follower.bodyChanged(contractId)
  }

  /** Stops following texts (server shutdown). */
  close(): void {
    this.#follower.close()
  }

  /** The caller as a member of the contract, or the 404 of a contract they cannot see. */
  async #member(contractIdInput: string, userId: string): Promise<Member> {
    const contractId = parseContractId(contractIdInput)
    if (contractId === null) throw NOT_FOUND_CONTRACT()
    const [role, profile] = await Promise.all([this.#accounts.getRole(contractId, userId), this.#accounts.getProfile(userId)])
    if (role === null || profile === null || !can(role, 'read')) throw NOT_FOUND_CONTRACT()
    return { contractId, userId, role, constituency: profile.organisation.constituency, name: profile.name, organisationName: profile.organisation.name }
  }

  async #reader(userId: string) {
    const profile = await this.#accounts.getProfile(userId)
    if (profile === null) throw new HttpError(401, 'unauthenticated', 'Sign in to continue.')
    return { userId, constituency: profile.organisation.constituency }
  }

  #requireComment(member: Member): void {
    if (!can(member.role, 'comment')) throw new HttpError(403, 'forbidden', 'Your role in this contract lets you read comments, not write them.')
  }

  async #visibleThread(member: Member, threadId: string): Promise<StoredThread> {
    const thread = await this.#comments.getThread(member.contractId, threadId)
    if (thread === null || !isThreadVisibleTo(thread, member.constituency)) throw NOT_FOUND_THREAD()
    return thread
  }

  /** A comment of the thread the caller wrote and may still change; 404 if absent, 403 if another's. */
  #ownComment(member: Member, thread: StoredThread, commentId: string): CommentRecord {
    const comment = thread.comments.find((c) => c.id === commentId && c.deletedAt === null)
    if (comment === undefined) throw new HttpError(404, 'not_found', 'There is no such comment.')
    if (comment.authorId !== member.userId) throw new HttpError(403, 'forbidden', 'Only the author of a comment can change or delete it.')
    this.#requireComment(member)
    return comment
  }

  #newComment(member: Member, thread: ThreadRecord, body: string, createdAt: number, audience: Map<string, Constituency>): CommentRecord {
    return {
      id: newId(),
      threadId: thread.id,
      contractId: thread.contractId,
      authorId: member.userId,
      authorName: member.name,
      authorOrganisation: member.organisationName,
      body,
      mentions: recordedMentions(body, audience),
      createdAt,
      editedAt: null,
      deletedAt: null,
    }
  }

  /** The members who can see the thread now, with their constituency. */
  async #audience(thread: ThreadRecord): Promise<Map<string, Constituency>> {
    const members = await this.#accounts.listMembers(thread.contractId)
    return new Map(members.filter((m) => isThreadVisibleTo(thread, m.organisation.constituency)).map((m) => [m.id, m.organisation.constituency]))
  }

  /**
   * Inbox items for a new or edited comment: a mention for each member it newly mentions, a
   * reply for the thread's starter and earlier commenters (a thread's first comment is nobody's
   * reply), all among those who can see the thread and never its author; then their counts.
   */
  async #notify(thread: StoredThread, comment: CommentRecord, alreadyMentioned: readonly string[], audience: Map<string, Constituency>): Promise<void> {
    const reasons = new Map<string, InboxRecord['reason']>()
    for (const id of comment.mentions) if (!alreadyMentioned.includes(id)) reasons.set(id, 'mention')
    const isReply = thread.comments[0]?.id !== comment.id && comment.editedAt === null
    if (isReply) {
      for (const id of [thread.createdBy, ...thread.comments.map((c) => c.authorId)]) if (!reasons.has(id)) reasons.set(id, 'reply')
    }
    reasons.delete(comment.authorId)
    const items: InboxRecord[] = [...reasons]
      .filter(([userId]) => audience.has(userId))
      .map(([userId, reason]) => ({ id: newId(), userId, contractId: thread.contractId, threadId: thread.id, commentId: comment.id, reason, createdAt: comment.editedAt ?? comment.createdAt, readAt: null }))
    await this.#comments.addInboxItems(items)
    for (const item of items) {
      if (!this.#events.isListening(item.userId)) continue
      this.#events.publishInbox(item.userId, await this.#comments.countUnread({ userId: item.userId, constituency: audience.get(item.userId)! }))
    }
  }

  /** Pushes fresh unread counts to those of `userIds` who are listening. */
  async #pushUnread(contractId: string, userIds: Iterable<string>): Promise<void> {
    for (const userId of userIds) {
      if (!this.#events.isListening(userId)) continue
      try {
        const reader = await this.#reader(userId)
        this.#events.publishInbox(userId, await this.#comments.countUnread(reader))
      } catch (error) {
        // The change itself is stored; a missed count is corrected by the next one or a reload.
        this.#log(`Could not push the unread count of a member of ${contractId}`, error)
      }
    }
  }

  /** The thread's view against the current text, pushed to those who may see it, and returned. */
  async #publish(contractId: ContractId, thread: StoredThread): Promise<ThreadView> {
    const view = threadView(thread, await this.#placeOne(contractId, thread))
    this.#follower.threadSent(view)
    this.#events.publishThread(view)
    return view
  }

  async #visibleViews(member: Member): Promise<ThreadView[]> {
    const threads = (await this.#comments.listThreads(member.contractId)).filter((t) => isThreadVisibleTo(t, member.constituency))
    if (threads.length === 0) return []
    return this.#documents.read(member.contractId, (doc) => {
      const placement = ThreadPlacement.of(doc)
      return threads.map((thread) => threadView(thread, placement.place(thread)))
    })
  }

  #placeOne(contractId: ContractId, thread: ThreadRecord): Promise<Placement> {
    return this.#documents.read(contractId, (doc: Y.Doc) => ThreadPlacement.of(doc).place(thread))
  }
}

/** The mentioned userIds of `body` that can see the thread. */
function recordedMentions(body: string, audience: Map<string, Constituency>): string[] {
  return mentionedUserIds(body).filter((id) => audience.has(id))
}

/** Whether the contract records a suggestion with this id. */
function hasSuggestion(doc: Y.Doc, suggestionId: string): boolean {
  return getSuggestions(doc).has(suggestionId)
}

/** The start of a comment as plain text: mentions as `@Name`, at most `EXCERPT_LENGTH` characters. */
function excerptOf(body: string): string {
  const text = tokenizeComment(body)
    .map((segment) => (segment.type === 'mention' ? `@${segment.text}` : segment.text))
    .join('')
    .replace(/\s+/g, ' ')
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text
}
