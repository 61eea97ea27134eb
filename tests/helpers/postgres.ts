/**
 * A throw-away PostgreSQL schema per test file, on the machine's PostgreSQL (DESIGN.md:
 * 127.0.0.1:5432, trust auth, database `test`). `TEST_DATABASE_URL` overrides the server.
 */
import pg from 'pg'
import { randomBytes } from 'node:crypto'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestSchema {
  readonly connectionString: string
  readonly schema: string
  drop(): Promise<void>
}

/** Creates a schema with a random name; `drop()` removes it and everything in it. */
export async function createTestSchema(prefix = 'concordat_test'): Promise<TestSchema> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`create schema ${schema}`)
  } finally {
    await client.end()
  }
  return {
    connectionString: TEST_DATABASE_URL,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await c.connect()
      try {
        await c.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await c.end()
      }
    },
  }
}
