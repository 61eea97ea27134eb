/**
 * The server of the browser scenario: Concordat as `npm start` runs it (SQLite store, built
 * client), with the real member policy — sign-in required, the membership looked up on connect,
 * every update checked against the person's role — and the demo seeded with the password the
 * benchmark passes in `BENCH_DEMO_PASSWORD`.
 *
 * Before it listens for the benchmark it adds the 300-clause contract of `contractDocument.ts`
 * as contract `BENCH_CONTRACT_ID`, owned by the demo account `BENCH_CONTRACT_OWNER`, through the store's own API: the
 * contract and its membership, the authors' clientIDs bound to the chair (as the demo seed binds
 * its draft's author), and the document as one stored update, as if a client had sent it.
 */
import { loadConfig } from '../server/config.ts'
import { startServer } from '../server/main.ts'
import type { RunningServer } from '../server/main.ts'
import { CONTRACT_AUTHORS, encodeContractDocument } from './contractDocument.ts'
import { serveBenchControl } from './serverControl.ts'

/** Adds the contract and returns the size of its document as stored, in bytes. */
async function addLargeContract(server: RunningServer, contractId: string, ownerEmail: string): Promise<number> {
  const { accounts } = server.store
  const owner = await accounts.findUserByEmail(ownerEmail)
  if (!owner) throw new Error(`the demo seed created no ${ownerEmail}`)
  const now = Date.now()
  await accounts.createContract({ id: contractId, title: 'Framework Agreement for Residential Care Placements (300 clauses)', createdBy: owner.id, createdAt: now })
  await accounts.setRole(contractId, owner.id, 'owner')
  for (const clientId of CONTRACT_AUTHORS) await accounts.bindClient(contractId, clientId, owner.id, now)
  const update = encodeContractDocument()
  await server.store.appendUpdates([{ docName: contractId, update }])
  return update.byteLength
}

const dataDir = process.env.BENCH_DATA_DIR
const password = process.env.BENCH_DEMO_PASSWORD
const contractId = process.env.BENCH_CONTRACT_ID
const ownerEmail = process.env.BENCH_CONTRACT_OWNER
if (!dataDir || !password || !contractId || !ownerEmail) throw new Error('BENCH_DATA_DIR, BENCH_DEMO_PASSWORD, BENCH_CONTRACT_ID and BENCH_CONTRACT_OWNER must be set')

const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, CONCORDAT_DEMO_PASSWORD: password }), { announce: () => {} })
const contractBytes = await addLargeContract(server, contractId, ownerEmail)
serveBenchControl(server.port, () => server.sync.loadedRoomCount, () => ({ contractBytes }))
