/**
 * The store on SQL, written once with Kysely for both SQLite and PostgreSQL: the one place
 * that holds query code.
 */
import { type Kysely, sql } from 'kysely'
import type { AppendRequest, Store, StoredDocument, StoredUpdate } from './Store.ts'
import { type OpenDatabase, type PostgresOptions, type SqliteDatabase, type Tables, openPostgres, openSqlite } from './Database.ts'
import { migrateToLatest } from './migrations.ts'
import { SqlAccountStore } from './SqlAccountStore.ts'
import { SqlCommentStore } from './SqlCommentStore.ts'

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
  readonly comments: SqlCommentStore
  readonly #db

  private constructor({ engine, db, sqlite }: OpenDatabase) {
    this.engine = engine
    this.#db = db
    this.accounts = new SqlAccountStore(db)
    this.comments = new SqlCommentStore(db)
    this.#appendOnSqlite = sqlite ? prepareSqliteAppend(db, sqlite) : null
  }

  /** Opens the database, runs the migrations, and returns the store ready for use. */
  static async open(database: OpenDatabase): Promise<SqlStore> {
    await migrateToLatest(database.db, database.engine, database.schema)
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
    // Reserve a range of seqs per document; the row locks serialise concurrent writers
    // (several instances on one PostgreSQL) so each range is theirs alone, and taking them in
    // name order keeps two writers from deadlocking.
    const reservations = [...countByDoc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, count]) => reservationRow(name, count))
    const appendOnSqlite = this.#appendOnSqlite
    if (appendOnSqlite) {
      // Holding Kysely's connection keeps its own transactions (compaction) out meanwhile.
      return this.#db.connection().execute(async () => appendOnSqlite(reservations, batch))
    }

    return this.#db.transaction().execute(async (trx) => {
      const firstSeq = new Map<string, number>()
      for (let start = 0; start < reservations.length; start += INSERT_CHUNK) {
        const rows = await reserveSeqs(trx, reservations.slice(start, start + INSERT_CHUNK)).execute()
        for (const row of rows) firstSeq.set(row.name, Number(row.last_seq) - countByDoc.get(row.name)! + 1)
      }
      const rows = updateRows(batch, firstSeq)
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        await insertUpdates(trx, rows.slice(start, start + INSERT_CHUNK)).execute()
      }
      return rows.map((row) => row.seq)
    })
  }

  /**
   * The group commit on SQLite, the hot path of the embedded store: the same statements as
   * above (compiled once by the same builders), prepared once, run in one synchronous
   * transaction. Kysely's per-query building and promise hops would cost more than the work.
   */
  readonly #appendOnSqlite: ((reservations: ReservationRow[], batch: readonly AppendRequest[]) => number[]) | null

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

type ReservationRow = Tables['documents']
type UpdateRow = Tables['document_updates']

function reservationRow(name: string, count: number): ReservationRow {
  return { name, last_seq: count, snapshot: null, snapshot_seq: 0 }
}

/** Reserves `last_seq` ranges: inserts each document, or advances its counter by the count. */
function reserveSeqs(db: Kysely<Tables>, rows: ReservationRow[]) {
  return db
    .insertInto('documents')
    .values(rows)
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_seq: sql<number>`documents.last_seq + excluded.last_seq` }))
    .returning(['name', 'last_seq'])
}

function insertUpdates(db: Kysely<Tables>, rows: UpdateRow[]) {
  return db.insertInto('document_updates').values(rows)
}

/** The log rows of a batch, numbered on from each document's first reserved seq. */
function updateRows(batch: readonly AppendRequest[], firstSeq: Map<string, number>): UpdateRow[] {
  const next = new Map(firstSeq)
  return batch.map(({ docName, update }) => {
    const seq = next.get(docName)!
    next.set(docName, seq + 1)
    return { doc_name: docName, seq, data: toBuffer(update) }
  })
}

/**
 * Compiles a one-row statement with marker values and returns it with a function that lays
 * out a row's values in the statement's parameter order.
 */
function compileOneRow<Row extends object>(build: (row: Row) => { compile(): { sql: string; parameters: readonly unknown[] } }, keys: readonly (keyof Row)[]) {
  const markers = Object.fromEntries(keys.map((key, i) => [key, `\u0000marker${i}`])) as Row
  const compiled = build(markers).compile()
  const order = compiled.parameters.map((parameter) => {
    const index = keys.findIndex((key) => markers[key] === parameter)
    if (index < 0) throw new Error(`Unexpected parameter in ${compiled.sql}`)
    return keys[index]!
  })
  return { sql: compiled.sql, parameters: (row: Row) => order.map((key) => row[key]) }
}

function prepareSqliteAppend(db: Kysely<Tables>, sqlite: SqliteDatabase) {
  const reserve = compileOneRow<ReservationRow>((row) => reserveSeqs(db, [row]), ['name', 'last_seq', 'snapshot', 'snapshot_seq'])
  const insert = compileOneRow<UpdateRow>((row) => insertUpdates(db, [row]), ['doc_name', 'seq', 'data'])
  const reserveStatement = sqlite.prepare(reserve.sql)
  const insertStatement = sqlite.prepare(insert.sql)
  return sqlite.transaction((reservations: ReservationRow[], batch: readonly AppendRequest[]): number[] => {
    const firstSeq = new Map<string, number>()
    for (const reservation of reservations) {
      const row = reserveStatement.get(...reserve.parameters(reservation)) as { last_seq: number }
      firstSeq.set(reservation.name, row.last_seq - reservation.last_seq + 1)
    }
    const rows = updateRows(batch, firstSeq)
    for (const row of rows) insertStatement.run(...insert.parameters(row))
    return rows.map((row) => row.seq)
  })
}

/** Where the store lives: PostgreSQL when a URL is given, else SQLite in `dataDir`. */
export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly dataDir: string }
  | ({ readonly engine: 'postgres' } & PostgresOptions)

/** Opens the store the configuration names, migrated and ready. */
export function openStore(location: StoreLocation): Promise<SqlStore> {
  return SqlStore.open(location.engine === 'sqlite' ? openSqlite(location.dataDir) : openPostgres(location))
}
