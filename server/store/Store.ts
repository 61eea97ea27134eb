import type { Constituency, Role } from '../../shared/domain/roles.ts'
import type { InboxReason, ThreadScope, ThreadStatus } from '../../shared/protocol/comments.ts'

/**
 * The store contract: everything the server keeps on disk goes through this interface, and
 * every engine (SQLite embedded, PostgreSQL for scale-out) passes the same contract test suite
 * (`tests/integration/store.contract.ts`).
 *
 * A document is kept as a snapshot (a full Yjs state) plus a log of updates appended after it,
 * each with a per-document sequence number that starts at 1 and has no gaps. Compaction folds a
 * prefix of the log into the snapshot; loading reads the snapshot and the tail.
 */

/** One stored update of a document's log. */
export interface StoredUpdate {
  /** Position in the document's log: 1, 2, 3 … without gaps. */
  readonly seq: number
  /** A Yjs update (v1 encoding) exactly as the referee accepted it. */
  readonly data: Uint8Array
}

/** What loading a document returns: apply `snapshot` (if any), then `updates` in order. */
export interface StoredDocument {
  /** Merged state of every update with `seq <= snapshotSeq`, or null if never compacted. */
  readonly snapshot: Uint8Array | null
  readonly snapshotSeq: number
  /** Every update with `seq > snapshotSeq`, in order. */
  readonly updates: readonly StoredUpdate[]
  /** The highest seq assigned so far (0 for a document never written). */
  readonly lastSeq: number
}

/** One update to append to a document's log. */
export interface AppendRequest {
  readonly docName: string
  readonly update: Uint8Array
}

export interface DocumentStore {
  /**
   * Reads a document's snapshot and log tail as one consistent picture, even while another
   * process compacts it. A document never written loads as empty with `lastSeq` 0.
   */
  loadDocument(docName: string): Promise<StoredDocument>

  /**
   * Appends updates, possibly to several documents, in one transaction, and resolves with the
   * seq given to each (same order as `batch`) once the transaction is durable. Updates of one
   * document receive consecutive seqs in batch order. All or nothing: on rejection none is kept.
   */
  appendUpdates(batch: readonly AppendRequest[]): Promise<number[]>

  /** The updates of a document with `seq > afterSeq`, in order (a gap-filler for replicas). */
  updatesSince(docName: string, afterSeq: number): Promise<StoredUpdate[]>

  /**
   * Replaces the snapshot with `snapshot`, which must contain every update with
   * `seq <= throughSeq`, and deletes those updates from the log. A compaction older than the
   * stored snapshot is ignored, so racing compactions cannot move the snapshot backwards.
   */
  compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void>

  /** Closes connections and files. Calls after close reject. */
  close(): Promise<void>
}

/** The store the server is built on; it grows with each capability (accounts, comments …). */
export type Store = DocumentStore & {
  /** Which engine is underneath, for logs and tests. */
  readonly engine: 'sqlite' | 'postgres'
  readonly accounts: AccountStore
  readonly comments: CommentStore
}

// ---------------------------------------------------------------------------------------------
// Accounts: organisations, users, contracts, memberships, sessions, tokens, invitations and the
// binding of Yjs clientIDs to users. Times are epoch milliseconds.


export interface OrganisationRecord {
  readonly id: string
  readonly name: string
  readonly constituency: Constituency
}

export interface UserRecord {
  readonly id: string
  /** Lower-cased; unique. */
  readonly email: string
  readonly name: string
  readonly organisationId: string
  /** Argon2id PHC string; null until the user has set a password (e.g. from an invitation). */
  readonly passwordHash: string | null
  readonly createdAt: number
}

/** A user with their organisation, as shown to others. */
export interface UserProfile {
  readonly id: string
  readonly email: string
  readonly name: string
  readonly organisation: OrganisationRecord
}

export interface ContractSummary {
  readonly id: string
  readonly title: string
  /** What the contract is for, in a sentence or two; '' when none was given. */
  readonly description: string
  readonly role: Role
}

