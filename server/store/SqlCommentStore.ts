/**
 * Comment threads, comments and inbox items on SQL (both engines, one set of queries). What a
 * reader may see of the inbox is decided here, in the query, so that an item of a thread they
 * can no longer see is neither listed nor counted.
 */
import { type Kysely, type Transaction } from 'kysely'
import { type Constituency, isConstituency } from '../../shared/domain/roles.ts'
import type { InboxReason, ThreadScope, ThreadStatus } from '../../shared/protocol/comments.ts'
import type { Tables } from './Database.ts'
import type { CommentRecord, CommentStore, InboxEntry, InboxReader, InboxRecord, StoredThread, ThreadRecord } from './Store.ts'

/** Rows per INSERT statement: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 100

type ThreadRow = Tables['comment_threads']
type CommentRow = Tables['comments']

function asScope(value: string): ThreadScope {
  if (value !== 'everyone' && value !== 'constituency') throw new Error(`Stored thread scope "${value}" is not a scope`)
  return value
}

function asStatus(value: string): ThreadStatus {
  if (value !== 'open' && value !== 'resolved') throw new Error(`Stored thread status "${value}" is not a status`)
  return value
}

function asReason(value: string): InboxReason {
  if (value !== 'mention' && value !== 'reply') throw new Error(`Stored inbox reason "${value}" is not a reason`)
  return value
}

function asConstituencyOrNull(value: string | null): Constituency | null {
  if (value === null) return null
  if (!isConstituency(value)) throw new Error(`Stored constituency "${value}" is not a constituency`)
  return value
}

function asMentions(value: string): string[] {
  const parsed: unknown = JSON.parse(value)
  if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string')) throw new Error(`Stored mentions ${value} are not a list of ids`)
  return parsed
}

const optionalNumber = (value: number | null): number | null => (value === null ? null : Number(value))

function toThread(row: ThreadRow): ThreadRecord {
  return {
    id: row.id,
    contractId: row.contract_id,
    clauseId: row.clause_id,
    scope: asScope(row.scope),
    constituency: asConstituencyOrNull(row.constituency),
    status: asStatus(row.status),
    anchorFrom: row.anchor_from,
    anchorTo: row.anchor_to,
    quote: row.quote,
    suggestionId: row.suggestion_id,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    resolvedBy: row.resolved_by,
    resolvedAt: optionalNumber(row.resolved_at),
  }
}

function toComment(row: CommentRow): CommentRecord {
  return {
    id: row.id,
    threadId: row.thread_id,
    contractId: row.contract_id,
    authorId: row.author_id,
    authorName: row.author_name,
    authorOrganisation: row.author_organisation,
    body: row.body,
    mentions: asMentions(row.mentions),
    createdAt: Number(row.created_at),
    editedAt: optionalNumber(row.edited_at),
    deletedAt: optionalNumber(row.deleted_at),
  }
}

function threadRow(thread: ThreadRecord): ThreadRow {
  return {
    id: thread.id,
    contract_id: thread.contractId,
    clause_id: thread.clauseId,
    scope: thread.scope,
    constituency: thread.constituency,
    status: thread.status,
    anchor_from: thread.anchorFrom,
    anchor_to: thread.anchorTo,
    quote: thread.quote,
    suggestion_id: thread.suggestionId,
    created_by: thread.createdBy,
    created_at: thread.createdAt,
    resolved_by: thread.resolvedBy,
    resolved_at: thread.resolvedAt,
  }
}

function commentRow(comment: CommentRecord): CommentRow {
  return {
    id: comment.id,
    thread_id: comment.threadId,
    contract_id: comment.contractId,
    author_id: comment.authorId,
    author_name: comment.authorName,
    author_organisation: comment.authorOrganisation,
    body: comment.body,
    mentions: JSON.stringify(comment.mentions),
    created_at: comment.createdAt,
    edited_at: comment.editedAt,
    deleted_at: comment.deletedAt,
  }
}

/** Threads with their comments, in the order of `threads`; comments in order of writing. */
function withComments(threads: ThreadRow[], comments: CommentRow[]): StoredThread[] {
  const byThread = new Map<string, CommentRecord[]>()
  for (const row of comments) {
    const list = byThread.get(row.thread_id) ?? []
    list.push(toComment(row))
    byThread.set(row.thread_id, list)
  }
  return threads.map((row) => ({ ...toThread(row), comments: byThread.get(row.id) ?? [] }))
}

export class SqlCommentStore implements CommentStore {
  readonly #db: Kysely<Tables>

  constructor(db: Kysely<Tables>) {
    this.#db = db
  }

