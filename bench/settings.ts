/**
 * The benchmark's parameters: the full run by default (6–8 minutes), `--quick` for a smoke run
 * of two to three minutes, and environment variables to change any one of them.
 */
import { SERVER_KINDS, type ServerKind } from './ServerUnderTest.ts'

export type ScenarioName = 'fanOut' | 'manyRooms' | 'coldJoin' | 'suggesting' | 'browser'
export const SCENARIO_NAMES: readonly ScenarioName[] = ['fanOut', 'manyRooms', 'coldJoin', 'suggesting', 'browser']

export interface BenchSettings {
  readonly isQuick: boolean
  /** Measured seconds of editing per server and load (`BENCH_SECONDS`). */
  readonly seconds: number
  /** Unmeasured editing before each measurement, for the JIT (`BENCH_WARMUP_SECONDS`). */
  readonly warmupSeconds: number
  /** Load-generating processes (`BENCH_WORKERS`). */
  readonly workers: number
  /** Room sizes of the fan-out scenario (`BENCH_FANOUT_CLIENTS`, comma-separated). */
  readonly fanOutClients: readonly number[]
  /** Writers in the fan-out room (`BENCH_WRITERS`) and their edits per second each (`BENCH_WRITER_RATE`). */
  readonly writers: number
  readonly writerRate: number
  /** Rooms of two clients in the many-rooms scenario (`BENCH_ROOMS`), edits/s per client (`BENCH_ROOM_RATE`). */
  readonly rooms: number
  readonly roomRate: number
  /**
   * Writers in the suggesting scenario's contract (`BENCH_SUGGEST_WRITERS`), their edits per
   * second each (`BENCH_SUGGEST_RATE`), and the edits each makes in one clause's paragraph
   * before moving on to the next (`BENCH_SUGGEST_EDITS_PER_CLAUSE`).
   */
  readonly suggestWriters: number
  readonly suggestRate: number
  readonly suggestEditsPerClause: number
  /** Cold joins measured per server (`BENCH_JOINS`). */
  readonly joins: number
  /** Measured opens of the 300-clause contract in Chromium (`BENCH_PAGE_OPENS`), after one unmeasured. */
  readonly pageOpens: number
  /** Characters typed per typing run in Chromium (`BENCH_TYPED_CHARS`), one every `BENCH_TYPING_INTERVAL_MS`. */
  readonly typedChars: number
  readonly typingIntervalMs: number
  /** Which servers (`BENCH_SERVERS`) and scenarios (`BENCH_SCENARIOS`), comma-separated. */
  readonly servers: readonly ServerKind[]
  readonly scenarios: readonly ScenarioName[]
  /** `BENCH_CPU_PROF=1`: write a CPU profile of every server's measured window to bench/results/profiles. */
  readonly isProfiling: boolean
  /**
   * `BENCH_APPLY=1`: clients that only receive also apply every update to their Y.Doc. Off by
   * default: on two cores, 200 receivers applying 100 updates/s each saturate the machine and
   * the latencies then measure the load generator. Writers always apply what they receive.
   */
  readonly appliesUpdates: boolean
  /**
   * Before each measurement, wait up to this long for the rest of the machine to go quiet
   * (`BENCH_QUIET_WAIT_SECONDS`): other people's test runs share the cores.
   */
  readonly maxQuietWaitMs: number
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`)
  return value
}

function wholeNumberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = numberFrom(env, name, fallback)
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, not "${env[name]}"`)
  return value
}

function listFrom<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[]): readonly T[] {
  const raw = env[name]
  if (!raw) return allowed
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean)
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`${name}: "${item}" is not one of ${allowed.join(', ')}`)
  return items as T[]
}

export function loadBenchSettings(argv: readonly string[], env: NodeJS.ProcessEnv): BenchSettings {
  const isQuick = argv.includes('--quick') || env.BENCH_QUICK === '1'
  const fanOut = env.BENCH_FANOUT_CLIENTS ? env.BENCH_FANOUT_CLIENTS.split(',').map(Number) : [50, 200]
  if (fanOut.some((n) => !Number.isInteger(n) || n < 2)) throw new Error('BENCH_FANOUT_CLIENTS must list whole numbers ≥ 2')
  const suggestWriters = wholeNumberFrom(env, 'BENCH_SUGGEST_WRITERS', 5)
  // Each edit is measured by its arrival at the other writers: there must be one.
  if (suggestWriters < 2) throw new Error('BENCH_SUGGEST_WRITERS must be at least 2')
  return {
    isQuick,
    seconds: numberFrom(env, 'BENCH_SECONDS', isQuick ? 2 : 15),
    warmupSeconds: numberFrom(env, 'BENCH_WARMUP_SECONDS', isQuick ? 1 : 3),
    workers: numberFrom(env, 'BENCH_WORKERS', 4),
    fanOutClients: fanOut,
    writers: numberFrom(env, 'BENCH_WRITERS', 5),
    writerRate: numberFrom(env, 'BENCH_WRITER_RATE', 20),
    rooms: numberFrom(env, 'BENCH_ROOMS', isQuick ? 200 : 1000),
    roomRate: numberFrom(env, 'BENCH_ROOM_RATE', 1),
    suggestWriters,
    suggestRate: numberFrom(env, 'BENCH_SUGGEST_RATE', 40),
    suggestEditsPerClause: wholeNumberFrom(env, 'BENCH_SUGGEST_EDITS_PER_CLAUSE', 200),
    joins: numberFrom(env, 'BENCH_JOINS', isQuick ? 5 : 20),
    pageOpens: wholeNumberFrom(env, 'BENCH_PAGE_OPENS', isQuick ? 3 : 5),
    typedChars: wholeNumberFrom(env, 'BENCH_TYPED_CHARS', isQuick ? 100 : 200),
    typingIntervalMs: numberFrom(env, 'BENCH_TYPING_INTERVAL_MS', 40),
    servers: listFrom(env, 'BENCH_SERVERS', SERVER_KINDS),
    scenarios: listFrom(env, 'BENCH_SCENARIOS', SCENARIO_NAMES),
    isProfiling: env.BENCH_CPU_PROF === '1',
    appliesUpdates: env.BENCH_APPLY === '1',
    maxQuietWaitMs: numberFrom(env, 'BENCH_QUIET_WAIT_SECONDS', isQuick ? 0.5 : 8) * 1000,
  }
}
