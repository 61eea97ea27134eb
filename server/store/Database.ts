/**
 * Opening a database for either engine as a Kysely instance. Everything above this file is
 * engine-agnostic query code (`SqlStore.ts`).
 */
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export type Engine = 'sqlite' | 'postgres'

/** The tables as Kysely sees them. */
export interface Tables {
  documents: {
    name: string
    last_seq: number
    snapshot: Uint8Array | null
    snapshot_seq: number
  }
  document_updates: {
    doc_name: string
    seq: number
    data: Uint8Array
  }
  organisations: { id: string; name: string; constituency: string }
  users: { id: string; email: string; name: string; organisation_id: string; password_hash: string | null; created_at: number }
  contracts: { id: string; title: string; description: string; created_by: string | null; created_at: number }
  memberships: { contract_id: string; user_id: string; role: string }
  sessions: { id: string; user_id: string; data: string; created_at: number; expires_at: number }
  api_tokens: { id: string; user_id: string; created_at: number; expires_at: number; revoked_at: number | null }
  invitations: {
    id: string
    contract_id: string
    user_id: string
    role: string
    invited_by: string
    created_at: number
    expires_at: number
    accepted_at: number | null
  }
  client_bindings: { contract_id: string; client_id: number; user_id: string; created_at: number }
  settings: { key: string; value: string }
  comment_threads: {
    id: string
    contract_id: string
    clause_id: string
    scope: string
    constituency: string | null
    status: string
    anchor_from: string | null
    anchor_to: string | null
    quote: string
    suggestion_id: string | null
    created_by: string
    created_at: number
    resolved_by: string | null
    resolved_at: number | null
  }
  comments: {
    id: string
    thread_id: string
    contract_id: string
    author_id: string
    author_name: string
    author_organisation: string
    body: string
    /** JSON array of userIds. */
    mentions: string
    created_at: number
    edited_at: number | null
    deleted_at: number | null
  }
  inbox_items: {
    id: string
    user_id: string
    contract_id: string
    thread_id: string
    comment_id: string
    reason: string
    created_at: number
    read_at: number | null
  }
}

export type SqliteDatabase = BetterSqlite3.Database

export interface OpenDatabase {
  readonly engine: Engine
  readonly db: Kysely<Tables>
  /** The SQLite connection itself, for the store's synchronous hot path. */
  readonly sqlite?: SqliteDatabase
  /** The PostgreSQL schema the store works in, when it is not the default. */
  readonly schema?: string
}

/**
 * Opens (creating if needed) `concordat.db` in `dataDir`, in WAL mode with `synchronous=FULL`:
 * a commit returns only after the WAL is on disk, so an acknowledged update survives `kill -9`
 * and power loss alike. The cost is one fsync per group commit, not per update.
 */
export function openSqlite(dataDir: string): OpenDatabase {
  mkdirSync(dataDir, { recursive: true })
  const database = new BetterSqlite3(join(dataDir, 'concordat.db'))
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = FULL')
  database.pragma('busy_timeout = 5000')
  database.pragma('foreign_keys = ON')
  return { engine: 'sqlite', db: new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }), sqlite: database }
}

/** Distinct SQL texts kept prepared; beyond this the cache starts afresh. */
const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query anew, which costs more than running it on the hot path (the
 * group commit). Queries come from a handful of builders, so the SQL texts repeat: keep their
 * prepared statements. better-sqlite3 runs one statement at a time, so reuse is safe.
 */
function withStatementCache(database: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql)
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear()
        statement = database.prepare(sql)
        cache.set(sql, statement)
      }
      return statement
    },
  }
}

export interface PostgresOptions {
  readonly connectionString: string
  /** A schema to work in instead of `public` (tests use one each). Must already exist. */
  readonly schema?: string
  readonly maxConnections?: number
}

// bigint columns hold epoch milliseconds and Yjs clientIDs, all far below 2^53: read them as
// numbers rather than pg's default strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/** Connects a pool to PostgreSQL. Integers and bytea come back as numbers and Buffers. */
export function openPostgres(options: PostgresOptions): OpenDatabase {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  })
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next query reconnects.
  pool.on('error', (error) => console.error('PostgreSQL pool error:', error.message))
  return { engine: 'postgres', db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), schema: options.schema }
}
