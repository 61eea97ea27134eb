/**
 * `npm run bench`: Concordat's sync server against the reference `@y/websocket-server` and a
 * bare `ws` relay, side by side in one run on one machine, under the same load; Concordat
 * alone under three referee policies, writers suggesting into a 300-clause contract (the cost
 * of judging a suggester's update); and Concordat alone in headless Chromium, opening that
 * contract and typing into it.
 *
 * Each server runs as a child process of its own, started afresh for every scenario; the load
 * comes from separate worker processes speaking the y-websocket protocol with real Y.Docs.
 * Server CPU is the server process's own `process.cpuUsage()` (all its threads), read over IPC
 * before and after each measured window. Prints a table per scenario, the ratios and whether
 * Concordat's targets are met, and writes everything to bench/results/latest.json.
 *
 * `npm run bench -- --quick` is a smoke run of about a minute; see settings.ts for the
 * environment variables (BENCH_SECONDS, BENCH_SERVERS, BENCH_SCENARIOS, BENCH_CPU_PROF …).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { killAllChildren, killChildrenOnExit } from './ForkedChild.ts'
import { LoadWorkerPool } from './LoadWorkerPool.ts'
import { type BrowserResult, browserUnavailable, runBrowser } from './browserScenario.ts'
import { type ByPolicy, type ByServer, POLICY_LABELS, judgeTargets, printBrowser, printBrowserSkipped, printColdJoin, printFanOut, printManyRooms, printSuggesting, printSuggestingSkipped, printTargets } from './report.ts'
import { type ColdJoinResult, type FanOutResult, type ManyRoomsResult, type SuggestingResult, SUGGESTING_ROOM, runColdJoin, runFanOut, runManyRooms, runSuggesting, writeSeedContract } from './scenarios.ts'
import { type ConcordatPolicy, type ServerKind, ServerUnderTest, SERVER_LABELS } from './ServerUnderTest.ts'
import { loadBenchSettings } from './settings.ts'

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))

killChildrenOnExit()
const settings = loadBenchSettings(process.argv.slice(2), process.env)
const startedAt = new Date()
const scratch = mkdtempSync(join(tmpdir(), 'concordat-bench-'))
const profileDir = settings.isProfiling ? join(RESULTS_DIR, 'profiles') : undefined
if (profileDir) mkdirSync(profileDir, { recursive: true })

const errors: Array<{ scenario: string; server: ServerKind; error: string }> = []
const fanOut: Record<number, ByServer<FanOutResult>> = {}
let manyRooms: ByServer<ManyRoomsResult> | null = null
let coldJoin: ByServer<ColdJoinResult> | null = null
/** The suggesting scenario's figures by policy, or why it did not run. */
let suggesting: ByPolicy<SuggestingResult> | { readonly skipped: string } | null = null
/** The browser scenario's figures, or why it did not run. */
let browser: BrowserResult | { readonly skipped: string } | null = null
const sections: string[] = []

/**
 * Which server code was measured: the commit, plus a hash of uncommitted changes under server/
 * and shared/ (servers are started afresh per scenario, so code that changes during a run is
 * measured half old, half new — the run then says so).
 */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const commit = git('rev-parse', '--short', 'HEAD')
    const diff = git('diff', 'HEAD', '--', 'server', 'shared')
    if (!diff) return commit
    let hash = 0
    for (let i = 0; i < diff.length; i++) hash = (Math.imul(hash, 31) + diff.charCodeAt(i)) | 0
    return `${commit}+uncommitted-${(hash >>> 0).toString(16)}`
  } catch {
    return 'unknown'
  }
}
const codeAtStart = codeVersion()

