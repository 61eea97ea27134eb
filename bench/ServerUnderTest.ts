/**
 * One of the three servers the benchmark compares, running as a child process of its own
 * (started fresh for each scenario), with its CPU and memory read through `serverControl.ts`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ForkedChild } from './ForkedChild.ts'
import type { ServerStats } from './serverControl.ts'

export type ServerKind = 'concordat' | 'reference' | 'relay'

export const SERVER_KINDS: readonly ServerKind[] = ['concordat', 'reference', 'relay']

/** What each kind is, in the tables. */
export const SERVER_LABELS: Record<ServerKind, string> = {
  concordat: 'Concordat (SQLite, write-ahead)',
  reference: '@y/websocket-server 0.1.1',
  relay: 'bare ws relay (floor)',
}

const MODULES: Record<ServerKind, string> = {
  concordat: new URL('./concordatServer.ts', import.meta.url).pathname,
  reference: new URL('./referenceServer.ts', import.meta.url).pathname,
  relay: new URL('./relayServer.ts', import.meta.url).pathname,
}

/**
 * Concordat's referee policy in a run: `open` (anonymous editors, nothing validated; scenarios
 * 1–4), or one fixed member as `editor` or `suggester` with the member policy's validator
 * (the suggesting scenario; see `fixedRolePolicy.ts`).
 */
export type ConcordatPolicy = 'open' | 'editor' | 'suggester'

export interface ServerStartOptions {
  /** Where to write a CPU profile of the measured window(s); no profiling when absent. */
  readonly profileFile?: string
  /** Concordat only: its referee policy (default `open`). */
  readonly policy?: ConcordatPolicy
  /** Concordat only: a document (one Yjs update in `file`) stored as `room`'s state before it starts serving. */
  readonly seed?: { readonly room: string; readonly file: string }
}

export class ServerUnderTest {
  readonly kind: ServerKind
  readonly url: string
  readonly #child: ForkedChild
  readonly #dataDir: string | null
  readonly #profileFile: string | null

  private constructor(kind: ServerKind, child: ForkedChild, port: number, dataDir: string | null, profileFile: string | null) {
    this.kind = kind
    this.#child = child
    this.url = `ws://127.0.0.1:${port}`
    this.#dataDir = dataDir
    this.#profileFile = profileFile
  }

  static async start(kind: ServerKind, options: ServerStartOptions = {}): Promise<ServerUnderTest> {
    if (kind !== 'concordat' && (options.policy || options.seed)) throw new Error(`only Concordat takes a policy or a seed, not ${kind}`)
    const dataDir = kind === 'concordat' ? mkdtempSync(join(tmpdir(), 'concordat-bench-')) : null
    const env: Record<string, string> = dataDir ? { BENCH_DATA_DIR: dataDir } : {}
    if (options.policy) env.BENCH_POLICY = options.policy
    if (options.seed) Object.assign(env, { BENCH_SEED_ROOM: options.seed.room, BENCH_SEED_FILE: options.seed.file })
    const child = new ForkedChild({
      name: options.policy ? `${kind}-${options.policy}` : kind,
      module: MODULES[kind],
      env,
      // BENCH_SERVER_NODE_FLAGS, e.g. "--trace-gc", for diagnosis.
      nodeFlags: ['--expose-gc', ...(process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean)],
    })
    try {
      const ready = await child.waitForNotice('ready')
      return new ServerUnderTest(kind, child, ready.port as number, dataDir, options.profileFile ?? null)
    } catch (error) {
      child.kill()
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
      throw error
    }
  }

  get pid(): number {
    return this.#child.pid
  }

  /** CPU and memory now; with `collectGarbage` after two full collections. */
  stats(collectGarbage = false): Promise<ServerStats> {
    return this.#child.request<ServerStats>('stats', { collectGarbage })
  }

  /** Marks the start of a measured window: starts the CPU profile, if one was asked for. */
  async beginWindow(): Promise<void> {
    await this.#child.request('resetLoopDelay')
    if (this.#profileFile) await this.#child.request('startProfile')
  }

  /** Marks the end of the measured window: writes the CPU profile, if one was asked for. */
  async endWindow(): Promise<void> {
    if (this.#profileFile) await this.#child.request('stopProfile', { file: this.#profileFile })
  }

  /**
   * CPU time of the server process so far by thread, in ms, from /proc (10 ms ticks): "main"
   * for the JavaScript thread, "other" for the rest (V8's GC and compiler workers, libuv's
   * pool, tsx's loader), where allocation-heavy code shows as parallel GC work.
   */
  threadCpuMs(): Map<string, number> {
    const byThread = new Map<string, number>()
    const taskDir = `/proc/${this.pid}/task`
    for (const tid of readdirSync(taskDir)) {
      try {
        const stat = readFileSync(`${taskDir}/${tid}/stat`, 'utf8')
        const name = Number(tid) === this.pid ? 'main' : 'other'
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const ticks = Number(fields[11]) + Number(fields[12])
        byThread.set(name, (byThread.get(name) ?? 0) + ticks * 10)
      } catch {
        // The thread ended between listing and reading.
      }
    }
    return byThread
  }

  /** CPU µs (user + system) the server spent between two stats. */
  static cpuUsBetween(before: ServerStats, after: ServerStats): number {
    return after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs
  }

  async stop(): Promise<void> {
    await this.#child.stop()
    if (this.#dataDir) rmSync(this.#dataDir, { recursive: true, force: true })
  }
}
