/**
 * The load scenarios, each run against one server at a time with the same parameters:
 * fan-out in one big room, many small rooms (which also gives memory per loaded room), cold
 * joins of a large contract; and Concordat alone under three referee policies, its writers
 * suggesting into a large contract (what judging a suggester's update costs).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeContractDocument } from './contractDocument.ts'
import { BENCH_MEMBER } from './fixedRolePolicy.ts'
import { waitForQuietMachine } from './machineCpu.ts'
import type { LoadStats, LoadWorkerPool } from './LoadWorkerPool.ts'
import { type EditingMeasurement, measureEditing } from './measureEditing.ts'
import { type ConcordatPolicy, ServerUnderTest } from './ServerUnderTest.ts'
import type { BenchSettings } from './settings.ts'

export interface FanOutResult extends EditingMeasurement {
  readonly clients: number
  /** Server CPU µs per delivery the protocol calls for (edits × (clients − 1)). */
  readonly cpuUsPerDelivery: number
}

/** Scenario 1: `clients` in one room, `settings.writers` of them editing. */
export async function runFanOut(server: ServerUnderTest, load: LoadWorkerPool, settings: BenchSettings, clients: number): Promise<FanOutResult> {
  const room = `fanout-${clients}`
  const specs = Array.from({ length: clients }, (_, i) => ({ room, editsPerSecond: i < settings.writers ? settings.writerRate : 0 }))
  // Writers go to different workers, receivers are spread evenly.
  await load.connect(server.url, specs, (i) => i, settings.appliesUpdates)
  const measured = await measureEditing(server, load, { warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, receiversPerEdit: clients - 1, maxQuietWaitMs: settings.maxQuietWaitMs })
  await load.closeAll()
  return { clients, ...measured, cpuUsPerDelivery: (measured.serverCpuMs * 1000) / measured.expectedDeliveries }
}

export interface ManyRoomsResult extends EditingMeasurement {
  readonly rooms: number
  /** Server CPU µs per edit received. */
  readonly cpuUsPerEdit: number
  /** Scenario 4, from the same run: memory growth per loaded room (with its two connections). */
  readonly rssKbPerRoom: number
  readonly heapKbPerRoom: number
  readonly loadedRooms: number | null
}

/** Scenarios 2 and 4: `settings.rooms` rooms of two clients, each editing at `settings.roomRate`. */
export async function runManyRooms(server: ServerUnderTest, load: LoadWorkerPool, settings: BenchSettings): Promise<ManyRoomsResult> {
  const baseline = await server.stats(true)
  const specs = Array.from({ length: settings.rooms * 2 }, (_, i) => ({ room: `room-${Math.floor(i / 2)}`, editsPerSecond: settings.roomRate }))
  // The two clients of a room sit in neighbouring workers.
  await load.connect(server.url, specs, (i) => Math.floor(i / 2) + (i % 2), settings.appliesUpdates)
  const measured = await measureEditing(server, load, { warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, receiversPerEdit: 1, maxQuietWaitMs: settings.maxQuietWaitMs })
  const loaded = await server.stats(true)
  await load.closeAll()
  return {
    rooms: settings.rooms,
    ...measured,
    cpuUsPerEdit: (measured.serverCpuMs * 1000) / measured.editsSent,
    rssKbPerRoom: (loaded.rssBytes - baseline.rssBytes) / 1024 / settings.rooms,
    heapKbPerRoom: (loaded.heapUsedBytes + loaded.externalBytes - baseline.heapUsedBytes - baseline.externalBytes) / 1024 / settings.rooms,
    loadedRooms: loaded.loadedRooms,
  }
}

/** The contract the cold-join scenario seeds, written once to a file the workers read. */
export function writeSeedContract(dir: string): { file: string; bytes: number } {
  const update = encodeContractDocument()
  const file = join(dir, 'contract-300-clauses.yupdate')
  writeFileSync(file, update)
  return { file, bytes: update.byteLength }
}

