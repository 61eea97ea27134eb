import { describe, expect, it } from 'vitest'
import { openStore } from '../../server/store/SqlStore.ts'
import { createTestSchema, type TestSchema } from '../helpers/postgres.ts'
import { registerStoreContractTests } from './store.contract.ts'

let schema: TestSchema | null = null

registerStoreContractTests('postgres', {
  isMultiWriter: true,
  async open() {
    schema = await createTestSchema()
    return openStore({ engine: 'postgres', connectionString: schema.connectionString, schema: schema.schema })
  },
  reopen: () => openStore({ engine: 'postgres', connectionString: schema!.connectionString, schema: schema!.schema }),
  async cleanup() {
    await schema?.drop()
    schema = null
  },
})

describe('PostgreSQL stores in schemas of their own', () => {
  it('migrates a new schema while another schema of the same database already holds a store', async () => {
    const first = await createTestSchema()
    const second = await createTestSchema()
    try {
      const one = await openStore({ engine: 'postgres', connectionString: first.connectionString, schema: first.schema })
      await one.close()
      // The migrator must look for its own tables in the new schema, not find the first one's.
      const two = await openStore({ engine: 'postgres', connectionString: second.connectionString, schema: second.schema })
      expect(await two.appendUpdates([{ docName: 'd', update: new Uint8Array([0, 0]) }])).toEqual([1])
      await two.close()
    } finally {
      await first.drop()
      await second.drop()
    }
  })
})
