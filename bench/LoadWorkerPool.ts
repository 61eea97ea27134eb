/**
 * The benchmark's side of the load workers: forks them, shares clients out, and sums what they
 * report.
 */
import { ForkedChild } from './ForkedChild.ts'
import { LatencyHistogram } from './LatencyHistogram.ts'
import type { ClientSpec, JoinResult, WorkerStats } from './loadWorker.ts'

const WORKER_MODULE = new URL('./loadWorker.ts', import.meta.url).pathname

/** Everything the workers report, summed. */
export interface LoadStats {
  readonly sent: number
  readonly received: number
  readonly latency: LatencyHistogram
  /** CPU time of all workers together, µs. */
  readonly cpuUs: number
  readonly unexpectedCloses: Map<number, number>
  /** The last reason the server gave for each close code since the clients connected. */
  readonly closeReasons: Map<number, string>
  readonly openClients: number
}

export class LoadWorkerPool {
  readonly workers: ForkedChild[]

  private constructor(workers: ForkedChild[]) {
    this.workers = workers
  }

  static async start(count: number): Promise<LoadWorkerPool> {
    const workers = Array.from({ length: count }, (_, i) => new ForkedChild({
      name: `load-${i}`,
      module: WORKER_MODULE,
      env: { BENCH_WORKER_INDEX: String(i) },
    }))
    // Wait until each has loaded its modules and answers.
    await Promise.all(workers.map((w) => w.request('stats', { reset: true }, 60_000)))
    return new LoadWorkerPool(workers)
  }

  /** Connects `clients[i]` through worker `assign(i)`, all workers at once; waits for sync. */
  async connect(serverUrl: string, clients: readonly ClientSpec[], assign: (index: number) => number, appliesUpdates = true): Promise<void> {
    const shares = this.workers.map(() => [] as ClientSpec[])
    clients.forEach((spec, i) => shares[assign(i) % shares.length]!.push(spec))
    await Promise.all(this.workers.map((w, i) => (shares[i]!.length ? w.request('connect', { serverUrl, clients: shares[i], appliesUpdates }) : null)))
  }

  /** Every worker's writers edit for `durationMs`; resolves when all have stopped. */
  async edit(durationMs: number): Promise<number> {
    const results = await Promise.all(this.workers.map((w) => w.request<{ sent: number }>('edit', { durationMs })))
    return results.reduce((sum, r) => sum + r.sent, 0)
  }

  /** The first worker's first writer makes one edit; resolves with 1, or 0 if it has no open writer. */
  async editOnce(): Promise<number> {
    const { sent } = await this.workers[0]!.request<{ sent: number }>('editOnce')
    return sent
  }

  async stats(reset = false): Promise<LoadStats> {
    const all = await Promise.all(this.workers.map((w) => w.request<WorkerStats>('stats', { reset })))
    const latency = new LatencyHistogram()
    const unexpectedCloses = new Map<number, number>()
    const closeReasons = new Map<number, string>()
    for (const s of all) {
      latency.merge(s.latency)
      for (const [code, n] of s.unexpectedCloses) unexpectedCloses.set(code, (unexpectedCloses.get(code) ?? 0) + n)
      for (const [code, reason] of s.closeReasons) closeReasons.set(code, reason)
    }
    return {
      sent: all.reduce((sum, s) => sum + s.sent, 0),
      received: all.reduce((sum, s) => sum + s.received, 0),
      latency,
      cpuUs: all.reduce((sum, s) => sum + s.cpuUs, 0),
      unexpectedCloses,
      closeReasons,
      openClients: all.reduce((sum, s) => sum + s.openClients, 0),
    }
  }

  /**
   * Waits until the workers have received `expected` marked updates, or nothing more arrived
   * for `stallMs` (something was lost: the figures will show it).
   */
  async drain(expected: number, stallMs = 3_000): Promise<void> {
    let last = -1
    let lastChange = Date.now()
    for (;;) {
      const { received } = await this.stats()
      if (received >= expected) return
      if (received !== last) {
        last = received
        lastChange = Date.now()
      } else if (Date.now() - lastChange > stallMs) {
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  closeAll(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.request('closeAll')))
  }

  join(serverUrl: string, room: string): Promise<JoinResult> {
    return this.workers[0]!.request<JoinResult>('join', { serverUrl, room })
  }

  seed(serverUrl: string, room: string, file: string): Promise<{ bytes: number }> {
    return this.workers[0]!.request('seed', { serverUrl, room, file })
  }

  touch(serverUrl: string, room: string): Promise<void> {
    return this.workers[0]!.request('touch', { serverUrl, room })
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()))
  }
}
