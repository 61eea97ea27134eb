/**
 * Numbered schema migrations, the same list for both engines, run on every start through
 * Kysely's Migrator (which locks, so two instances starting together do not race).
 *
 * Only column types differ between the engines; `types` gives the one word that does.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import type { Engine } from './Database.ts'

interface ColumnTypes {
  readonly bytes: 'blob' | 'bytea'
  readonly timestamp: 'text' | 'timestamptz'
}

function columnTypes(engine: Engine): ColumnTypes {
  return engine === 'postgres'
    ? { bytes: 'bytea', timestamp: 'timestamptz' }
    : { bytes: 'blob', timestamp: 'text' }
}

/** The migrations in order. Never edit one that has shipped: add the next number instead. */
function migrations(types: ColumnTypes): Record<string, Migration> {
  return {
    '0001_document_log': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('documents')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('snapshot', types.bytes)
          .addColumn('snapshot_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        await db.schema
          .createTable('document_updates')
          .addColumn('doc_name', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('data', types.bytes, (c) => c.notNull())
          .addPrimaryKeyConstraint('document_updates_pk', ['doc_name', 'seq'])
          .execute()
      },
    },
    '0002_accounts': {
      async up(db: Kysely<any>) {
        // Times are epoch milliseconds in a bigint on both engines.
        await db.schema
          .createTable('organisations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('constituency', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
          .addColumn('password_hash', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('contracts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.references('users.id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('memberships')
          .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('memberships_pk', ['contract_id', 'user_id'])
          .execute()
        await db.schema.createIndex('memberships_by_user').on('memberships').column('user_id').execute()
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute()
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked_at', 'bigint')
          .execute()
        await db.schema
          .createTable('invitations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('invited_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('accepted_at', 'bigint')
          .execute()
        await db.schema
          .createTable('client_bindings')
          .addColumn('contract_id', 'text', (c) => c.notNull())
          .addColumn('client_id', 'bigint', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('client_bindings_pk', ['contract_id', 'client_id'])
          .execute()
        // Server-wide secrets generated on first start (e.g. the session signing key), so every
        // instance on one database signs alike without an extra variable to set.
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute()
      },
    },
    '0003_contract_description': {
      async up(db: Kysely<any>) {
        // The contract list shows each contract's description beside its title.
        await db.schema.alterTable('contracts').addColumn('description', 'text', (c) => c.notNull().defaultTo('')).execute()
      },
    },
    '0004_comments': {
      async up(db: Kysely<any>) {
        // Comment threads live beside the document, never in it. Authors are referenced but
        // their name and organisation are copied into each comment as written, so a removed
        // member's comments read as they did.
        await db.schema
          .createTable('comment_threads')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
          .addColumn('clause_id', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('constituency', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('anchor_from', 'text')
          .addColumn('anchor_to', 'text')
          .addColumn('quote', 'text', (c) => c.notNull())
          .addColumn('suggestion_id', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('resolved_by', 'text', (c) => c.references('users.id'))
          .addColumn('resolved_at', 'bigint')
          .execute()
        await db.schema.createIndex('comment_threads_by_contract').on('comment_threads').column('contract_id').execute()
        await db.schema
          .createTable('comments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('thread_id', 'text', (c) => c.notNull().references('comment_threads.id'))
          .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
          .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('author_name', 'text', (c) => c.notNull())
          .addColumn('author_organisation', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('mentions', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('edited_at', 'bigint')
          .addColumn('deleted_at', 'bigint')
          .execute()
        await db.schema.createIndex('comments_by_contract').on('comments').columns(['contract_id', 'thread_id']).execute()
        await db.schema.createIndex('comments_by_thread').on('comments').column('thread_id').execute()
        await db.schema
          .createTable('inbox_items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
          .addColumn('thread_id', 'text', (c) => c.notNull().references('comment_threads.id'))
          .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id'))
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('read_at', 'bigint')
          .execute()
        await db.schema.createIndex('inbox_items_by_user').on('inbox_items').columns(['user_id', 'created_at']).execute()
        await db.schema.createIndex('inbox_items_by_comment').on('inbox_items').column('comment_id').execute()
      },
    },
  }
}

/**
 * Brings the database to the newest schema; throws with the failing migration's name. `schema`
 * names the PostgreSQL schema the store works in, when not the default: the migrator looks for
 * its own tables there, not by name in any schema (where another store's would mislead it).
 */
export async function migrateToLatest(db: Kysely<any>, engine: Engine, schema?: string): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => migrations(columnTypes(engine)),
  }
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : ''
    throw new Error(`Database migration failed${name}: ${String(error)}`, { cause: error })
  }
}