function log(line: string): void {
  const seconds = ((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)
  console.log(`[${seconds} s] ${line}`)
}

/**
 * Runs `scenario` once per entry of `runs`, each against a fresh server process started by
 * `start`; a failure is recorded (as `errorName(run)` on `server(run)`), not fatal.
 */
async function eachRun<K extends string, T>(
  name: string,
  load: LoadWorkerPool,
  runs: readonly K[],
  { start, label, server: kindOf, errorName }: { start: (run: K) => Promise<ServerUnderTest>; label: (run: K) => string; server: (run: K) => ServerKind; errorName: (run: K) => string },
  scenario: (server: ServerUnderTest, run: K) => Promise<T>,
  describe: (result: T) => string,
): Promise<Partial<Record<K, T>>> {
  const results: Partial<Record<K, T>> = {}
  for (const run of runs) {
    let server: ServerUnderTest | null = null
    try {
      server = await start(run)
      const result = await scenario(server, run)
      results[run] = result
      log(`${name} · ${label(run)}: ${describe(result)}`)
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      errors.push({ scenario: errorName(run), server: kindOf(run), error: message })
      log(`${name} · ${label(run)}: FAILED — ${message}`)
      await load.closeAll().catch(() => {})
    } finally {
      await server?.stop()
    }
  }
  return results
}

/** Runs `scenario` against every server in turn, each a fresh process; a failure is recorded, not fatal. */
function eachServer<T>(name: string, load: LoadWorkerPool, scenario: (server: ServerUnderTest) => Promise<T>, describe: (result: T) => string): Promise<ByServer<T>> {
  return eachRun(name, load, settings.servers, {
    start: (kind) => ServerUnderTest.start(kind, { profileFile: profileDir && join(profileDir, `${name}-${kind}.cpuprofile`) }),
    label: (kind) => SERVER_LABELS[kind],
    server: (kind) => kind,
    errorName: () => name,
  }, scenario, describe)
}

/** Concordat's policies in the suggesting scenario, in the order they run. */
const SUGGESTING_POLICIES: readonly ConcordatPolicy[] = ['editor', 'suggester', 'open']

/**
 * Scenario 6: Concordat alone, once per policy, each a fresh process whose store holds the
 * 300-clause contract as the room's state.
 */
async function suggestingScenario(load: LoadWorkerPool, seed: { file: string; bytes: number }): Promise<void> {
  if (!settings.servers.includes('concordat')) {
    suggesting = { skipped: 'BENCH_SERVERS leaves out concordat' }
    log(`suggesting: not run: ${suggesting.skipped}`)
    sections.push(printSuggestingSkipped(suggesting.skipped))
    return
  }
  const results = await eachRun('suggesting', load, SUGGESTING_POLICIES, {
    start: (policy) => ServerUnderTest.start('concordat', { policy, seed: { room: SUGGESTING_ROOM, file: seed.file }, profileFile: profileDir && join(profileDir, `suggesting-${policy}.cpuprofile`) }),
    label: (policy) => POLICY_LABELS[policy],
    server: () => 'concordat',
    errorName: (policy) => `suggesting-${policy}`,
  }, (server, policy) => runSuggesting(server, load, settings, policy, seed.bytes), (r) =>
    `${r.cpuUsPerEdit.toFixed(1)} µs/edit, first edit ${r.firstEditCpuMs.toFixed(1)} ms, ${r.deliveries}/${r.expectedDeliveries} delivered`)
  suggesting = results
  sections.push(printSuggesting(results, settings))
}

/**
 * Scenario 5, Concordat alone in Chromium (after the load processes have stopped, so they take
 * nothing from the browser). A failure is recorded, not fatal; a missing Chromium is reported.
 */
async function browserScenario(): Promise<void> {
  const unavailable = browserUnavailable()
  if (unavailable !== null) {
    browser = { skipped: unavailable }
    log(`browser: not run: ${unavailable}`)
    sections.push(printBrowserSkipped(unavailable))
    return
  }
  if (!settings.servers.includes('concordat')) {
    browser = { skipped: 'BENCH_SERVERS leaves out concordat' }
    sections.push(printBrowserSkipped(browser.skipped))
    return
  }
  try {
    const result = await runBrowser(settings, log)
    browser = result
    sections.push(printBrowser(result))
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    errors.push({ scenario: 'browser', server: 'concordat', error: message })
    log(`browser · ${SERVER_LABELS.concordat}: FAILED — ${message}`)
  }
}

async function main(): Promise<void> {
  console.log(`Concordat sync benchmark${settings.isQuick ? ' (quick)' : ''}: ${settings.servers.join(', ')}; code ${codeAtStart}; ${cpus().length} cores, Node ${process.version}`)
  console.log(`  ${settings.workers} load processes, ${settings.seconds} s measured after ${settings.warmupSeconds} s warm-up per run; ${settings.appliesUpdates ? 'every client applies' : 'writers apply, pure receivers only time'} the updates they receive\n`)
  if (settings.scenarios.some((name) => name !== 'browser')) await loadScenarios()
  if (settings.scenarios.includes('browser')) await browserScenario()
  await reportResults()
}

/** Scenarios 1–4 (the three servers under load from the load processes) and 6 (Concordat's policies). */
async function loadScenarios(): Promise<void> {
  const load = await LoadWorkerPool.start(settings.workers)
  try {
    if (settings.scenarios.includes('fanOut')) {
      for (const clients of settings.fanOutClients) {
        fanOut[clients] = await eachServer(`fanout-${clients}`, load, (server) => runFanOut(server, load, settings, clients), (r) =>
          `${r.cpuUsPerDelivery.toFixed(2)} µs/delivery, p50 ${r.latencyP50Ms?.toFixed(2)} ms, p99 ${r.latencyP99Ms?.toFixed(2)} ms`)
        sections.push(printFanOut(clients, fanOut[clients]!, settings))
      }
    }
    if (settings.scenarios.includes('manyRooms')) {
      manyRooms = await eachServer('many-rooms', load, (server) => runManyRooms(server, load, settings), (r) =>
        `${r.cpuUsPerEdit.toFixed(1)} µs/edit, ${r.rssKbPerRoom.toFixed(1)} KB RSS/room`)
      sections.push(printManyRooms(manyRooms, settings))
    }
    let seed: { file: string; bytes: number } | null = null
    const seedContract = () => {
      if (seed === null) {
        seed = writeSeedContract(scratch)
        log(`seed contract is ${seed.bytes} bytes`)
      }
      return seed
    }
    if (settings.scenarios.includes('coldJoin')) {
      const contract = seedContract()
      coldJoin = await eachServer('cold-join', load, (server) => runColdJoin(server, load, settings, contract), (r) =>
        `${r.meanCpuMs.toFixed(2)} ms/join (first ${r.firstCpuMs.toFixed(2)}, median ${r.medianCpuMs.toFixed(2)})`)
      sections.push(printColdJoin(coldJoin))
    }
    if (settings.scenarios.includes('suggesting')) await suggestingScenario(load, seedContract())
  } finally {
    await load.stop()
  }
}

/** Prints the tables and the targets, and writes bench/results/latest.json. */
async function reportResults(): Promise<void> {
  const codeAtEnd = codeVersion()
  if (codeAtEnd !== codeAtStart) console.log(`\nWARNING: the server code changed during the run (${codeAtStart} → ${codeAtEnd}); the scenarios did not all measure the same code.`)
  const targets = judgeTargets(fanOut, manyRooms, coldJoin, suggesting !== null && !('skipped' in suggesting) ? suggesting : null, browser !== null && !('skipped' in browser) ? browser : null)
  console.log(`\n${sections.join('\n\n')}\n\n${printTargets(targets)}`)
  if (errors.length) console.log(`\n${errors.length} run(s) failed: ${errors.map((e) => `${e.scenario}/${e.server}`).join(', ')}`)

  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = join(RESULTS_DIR, 'latest.json')
  const json = {
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    code: { atStart: codeAtStart, atEnd: codeAtEnd },
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    settings,
    servers: SERVER_LABELS,
    fanOut,
    manyRooms,
    coldJoin,
    suggesting,
    browser,
    targets,
    errors,
  }
  writeFileSync(file, `${JSON.stringify(json, (_key, value) => (value instanceof Float64Array ? undefined : value), 2)}\n`)
  console.log(`\nResults written to ${file}${profileDir ? `; CPU profiles in ${profileDir}` : ''} (${json.durationSeconds.toFixed(0)} s in all)`)
  if (errors.length) process.exitCode = 1
}

try {
  await main()
} catch (error) {
  console.error('The benchmark failed:', error)
  process.exitCode = 1
} finally {
  killAllChildren()
  rmSync(scratch, { recursive: true, force: true })
}
