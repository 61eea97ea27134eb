/**
 * What every server under test runs besides its own code: it announces its port, and answers
 * the benchmark's "stats" request with its own CPU time (`process.cpuUsage()`, user + system,
 * all threads of the process) and memory, optionally after a full garbage collection (the
 * children run with `--expose-gc`) so that heap and RSS deltas are not mostly garbage.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { answerRequests, notifyParent } from './ForkedChild.ts'

/** A server's own account of its resources, as returned by the "stats" request. */
export interface ServerStats {
  /** CPU time in µs since the process started, user and system. */
  readonly cpuUserUs: number
  readonly cpuSystemUs: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  /** Memory of ArrayBuffers and other off-heap allocations V8 knows of. */
  readonly externalBytes: number
  /** Rooms the server holds in memory. */
  readonly loadedRooms: number | null
  /** Event-loop delay since the last `resetLoopDelay` (how long a ready callback had to wait). */
  readonly loopDelayP99Ms: number
  readonly loopDelayMaxMs: number
  /** Anything else the server wants to report (diagnostics). */
  readonly extra: Record<string, unknown> | null
}

declare const gc: (() => void) | undefined

/** Starts answering the benchmark and tells it the server listens on `port`. */
export function serveBenchControl(port: number, loadedRooms: () => number | null = () => null, extra: () => Record<string, unknown> | null = () => null): void {
  let profiler: Session | null = null
  const loopDelay = monitorEventLoopDelay({ resolution: 5 })
  loopDelay.enable()
  answerRequests({
    resetLoopDelay: () => loopDelay.reset(),
    startProfile: async () => {
      profiler = new Session()
      profiler.connect()
      await profiler.post('Profiler.enable')
      await profiler.post('Profiler.setSamplingInterval', { interval: 250 })
      await profiler.post('Profiler.start')
    },
    /** Stops the profile begun by startProfile and writes it (a .cpuprofile for DevTools) to `file`. */
    stopProfile: async ({ file }: { file: string }) => {
      if (!profiler) throw new Error('no profile was started')
      const { profile } = await profiler.post('Profiler.stop')
      profiler.disconnect()
      profiler = null
      writeFileSync(file, JSON.stringify(profile))
    },
    stats: ({ collectGarbage }: { collectGarbage?: boolean }): ServerStats => {
      if (collectGarbage && typeof gc === 'function') {
        gc()
        gc()
      }
      const cpu = process.cpuUsage()
      const memory = process.memoryUsage()
      return {
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        externalBytes: memory.external,
        loadedRooms: loadedRooms(),
        loopDelayP99Ms: loopDelay.count ? loopDelay.percentile(99) / 1e6 : 0,
        loopDelayMaxMs: loopDelay.count ? loopDelay.max / 1e6 : 0,
        extra: extra(),
      }
    },
  })
  notifyParent({ notice: 'ready', port })
}

/** The room name of a sync URL: what follows `/collab/` in the path. */
export function roomOfUrl(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!
  return decodeURIComponent(path.startsWith('/collab/') ? path.slice('/collab/'.length) : path.slice(1))
}
