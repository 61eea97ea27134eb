/**
 * The store on SQL, written once with Kysely for both SQLite and PostgreSQL: the one place
 * that holds query code.
 */
import { sql } from 'kysely'
import type { AppendRequest, Store, StoredDocument, StoredUpdate } from './Store.ts'
import { type OpenDatabase, type PostgresOptions, openPostgres, openSqlite } from './Database.ts'
import { migrateToLatest } from './migrations.ts'
import { SqlAccountStore } from './SqlAccountStore.ts'

/** Rows per INSERT statement: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 300

/** How often loading retries when a compaction moved the snapshot under its feet. */
const LOAD_ATTEMPTS = 5

/** Bytes as the driver wants them: pg needs a Buffer, better-sqlite3 takes either. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Bytes as Yjs wants them: a plain Uint8Array view, no copy. */
function toBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
}

export class SqlStore implements Store {
  readonly engine
  readonly accounts: SqlAccountStore
  readonly #db

  private constructor({ engine, db }: OpenDatabase) {
    this.engine = engine
    this.#db = db
    this.accounts = new SqlAccountStore(db)
  }

  /** Opens the database, runs the migrations, and returns the store ready for use. */
  static async open(database: OpenDatabase): Promise<SqlStore> {
    await migrateToLatest(database.db, database.engine)
    return new SqlStore(database)
  }

  async loadDocument(docName: string): Promise<StoredDocument> {
    // Two reads without a shared transaction (SQLite and PostgreSQL differ there); instead the
    // tail must continue the snapshot exactly, and a compaction in between shows as a gap.
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      const head = await this.#db
        .selectFrom('documents')
        .select(['snapshot', 'snapshot_seq', 'last_seq'])
        .where('name', '=', docName)
        .executeTakeFirst()
      if (!head) return { snapshot: null, snapshotSeq: 0, updates: [], lastSeq: 0 }
      const updates = await this.updatesSince(docName, head.snapshot_seq)
      const tailEnd = updates.at(-1)?.seq ?? head.snapshot_seq
      const isContiguous = updates.every((u, i) => u.seq === head.snapshot_seq + i + 1)
      // The tail must reach what was written before the head was read; if a compaction
      // deleted it all in between, the tail is empty yet the snapshot read is stale.
      if (isContiguous && tailEnd >= head.last_seq) {
        const lastSeq = tailEnd
        return {
          snapshot: head.snapshot ? toBytes(head.snapshot) : null,
          snapshotSeq: head.snapshot_seq,
          updates,
          lastSeq,
        }
      }
    }
    throw new Error(`Document ${docName} kept changing while loading; giving up after ${LOAD_ATTEMPTS} tries`)
  }

  async appendUpdates(batch: readonly AppendRequest[]): Promise<number[]> {
    if (batch.length === 0) return []
    const countByDoc = new Map<string, number>()
    for (const { docName } of batch) countByDoc.set(docName, (countByDoc.get(docName) ?? 0) + 1)

    return this.#db.transaction().execute(async (trx) => {
      // Reserve a range of seqs per document in one statement; the row locks serialise
      // concurrent writers (several instances on one PostgreSQL) so each range is theirs
      // alone, and taking them in name order keeps two writers from deadlocking.
      const reservations = [...countByDoc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      const nextSeq = new Map<string, number>()
      for (let start = 0; start < reservations.length; start += INSERT_CHUNK) {
        const rows = await trx
          .insertInto('documents')
          .values(reservations.slice(start, start + INSERT_CHUNK).map(([name, count]) => ({ name, last_seq: count, snapshot: null, snapshot_seq: 0 })))
          .onConflict((oc) => oc.column('name').doUpdateSet({ last_seq: sql<number>`documents.last_seq + excluded.last_seq` }))
          .returning(['name', 'last_seq'])
          .execute()
        for (const row of rows) nextSeq.set(row.name, Number(row.last_seq) - countByDoc.get(row.name)! + 1)
      }
      const seqs = batch.map(({ docName }) => {
        const seq = nextSeq.get(docName)!
        nextSeq.set(docName, seq + 1)
        return seq
      })
      for (let start = 0; start < batch.length; start += INSERT_CHUNK) {
        const rows = batch.slice(start, start + INSERT_CHUNK).map((request, i) => ({
          doc_name: request.docName,
          seq: seqs[start + i]!,
          data: toBuffer(request.update),
        }))
        await trx.insertInto('document_updates').values(rows).execute()
      }
      return seqs
    })
  }

  async updatesSince(docName: string, afterSeq: number): Promise<StoredUpdate[]> {
    const rows = await this.#db
      .selectFrom('document_updates')
      .select(['seq', 'data'])
      .where('doc_name', '=', docName)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .execute()
    return rows.map((row) => ({ seq: Number(row.seq), data: toBytes(row.data) }))
  }

  async compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('documents')
        .set({ snapshot: toBuffer(snapshot), snapshot_seq: throughSeq })
        .where('name', '=', docName)
        .where('snapshot_seq', '<', throughSeq)
        .where('last_seq', '>=', throughSeq)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) return
      await trx
        .deleteFrom('document_updates')
        .where('doc_name', '=', docName)
        .where('seq', '<=', throughSeq)
        .execute()
    })
  }

  async close(): Promise<void> {
    await this.#db.destroy()
  }
}

/** Where the store lives: PostgreSQL when a URL is given, else SQLite in `dataDir`. */
export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly dataDir: string }
  | ({ readonly engine: 'postgres' } & PostgresOptions)

/** Opens the store the configuration names, migrated and ready. */
export function openStore(location: StoreLocation): Promise<SqlStore> {
  return SqlStore.open(location.engine === 'sqlite' ? openSqlite(location.dataDir) : openPostgres(location))
}
