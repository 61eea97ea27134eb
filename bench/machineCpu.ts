/**
 * The whole machine's CPU use between two readings of /proc/stat, to tell whether a
 * measurement ran on a saturated machine (then latencies mean little).
 */
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'

export interface CpuTimes {
  readonly busy: number
  readonly total: number
}

export function readMachineCpu(): CpuTimes {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal …
  const idle = fields[3]! + (fields[4] ?? 0)
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0)
  return { busy: total - idle, total }
}

/** Percent of all cores busy between two readings (200 % = both cores of a 2-core machine). */
export function busyPercent(before: CpuTimes, after: CpuTimes, cores: number): number {
  const total = after.total - before.total
  return total > 0 ? ((after.busy - before.busy) / total) * 100 * cores : 0
}

/**
 * Waits (at most `maxWaitMs`) until the rest of the machine is nearly idle — other people's
 * test runs share these two cores — sampling half-second windows while the benchmark's own
 * processes are idle. Returns the busy percentage of the last sample (of one core).
 */
export async function waitForQuietMachine(maxWaitMs: number, quietPercent = 25): Promise<number> {
  const cores = cpus().length
  const deadline = Date.now() + maxWaitMs
  for (;;) {
    const before = readMachineCpu()
    await new Promise((resolve) => setTimeout(resolve, 500))
    const busy = busyPercent(before, readMachineCpu(), cores)
    if (busy <= quietPercent || Date.now() >= deadline) return busy
  }
}