/** A contract as created: its row in the contract list. */
export interface NewContractRecord {
  readonly id: string
  readonly title: string
  /** Default ''. */
  readonly description?: string
  readonly createdBy: string | null
  readonly createdAt: number
  /** A user made the contract's owner in the same transaction, so it is never left without one. */
  readonly owner?: string
}

export interface MemberRecord extends UserProfile {
  readonly role: Role
}

export interface SessionRecord {
  /** The hash of the session id (the cookie holds the id itself). */
  readonly id: string
  readonly userId: string
  /** Session data as JSON text (express-session's object). */
  readonly data: string
  readonly createdAt: number
  readonly expiresAt: number
}

export interface TokenRecord {
  /** The hash of the token. */
  readonly id: string
  readonly userId: string
  readonly createdAt: number
  readonly expiresAt: number
  readonly revokedAt: number | null
}

export interface InvitationRecord {
  /** The hash of the invitation secret. */
  readonly id: string
  readonly contractId: string
  readonly userId: string
  readonly role: Role
  readonly invitedBy: string
  readonly createdAt: number
  readonly expiresAt: number
  readonly acceptedAt: number | null
}

export interface AccountStore {
  createOrganisation(organisation: OrganisationRecord): Promise<void>
  listOrganisations(): Promise<OrganisationRecord[]>
  /** Creates a user; rejects if the email is taken. */
  createUser(user: UserRecord): Promise<void>
  findUserByEmail(email: string): Promise<UserRecord | null>
  findUserById(id: string): Promise<UserRecord | null>
  getProfile(userId: string): Promise<UserProfile | null>
  setPasswordHash(userId: string, passwordHash: string): Promise<void>

  /** Creates a contract (and its owner's membership, when `owner` is given); rejects if the id is taken. */
  createContract(contract: NewContractRecord): Promise<void>
  /** Whether a contract with this id exists. */
  hasContract(contractId: string): Promise<boolean>
  /**
   * Sets the title and/or description shown in the contract list (the document's `meta` is
   * where people edit them; the list follows it). A missing contract is not an error.
   */
  setContractDetails(contractId: string, details: { readonly title?: string; readonly description?: string }): Promise<void>
  /** Every contract, for the operator's admin command. */
  listAllContracts(): Promise<Array<{ id: string; title: string; memberCount: number }>>
  /** The contracts a user belongs to, with their role in each, ordered by title. */
  listContractsFor(userId: string): Promise<ContractSummary[]>
  getRole(contractId: string, userId: string): Promise<Role | null>
  /** Adds the member or changes their role. */
  setRole(contractId: string, userId: string, role: Role): Promise<void>
  removeMember(contractId: string, userId: string): Promise<void>
  listMembers(contractId: string): Promise<MemberRecord[]>

  getSession(id: string): Promise<SessionRecord | null>
  /** Creates or replaces a session. */
  saveSession(session: SessionRecord): Promise<void>
  deleteSession(id: string): Promise<void>
  deleteSessionsOf(userId: string): Promise<void>

  createToken(token: TokenRecord): Promise<void>
  findToken(id: string): Promise<TokenRecord | null>
  revokeToken(id: string, at: number): Promise<void>

  createInvitation(invitation: InvitationRecord): Promise<void>
  findInvitation(id: string): Promise<InvitationRecord | null>
  /** Marks an invitation used; false if it was already used (one-time links). */
  acceptInvitation(id: string, at: number): Promise<boolean>

  /**
   * Binds a Yjs clientID of a contract to a user, unless it is already bound. Resolves with the
   * user it is bound to afterwards (the given one, or the earlier owner).
   */
  bindClient(contractId: string, clientId: number, userId: string, at: number): Promise<string>
  /** Every binding of a contract: clientID → userId. */
  listClientBindings(contractId: string): Promise<Map<number, string>>

  /**
   * The setting's value; if it has none yet, stores `initial()` and returns it. Concurrent
   * first calls from several instances all get the one value that was stored.
   */
  getOrCreateSetting(key: string, initial: () => string): Promise<string>
}

// ---------------------------------------------------------------------------------------------
// Comments: threads, their comments and the inbox items they cause. They are kept apart from
// the contract's document (DESIGN.md, "Comments are not written into the body"). Times are
// epoch milliseconds.

