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
