/**
 * Server (a) of the benchmark: Concordat's own server as `npm start` runs it (SQLite store,
 * write-ahead durability with `synchronous=FULL`, group commit), in a data directory the
 * benchmark gives it through `BENCH_DATA_DIR`.
 *
 * It runs with the open referee policy unless `BENCH_POLICY` names another: the load clients
 * are anonymous, so sign-in, the membership lookup on connect and the role check per update
 * (which roots an update touches) are not in these figures. `BENCH_POLICY=editor` or
 * `suggester` (the suggesting scenario) makes every client one fixed member with that role,
 * each update judged by the member policy's own validator (`fixedRolePolicy.ts`). Whenever
 * `BENCH_POLICY` is set (`open` included), the CPU time of each call of the policy's validate
 * hook is added up and reported with the stats (`validation`); without it nothing is wrapped.
 *
 * `BENCH_SEED_ROOM` and `BENCH_SEED_FILE` store a document (the file's bytes, one Yjs update)
 * as that room's state before the server says it is ready, as if a client had sent it earlier:
 * a suggester could not send a whole contract, and the room then loads it like any stored one.
 *
 * `BENCH_TRACE_WAL=1` (off for the figures) times each group commit (`appendUpdates`, wrapped
 * here, not changed) and reports batch sizes and commit times with its stats.
 */
import { readFileSync } from 'node:fs'
import { loadConfig } from '../server/config.ts'
import { startServer } from '../server/main.ts'
import { type RefereeHooks, openPolicy } from '../server/sync/hooks.ts'
import { fixedRolePolicy } from './fixedRolePolicy.ts'
import type { ConcordatPolicy } from './ServerUnderTest.ts'
import { serveBenchControl } from './serverControl.ts'

function policyFrom(name: string | undefined): RefereeHooks {
  switch ((name ?? 'open') as ConcordatPolicy) {
    case 'open':
      return openPolicy
    case 'editor':
      return fixedRolePolicy('editor')
    case 'suggester':
      return fixedRolePolicy('suggester')
    default:
      throw new Error(`BENCH_POLICY must be open, editor or suggester, not "${name}"`)
  }
}

/** Calls of the validate hook and the process CPU (µs, user + system) spent inside them. */
const validation = { calls: 0, cpuUs: 0 }

/**
 * `hooks` with its validate step timed into `validation`. The two `cpuUsage` calls cost a few µs
 * per update themselves: the open policy's row, which validates nothing, shows how many.
 */
function timingValidation(hooks: RefereeHooks): RefereeHooks {
  return {
    ...hooks,
    validate(context) {
      const started = process.cpuUsage()
      try {
        hooks.validate(context)
      } finally {
        const used = process.cpuUsage(started)
        validation.calls++
        validation.cpuUs += used.user + used.system
      }
    },
  }
}

const dataDir = process.env.BENCH_DATA_DIR
if (!dataDir) throw new Error('BENCH_DATA_DIR is not set')
const isTimingValidation = process.env.BENCH_POLICY !== undefined
const policy = policyFrom(process.env.BENCH_POLICY)
const hooks = isTimingValidation ? timingValidation(policy) : policy
const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, CONCORDAT_DEMO: '0' }), { hooks })

const seedRoom = process.env.BENCH_SEED_ROOM
const seedFile = process.env.BENCH_SEED_FILE
if (seedRoom && seedFile) await server.store.appendUpdates([{ docName: seedRoom, update: new Uint8Array(readFileSync(seedFile)) }])

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

const isTracingWal = process.env.BENCH_TRACE_WAL === '1'
serveBenchControl(server.port, () => server.sync.loadedRoomCount, () =>
  isTracingWal || isTimingValidation ? { ...(isTracingWal ? { commits } : {}), ...(isTimingValidation ? { validation } : {}) } : null)
