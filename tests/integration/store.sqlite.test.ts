import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../../server/store/SqlStore.ts'
import { registerStoreContractTests } from './store.contract.ts'

let dataDir = ''

registerStoreContractTests('sqlite', {
  isMultiWriter: false,
  async open() {
    dataDir = mkdtempSync(join(tmpdir(), 'concordat-store-'))
    return openStore({ engine: 'sqlite', dataDir })
  },
  reopen: () => openStore({ engine: 'sqlite', dataDir }),
  async cleanup() {
    rmSync(dataDir, { recursive: true, force: true })
  },
})