export interface ColdJoinResult {
  readonly joins: number
  readonly seedBytes: number
  /** Server CPU per join, each join measured alone, in order. */
  readonly cpuMsPerJoin: readonly number[]
  readonly meanCpuMs: number
  readonly medianCpuMs: number
  /** The first join after the document changed (a server that caches pays its encoding here). */
  readonly firstCpuMs: number
  readonly medianJoinWallMs: number
  /** Size of the sync step 2 a joiner received. */
  readonly syncStep2Bytes: number
  /** Clauses the joiner's document had (300 when the server served the whole contract). */
  readonly bodyLength: number
  /** The machine's CPU use just before the joins, with the benchmark idle (others' work). */
  readonly idleMachinePercent: number
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Scenario 3: seed the contract in one update, check a joiner gets it (unmeasured, also the
 * warm-up), change it a little (so no server starts with a ready-made encoding), then let
 * `settings.joins` fresh clients join one after another, each waiting for its sync step 2.
 */
export async function runColdJoin(server: ServerUnderTest, load: LoadWorkerPool, settings: BenchSettings, seed: { file: string; bytes: number }): Promise<ColdJoinResult> {
  const room = 'contract-300'
  await load.seed(server.url, room, seed.file)
  const servesDocuments = server.kind !== 'relay'
  for (let attempt = 0; ; attempt++) {
    const check = await load.join(server.url, room)
    if (!servesDocuments || check.bodyLength >= 300) break
    if (attempt > 50) throw new Error(`${server.kind} never served the seeded contract (a joiner saw ${check.bodyLength} clauses)`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  await load.closeAll()
  await load.touch(server.url, room)
  const idleMachinePercent = await waitForQuietMachine(settings.maxQuietWaitMs)

  const cpuMsPerJoin: number[] = []
  const wallMs: number[] = []
  let last = { bytes: 0, bodyLength: 0 }
  await server.beginWindow()
  for (let i = 0; i < settings.joins; i++) {
    const before = await server.stats()
    const result = await load.join(server.url, room)
    // Let the server finish what the join set off (e.g. reading the joiner's sync step 2).
    await new Promise((resolve) => setTimeout(resolve, 50))
    const after = await server.stats()
    cpuMsPerJoin.push(ServerUnderTest.cpuUsBetween(before, after) / 1000)
    wallMs.push(result.ms)
    last = result
  }
  await server.endWindow()
  await load.closeAll()
  return {
    joins: settings.joins,
    seedBytes: seed.bytes,
    cpuMsPerJoin,
    meanCpuMs: cpuMsPerJoin.reduce((a, b) => a + b, 0) / cpuMsPerJoin.length,
    medianCpuMs: median(cpuMsPerJoin),
    firstCpuMs: cpuMsPerJoin[0] ?? 0,
    medianJoinWallMs: median(wallMs),
    syncStep2Bytes: last.bytes,
    bodyLength: last.bodyLength,
    idleMachinePercent,
  }
}

/** The room of the suggesting scenario; its stored state is the seeded contract. */
export const SUGGESTING_ROOM = 'suggesting-300'

/** Clauses of the seeded contract (`buildContractDocument`'s default). */
const CONTRACT_CLAUSES = 300

export interface SuggestingResult extends EditingMeasurement {
  readonly policy: ConcordatPolicy
  readonly writers: number
  readonly editsPerSecond: number
  readonly editsPerClause: number
  readonly seedBytes: number
  /** Server CPU µs per edit received (each one also sent on to the other writers). */
  readonly cpuUsPerEdit: number
  /**
   * The user-space part of it. Validation is all user-space work; the kernel's part (fsync of
   * the write-ahead log, socket writes) is the same work in every run but varies with how busy
   * the machine is.
   */
  readonly userCpuUsPerEdit: number
  /** CPU µs inside the validate hook per call, timed in the server (`validation.calls` calls). */
  readonly validateUsPerCall: number | null
  /**
   * Server CPU of the room's first edit, made alone before the warm-up: cold code, and for a
   * suggester the shadow copy of the whole contract that the first judged update builds.
   */
  readonly firstEditCpuMs: number
}

/**
 * Fails the run if any writer's socket was closed (a refused edit closes it with 4409): every
 * edit must have been accepted, or the CPU per edit would count work the server never finished.
 */
function assertAllAccepted(stats: LoadStats, writers: number, when: string): void {
  if (stats.openClients === writers && stats.closeReasons.size === 0) return
  const reasons = [...stats.closeReasons].map(([code, reason]) => `${code} “${reason}”`).join(', ')
  throw new Error(`${when}: ${writers - stats.openClients} of ${writers} writers' sockets were closed by the server (${reasons || 'no reason given'}); the edits were not all accepted`)
}

/**
 * Scenario 6: the seeded 300-clause contract in one room, `settings.suggestWriters` writers
 * each suggesting into the first paragraph of a clause of its own (spread over the contract) at
 * `settings.suggestRate` edits/s, moving on to the next clause every
 * `settings.suggestEditsPerClause` edits: each edit inserts its marker, marked as the writer's
 * own suggestion, at a random place of the paragraph (see `LoadClient`), whatever `policy` the
 * server runs, so the runs differ only in how the server judges the same updates. The room's
 * first edit is measured alone; then warm-up and window as in the other editing scenarios.
 */
export async function runSuggesting(server: ServerUnderTest, load: LoadWorkerPool, settings: BenchSettings, policy: ConcordatPolicy, seedBytes: number): Promise<SuggestingResult> {
  const writers = settings.suggestWriters
  const specs = Array.from({ length: writers }, (_, i) => ({
    room: SUGGESTING_ROOM,
    editsPerSecond: settings.suggestRate,
    suggests: { clause: Math.floor((i * CONTRACT_CLAUSES) / writers), editsPerClause: settings.suggestEditsPerClause, author: BENCH_MEMBER },
  }))
  // One writer per worker while there are workers; every writer applies what it receives.
  await load.connect(server.url, specs, (i) => i, true)
  await load.stats(true)

  const before = await server.stats()
  const sent = await load.editOnce()
  if (sent !== 1) throw new Error('no writer could make the first edit')
  await load.drain(sent * (writers - 1))
  // Let the server finish what the edit set off (the group commit, the other sockets' writes).
  await new Promise((resolve) => setTimeout(resolve, 100))
  const after = await server.stats()
  assertAllAccepted(await load.stats(true), writers, 'the first edit')

  const measured = await measureEditing(server, load, { warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, receiversPerEdit: writers - 1, maxQuietWaitMs: settings.maxQuietWaitMs })
  assertAllAccepted(await load.stats(), writers, 'the warm-up or the measured window')
  await load.closeAll()
  return {
    policy,
    writers,
    editsPerSecond: settings.suggestRate,
    editsPerClause: settings.suggestEditsPerClause,
    seedBytes,
    ...measured,
    cpuUsPerEdit: (measured.serverCpuMs * 1000) / measured.editsSent,
    userCpuUsPerEdit: ((measured.serverCpuMs - measured.serverSystemCpuMs) * 1000) / measured.editsSent,
    validateUsPerCall: measured.validation?.cpuUsPerCall ?? null,
    firstEditCpuMs: ServerUnderTest.cpuUsBetween(before, after) / 1000,
  }
}