/** A thread as stored, without its comments. */
export interface ThreadRecord {
  readonly id: string
  readonly contractId: string
  readonly clauseId: string
  readonly scope: ThreadScope
  /** Whose thread it is when `scope` is `constituency`; null for `everyone`. */
  readonly constituency: Constituency | null
  readonly status: ThreadStatus
  /** Base64 `Y.RelativePosition`s into `body`, or both null for a whole-clause thread. */
  readonly anchorFrom: string | null
  readonly anchorTo: string | null
  readonly quote: string
  readonly suggestionId: string | null
  readonly createdBy: string
  readonly createdAt: number
  readonly resolvedBy: string | null
  readonly resolvedAt: number | null
}

/** A comment as stored. The author's name and organisation are kept as they were when written. */
export interface CommentRecord {
  readonly id: string
  readonly threadId: string
  readonly contractId: string
  readonly authorId: string
  readonly authorName: string
  readonly authorOrganisation: string
  readonly body: string
  readonly mentions: readonly string[]
  readonly createdAt: number
  readonly editedAt: number | null
  /** Set when the author deleted it but it had to stay as the thread's first (its body is then ''). */
  readonly deletedAt: number | null
}

/** A thread with its comments in order of writing. */
export interface StoredThread extends ThreadRecord {
  readonly comments: readonly CommentRecord[]
}

export interface InboxRecord {
  readonly id: string
  readonly userId: string
  readonly contractId: string
  readonly threadId: string
  readonly commentId: string
  readonly reason: InboxReason
  readonly createdAt: number
  readonly readAt: number | null
}

/** An inbox item with what the inbox shows of its contract, thread and comment. */
export interface InboxEntry extends InboxRecord {
  readonly contractTitle: string
  readonly clauseId: string
  readonly authorName: string
  readonly body: string
}

/**
 * Who is reading an inbox: the user and their organisation's constituency. Only items of
 * threads they can still see are listed or counted: in a contract they are a member of, and
 * of scope `everyone` or of their constituency.
 */
export interface InboxReader {
  readonly userId: string
  readonly constituency: Constituency
}

export interface CommentStore {
  /** Stores a new thread with its first comment, both or neither. */
  createThread(thread: ThreadRecord, first: CommentRecord): Promise<void>
  /** A thread of the contract with its comments (deleted tombstones included), or null. */
  getThread(contractId: string, threadId: string): Promise<StoredThread | null>
  /** Every thread of a contract with its comments, oldest thread first. */
  listThreads(contractId: string): Promise<StoredThread[]>
  /** Appends a comment to its thread. */
  addComment(comment: CommentRecord): Promise<void>
  /** Replaces a comment's body and mentions, marking it edited at `editedAt`. */
  editComment(commentId: string, change: { readonly body: string; readonly mentions: readonly string[]; readonly editedAt: number }): Promise<void>
  /** Removes a comment and the inbox items it caused. */
  deleteComment(commentId: string): Promise<void>
  /**
   * Keeps a comment as a tombstone (body '' and no mentions, `deletedAt` set) and removes the
   * inbox items it caused: for a thread's first comment, which the thread keeps.
   */
  blankComment(commentId: string, deletedAt: number): Promise<void>
  /** Removes a thread, its comments and their inbox items. */
  deleteThread(threadId: string): Promise<void>
  /** Sets a thread's status; `by`/`at` are recorded when resolving and cleared when reopening. */
  setThreadStatus(threadId: string, status: ThreadStatus, by: string | null, at: number | null): Promise<void>

  /** Stores inbox items (any number, in one transaction). */
  addInboxItems(items: readonly InboxRecord[]): Promise<void>
  /** The reader's inbox items they can still see, newest first, at most `limit`. */
  listInbox(reader: InboxReader, limit: number): Promise<InboxEntry[]>
  /** How many of the reader's visible items are unread. */
  countUnread(reader: InboxReader): Promise<number>
  /** Marks the user's items read (the given ids, or all when `ids` is 'all'); returns how many changed. */
  markInboxRead(userId: string, ids: readonly string[] | 'all', at: number): Promise<number>
}
