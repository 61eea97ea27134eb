/**
 * Server (a) of the benchmark: Concordat's own server as `npm start` runs it (SQLite store,
 * write-ahead durability with `synchronous=FULL`, group commit), in a data directory the
 * benchmark gives it through `BENCH_DATA_DIR`.
 *
 * It runs with the open referee policy: the load clients are anonymous, so sign-in, the
 * membership lookup on connect and the role check per update (which roots an update touches)
 * are not in these figures.
 *
 * `BENCH_TRACE_WAL=1` (off for the figures) times each group commit (`appendUpdates`, wrapped
 * here, not changed) and reports batch sizes and commit times with its stats.
 */
import { loadConfig } from '../server/config.ts'
import { startServer } from '../server/main.ts'
import { openPolicy } from '../server/sync/hooks.ts'
import { serveBenchControl } from './serverControl.ts'

const dataDir = process.env.BENCH_DATA_DIR
if (!dataDir) throw new Error('BENCH_DATA_DIR is not set')
const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, CONCORDAT_DEMO: '0' }), { hooks: openPolicy })

const commits = { count: 0, updates: 0, wallMs: 0, maxWallMs: 0, cpuUs: 0 }
if (process.env.BENCH_TRACE_WAL === '1') {
  const store = server.store
  const appendUpdates = store.appendUpdates.bind(store)
  store.appendUpdates = async (batch) => {
    const started = performance.now()
    const cpu = process.cpuUsage()
    try {
      return await appendUpdates(batch)
    } finally {
      const wallMs = performance.now() - started
      const used = process.cpuUsage(cpu)
      commits.count++
      commits.updates += batch.length
      commits.wallMs += wallMs
      commits.maxWallMs = Math.max(commits.maxWallMs, wallMs)
      commits.cpuUs += used.user + used.system
    }
  }
}

serveBenchControl(server.port, () => server.sync.loadedRoomCount, () => (process.env.BENCH_TRACE_WAL === '1' ? { commits } : null))
