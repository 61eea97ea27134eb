/**
 * A load-generating child process: holds a share of the simulated clients and does what the
 * benchmark asks over IPC (connect them, let the writers edit at their rates for a while,
 * report what was sent and received, join a room once from scratch, seed a room). Several run
 * side by side so that the load generator does not saturate before the server.
 */
import { readFileSync } from 'node:fs'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { getBody } from '../shared/ydoc/schema.ts'
import { answerRequests } from './ForkedChild.ts'
import { LatencyHistogram } from './LatencyHistogram.ts'
import { randomFrom } from './contractDocument.ts'
import { LoadClient, type ReceiveCounters, type SuggestionEdits, now } from './LoadClient.ts'

/** One client this worker is to hold. */
export interface ClientSpec {
  readonly room: string
  /** Edits per second while editing; 0 for a client that only receives. */
  readonly editsPerSecond: number
  /** A writer that makes its edits as tracked suggestions in an existing clause (see LoadClient). */
  readonly suggests?: SuggestionEdits
}

export interface ConnectArgs {
  /** `ws://127.0.0.1:<port>` */
  readonly serverUrl: string
  readonly clients: readonly ClientSpec[]
  /** Connections opening at once. */
  readonly concurrency?: number
  readonly appliesUpdates?: boolean
}

export interface WorkerStats {
  readonly sent: number
  readonly received: number
  readonly latency: Float64Array
  /** This worker's own CPU time (µs, user + system) since the last reset. */
  readonly cpuUs: number
  readonly unexpectedCloses: Array<[number, number]>
  /** The last reason given for each close code since the clients connected (not reset by `reset`). */
  readonly closeReasons: Array<[number, string]>
  readonly openClients: number
}

export interface JoinResult {
  /** Wall time from opening the socket to the first sync step 2. */
  readonly ms: number
  /** Size of that sync step 2 frame. */
  readonly bytes: number
  /** Elements in the joined document's body (the contract's clauses). */
  readonly bodyLength: number
}

const workerIndex = Number(process.env.BENCH_WORKER_INDEX ?? 0)

const random = randomFrom(1000 + workerIndex)

let counters: ReceiveCounters = { received: 0, latency: new LatencyHistogram(), unexpectedCloses: new Map(), closeReasons: new Map() }
let clients: Array<{ client: LoadClient; spec: ClientSpec }> = []
let sent = 0
let cpuAtReset = process.cpuUsage()

function roomUrl(serverUrl: string, room: string): string {
  return `${serverUrl}/collab/${encodeURIComponent(room)}`
}

async function connect({ serverUrl, clients: specs, concurrency = 64, appliesUpdates = true }: ConnectArgs): Promise<{ connected: number }> {
  let next = 0
  const openOne = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!
      const client = new LoadClient({ url: roomUrl(serverUrl, spec.room), counters, appliesUpdates, random, suggests: spec.suggests })
      clients.push({ client, spec })
      await client.synced
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, openOne))
  return { connected: specs.length }
}

/** Lets every writer edit at its rate for `durationMs`, evenly spaced, phases spread. */
function edit({ durationMs }: { durationMs: number }): Promise<{ sent: number }> {
  const start = now()
  const writers = clients
    .filter(({ spec }) => spec.editsPerSecond > 0)
    .map(({ client, spec }) => {
      const interval = 1000 / spec.editsPerSecond
      return { client, interval, due: start + random() * interval }
    })
  let sentHere = 0
  return new Promise((resolve) => {
    const tick = () => {
      const t = now()
      if (t >= start + durationMs) {
        clearInterval(timer)
        resolve({ sent: sentHere })
        return
      }
      for (const writer of writers) {
        if (writer.due > t) continue
        if (writer.client.isOpen) {
          writer.client.edit()
          sent++
          sentHere++
        }
        writer.due += writer.interval
        // A worker that fell far behind skips rather than bursting past the rate limit.
        if (writer.due < t - 1000) writer.due = t + writer.interval
      }
    }
    const timer = setInterval(tick, 2)
  })
}

/** This worker's first writer makes one edit now (a room's first edit, measured alone). */
function editOnce(): { sent: number } {
  const writer = clients.find(({ spec, client }) => spec.editsPerSecond > 0 && client.isOpen)
  if (!writer) return { sent: 0 }
  writer.client.edit()
  sent++
  return { sent: 1 }
}

function stats({ reset }: { reset?: boolean }): WorkerStats {
  const cpu = process.cpuUsage(cpuAtReset)
  const result: WorkerStats = {
    sent,
    received: counters.received,
    latency: counters.latency.counts,
    cpuUs: cpu.user + cpu.system,
    unexpectedCloses: [...counters.unexpectedCloses],
    closeReasons: [...counters.closeReasons],
    openClients: clients.filter(({ client }) => client.isOpen).length,
  }
  if (reset) {
    sent = 0
    counters.received = 0
    counters.latency.counts.fill(0)
    counters.unexpectedCloses.clear()
    cpuAtReset = process.cpuUsage()
  }
  return result
}

async function closeAll(): Promise<void> {
  const closing = clients.map(({ client }) => new Promise<void>((resolve) => {
    if (client.socket.readyState === client.socket.CLOSED) return resolve()
    client.socket.once('close', () => resolve())
    client.close()
  }))
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000))
  await Promise.race([Promise.all(closing), timeout])
  for (const { client } of clients) client.doc.destroy()
  clients = []
  counters = { received: 0, latency: new LatencyHistogram(), unexpectedCloses: new Map(), closeReasons: new Map() }
}

/** Opens one fresh client in `room`, waits for its sync step 2, applies it, keeps it open. */
async function join({ serverUrl, room }: { serverUrl: string; room: string }): Promise<JoinResult> {
  const started = now()
  const client = new LoadClient({ url: roomUrl(serverUrl, room), counters, random })
  clients.push({ client, spec: { room, editsPerSecond: 0 } })
  await client.synced
  return { ms: now() - started, bytes: client.syncStep2Bytes, bodyLength: getBody(client.doc).length }
}

/** Sends the update stored in `file` to `room` as one sync update, then disconnects. */
async function seed({ serverUrl, room, file }: { serverUrl: string; room: string; file: string }): Promise<{ bytes: number }> {
  const update = new Uint8Array(readFileSync(file))
  const client = new LoadClient({ url: roomUrl(serverUrl, room), counters, random })
  await client.synced
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 2)
  encoding.writeVarUint8Array(encoder, update)
  await new Promise<void>((resolve, reject) => client.socket.send(encoding.toUint8Array(encoder), (error) => (error ? reject(error) : resolve())))
  await new Promise((resolve) => setTimeout(resolve, 200))
  client.close()
  client.doc.destroy()
  return { bytes: update.byteLength }
}

/** A client in `room` makes one small edit (so the server's document has just changed). */
async function touch({ serverUrl, room }: { serverUrl: string; room: string }): Promise<void> {
  const client = new LoadClient({ url: roomUrl(serverUrl, room), counters, random })
  await client.synced
  client.doc.transact(() => getBody(client.doc).insert(getBody(client.doc).length, [new Y.XmlElement('paragraph')]))
  await new Promise((resolve) => setTimeout(resolve, 300))
  client.close()
  client.doc.destroy()
}

answerRequests({ connect, edit, editOnce, stats, closeAll, join, seed, touch })
