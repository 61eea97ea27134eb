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
}
