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
  }
}

/** Brings the database to the newest schema; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, engine: Engine): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => migrations(columnTypes(engine)),
  }
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : ''
    throw new Error(`Database migration failed${name}: ${String(error)}`, { cause: error })
  }
}
