/**
 * The measurement shared by the fan-out and many-rooms scenarios: with the clients connected,
 * let the writers warm the server up, then measure the server's CPU time over a window of
 * editing plus the time for the last updates to arrive, and what the clients received.
 */
import { type CpuTimes, busyPercent, readMachineCpu, waitForQuietMachine } from './machineCpu.ts'
import type { LoadWorkerPool } from './LoadWorkerPool.ts'
import { ServerUnderTest } from './ServerUnderTest.ts'
import { cpus } from 'node:os'

export interface EditingMeasurement {
  /** Edits the writers sent in the window. */
  readonly editsSent: number
  /** Deliveries the protocol calls for: each edit to every other client of its room. */
  readonly expectedDeliveries: number
  /** Deliveries the clients counted (fewer means updates were lost or late). */
  readonly deliveries: number
  readonly serverCpuMs: number
  /** The part of it spent in the kernel (socket writes, fsync …). */
  readonly serverSystemCpuMs: number
  /** Wall time of the window, editing and draining. */
  readonly windowSeconds: number
  readonly latencyP50Ms: number | null
  readonly latencyP99Ms: number | null
  /** CPU of all load workers together, percent of one core. */
  readonly loadCpuPercent: number
  /** CPU of the whole machine, percent of one core (200 = both cores busy). */
  readonly machineBusyPercent: number
  /**
   * CPU of everything else on the machine during the window (machine − server − load − the
   * benchmark itself), percent of one core: other people's work that competed for the cores.
   */
  readonly otherCpuPercent: number
  /** The machine's CPU use just before the window, with the benchmark idle. */
  readonly idleMachinePercent: number
  readonly unexpectedCloses: Record<string, number>
  /** The server's event-loop delay over the window: how long ready work waited. */
  readonly serverLoopDelayP99Ms: number
  readonly serverLoopDelayMaxMs: number
  /** Server CPU over the window by thread, ms: "main" (JavaScript) and "other" (GC, JIT …). */
  readonly serverThreadCpuMs: Record<string, number>
  /** Group commits in the window (Concordat with BENCH_TRACE_WAL=1 only). */
  readonly commits: CommitTrace | null
  /** The referee's validate hook in the window (Concordat started with a policy only). */
  readonly validation: ValidationTrace | null
}

/** Calls of Concordat's validate hook over a window and the CPU spent inside them. */
export interface ValidationTrace {
  readonly calls: number
  readonly cpuUsPerCall: number
}

type Validation = { calls: number; cpuUs: number }

function validationBetween(before: Record<string, unknown> | null, after: Record<string, unknown> | null): ValidationTrace | null {
  const a = before?.validation as Validation | undefined
  const b = after?.validation as Validation | undefined
  if (!a || !b) return null
  const calls = b.calls - a.calls
  return { calls, cpuUsPerCall: calls > 0 ? (b.cpuUs - a.cpuUs) / calls : 0 }
}

/** Concordat's group commits over a window, from its diagnostic wrapper. */
export interface CommitTrace {
  readonly count: number
  readonly updatesPerCommit: number
  readonly meanWallMs: number
  readonly maxWallMs: number
  readonly meanCpuUs: number
}

type Commits = { count: number; updates: number; wallMs: number; maxWallMs: number; cpuUs: number }

function commitsBetween(before: Record<string, unknown> | null, after: Record<string, unknown> | null): CommitTrace | null {
  const a = before?.commits as Commits | undefined
  const b = after?.commits as Commits | undefined
  if (!a || !b) return null
  const count = b.count - a.count
  return {
    count,
    updatesPerCommit: (b.updates - a.updates) / count,
    meanWallMs: (b.wallMs - a.wallMs) / count,
    maxWallMs: b.maxWallMs,
    meanCpuUs: (b.cpuUs - a.cpuUs) / count,
  }
}

export async function measureEditing(
  server: ServerUnderTest,
  load: LoadWorkerPool,
  { warmupSeconds, seconds, receiversPerEdit, maxQuietWaitMs }: { warmupSeconds: number; seconds: number; receiversPerEdit: number; maxQuietWaitMs: number },
): Promise<EditingMeasurement> {
  // Warm-up: unmeasured; then wait for its updates to arrive.
  const warmupSent = await load.edit(warmupSeconds * 1000)
  await load.drain(warmupSent * receiversPerEdit)
  const idleMachinePercent = await waitForQuietMachine(maxQuietWaitMs)
  await load.stats(true)

  await server.beginWindow()
  const machineBefore: CpuTimes = readMachineCpu()
  const selfBefore = process.cpuUsage()
  const threadsBefore = server.threadCpuMs()
  const before = await server.stats()
  const started = performance.now()
  const editsSent = await load.edit(seconds * 1000)
  const expectedDeliveries = editsSent * receiversPerEdit
  await load.drain(expectedDeliveries)
  const after = await server.stats()
  const threadsAfter = server.threadCpuMs()
  await server.endWindow()
  const windowMs = performance.now() - started
  const machineAfter = readMachineCpu()
  const self = process.cpuUsage(selfBefore)
  const received = await load.stats()
  const serverCpuMs = ServerUnderTest.cpuUsBetween(before, after) / 1000
  const machineBusyPercent = busyPercent(machineBefore, machineAfter, cpus().length)
  const percentOfWindow = (cpuMs: number) => (cpuMs / windowMs) * 100

  return {
    editsSent,
    expectedDeliveries,
    deliveries: received.received,
    serverCpuMs,
    serverSystemCpuMs: (after.cpuSystemUs - before.cpuSystemUs) / 1000,
    windowSeconds: windowMs / 1000,
    latencyP50Ms: received.latency.quantile(0.5),
    latencyP99Ms: received.latency.quantile(0.99),
    loadCpuPercent: percentOfWindow(received.cpuUs / 1000),
    machineBusyPercent,
    otherCpuPercent: Math.max(0, machineBusyPercent - percentOfWindow(serverCpuMs + received.cpuUs / 1000 + (self.user + self.system) / 1000)),
    idleMachinePercent,
    serverLoopDelayP99Ms: after.loopDelayP99Ms,
    serverLoopDelayMaxMs: after.loopDelayMaxMs,
    serverThreadCpuMs: Object.fromEntries([...threadsAfter].map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)]).filter(([, ms]) => (ms as number) > 0)),
    commits: commitsBetween(before.extra, after.extra),
    validation: validationBetween(before.extra, after.extra),
    unexpectedCloses: Object.fromEntries([...received.unexpectedCloses].map(([code, n]) => [String(code), n])),
  }
}