  async createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('comment_threads').values(threadRow(thread)).execute()
      await trx.insertInto('comments').values(commentRow(first)).execute()
    })
  }

  async getThread(contractId: string, threadId: string): Promise<StoredThread | null> {
    const thread = await this.#db.selectFrom('comment_threads').selectAll().where('id', '=', threadId).where('contract_id', '=', contractId).executeTakeFirst()
    if (!thread) return null
    // Same-millisecond comments keep their order by id: the service makes creation times strictly increase within a thread.
    const comments = await this.#db.selectFrom('comments').selectAll().where('thread_id', '=', threadId).orderBy('created_at').orderBy('id').execute()
    return withComments([thread], comments)[0]!
  }

  async listThreads(contractId: string): Promise<StoredThread[]> {
    const threads = await this.#db.selectFrom('comment_threads').selectAll().where('contract_id', '=', contractId).orderBy('created_at').orderBy('id').execute()
    const comments = await this.#db.selectFrom('comments').selectAll().where('contract_id', '=', contractId).orderBy('created_at').orderBy('id').execute()
    return withComments(threads, comments)
  }

  async addComment(comment: CommentRecord): Promise<void> {
    await this.#db.insertInto('comments').values(commentRow(comment)).execute()
  }

  async editComment(commentId: string, change: { readonly body: string; readonly mentions: readonly string[]; readonly editedAt: number }): Promise<void> {
    await this.#db
      .updateTable('comments')
      .set({ body: change.body, mentions: JSON.stringify(change.mentions), edited_at: change.editedAt })
      .where('id', '=', commentId)
      .execute()
  }

  async deleteComment(commentId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('inbox_items').where('comment_id', '=', commentId).execute()
      await trx.deleteFrom('comments').where('id', '=', commentId).execute()
    })
  }

  async blankComment(commentId: string, deletedAt: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('inbox_items').where('comment_id', '=', commentId).execute()
      await trx.updateTable('comments').set({ body: '', mentions: '[]', deleted_at: deletedAt }).where('id', '=', commentId).execute()
    })
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('inbox_items').where('thread_id', '=', threadId).execute()
      await trx.deleteFrom('comments').where('thread_id', '=', threadId).execute()
      await trx.deleteFrom('comment_threads').where('id', '=', threadId).execute()
    })
  }

  async setThreadStatus(threadId: string, status: ThreadStatus, by: string | null, at: number | null): Promise<void> {
    await this.#db.updateTable('comment_threads').set({ status, resolved_by: by, resolved_at: at }).where('id', '=', threadId).execute()
  }

  async addInboxItems(items: readonly InboxRecord[]): Promise<void> {
    if (items.length === 0) return
    const rows = items.map((item) => ({
      id: item.id,
      user_id: item.userId,
      contract_id: item.contractId,
      thread_id: item.threadId,
      comment_id: item.commentId,
      reason: item.reason,
      created_at: item.createdAt,
      read_at: item.readAt,
    }))
    await this.#db.transaction().execute(async (trx) => {
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) await trx.insertInto('inbox_items').values(rows.slice(start, start + INSERT_CHUNK)).execute()
    })
  }

  async listInbox(reader: InboxReader, limit: number): Promise<InboxEntry[]> {
    const rows = await visibleInbox(this.#db, reader)
      .innerJoin('contracts', 'contracts.id', 'inbox_items.contract_id')
      .innerJoin('comments', 'comments.id', 'inbox_items.comment_id')
      .select([
        'inbox_items.id',
        'inbox_items.user_id',
        'inbox_items.contract_id',
        'inbox_items.thread_id',
        'inbox_items.comment_id',
        'inbox_items.reason',
        'inbox_items.created_at',
        'inbox_items.read_at',
        'contracts.title as contract_title',
        'comment_threads.clause_id',
        'comments.author_name',
        'comments.body',
      ])
      .orderBy('inbox_items.created_at', 'desc')
      .orderBy('inbox_items.id', 'desc')
      .limit(limit)
      .execute()
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      contractId: row.contract_id,
      threadId: row.thread_id,
      commentId: row.comment_id,
      reason: asReason(row.reason),
      createdAt: Number(row.created_at),
      readAt: optionalNumber(row.read_at),
      contractTitle: row.contract_title,
      clauseId: row.clause_id,
      authorName: row.author_name,
      body: row.body,
    }))
  }

  async countUnread(reader: InboxReader): Promise<number> {
    const row = await visibleInbox(this.#db, reader)
      .where('inbox_items.read_at', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('unread'))
      .executeTakeFirstOrThrow()
    return Number(row.unread)
  }

  async markInboxRead(userId: string, ids: readonly string[] | 'all', at: number): Promise<number> {
    if (ids !== 'all' && ids.length === 0) return 0
    let query = this.#db.updateTable('inbox_items').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null)
    if (ids !== 'all') query = query.where('id', 'in', [...ids])
    const result = await query.executeTakeFirst()
    return Number(result.numUpdatedRows)
  }
}

/**
 * The reader's inbox items they may still see: of contracts they are a member of, and of
 * threads open to everyone or to their constituency.
 */
function visibleInbox(db: Kysely<Tables> | Transaction<Tables>, reader: InboxReader) {
  return db
    .selectFrom('inbox_items')
    .innerJoin('memberships', (join) => join.onRef('memberships.contract_id', '=', 'inbox_items.contract_id').onRef('memberships.user_id', '=', 'inbox_items.user_id'))
    .innerJoin('comment_threads', 'comment_threads.id', 'inbox_items.thread_id')
    .where('inbox_items.user_id', '=', reader.userId)
    .where((eb) => eb.or([eb('comment_threads.scope', '=', 'everyone'), eb('comment_threads.constituency', '=', reader.constituency)]))
}
