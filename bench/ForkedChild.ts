/**
 * A child process of the benchmark (a server under test or a load worker), started with
 * `child_process.fork` in a process group of its own and spoken to by request/response over
 * IPC. Every child ever started is remembered, so `killAllChildren` can end them all, whatever
 * way the benchmark stops (normal end, thrown error, Ctrl-C).
 *
 * The child side of the protocol is `answerRequests` below: it also exits when the IPC channel
 * closes, so a child never outlives a benchmark that was killed with SIGKILL.
 */
import { type ChildProcess, fork } from 'node:child_process'

/** Every child alive, to be killed at the end. */
const living = new Set<ForkedChild>()

interface Request {
  readonly id: number
  readonly cmd: string
  readonly args: unknown
}

interface Reply {
  readonly id: number
  readonly ok: boolean
  readonly result?: unknown
  readonly error?: string
}

/** A message the child sends of its own accord (not a reply), e.g. "ready". */
export interface Notice {
  readonly notice: string
  readonly [key: string]: unknown
}

export interface ForkOptions {
  /** Shown in errors and in the child's forwarded stderr. */
  readonly name: string
  readonly module: string
  readonly env?: Record<string, string>
  /** Extra node flags (the tsx loader is always added). */
  readonly nodeFlags?: readonly string[]
}

export class ForkedChild {
  readonly name: string
  readonly process: ChildProcess
  #nextId = 1
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  readonly #noticeWaiters: Array<{ notice: string; resolve: (n: Notice) => void }> = []
  readonly exited: Promise<number | null>
  #hasExited = false
  /** The last lines the child wrote to stderr, for the error message if it dies. */
  readonly #stderrTail: string[] = []

  constructor(options: ForkOptions) {
    this.name = options.name
    this.process = fork(options.module, [], {
      // A group of its own: killing -pid ends the child and anything it started.
      detached: true,
      execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    })
    living.add(this)
    const forward = (stream: NodeJS.ReadableStream | null, isError: boolean) => {
      let partial = ''
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n')
        partial = lines.pop() ?? ''
        for (const line of lines) {
          if (isError) {
            this.#stderrTail.push(line)
            if (this.#stderrTail.length > 20) this.#stderrTail.shift()
          }
          if (line.trim()) (isError ? process.stderr : process.stdout).write(`    [${this.name}] ${line}\n`)
        }
      })
    }
    forward(this.process.stdout, false)
    forward(this.process.stderr, true)
    this.process.on('message', (message: Reply | Notice) => {
      if ('notice' in message) {
        const index = this.#noticeWaiters.findIndex((w) => w.notice === message.notice)
        if (index >= 0) this.#noticeWaiters.splice(index, 1)[0]!.resolve(message)
        return
      }
      const pending = this.#pending.get(message.id)
      if (!pending) return
      this.#pending.delete(message.id)
      if (message.ok) pending.resolve(message.result)
      else pending.reject(new Error(`${this.name}: ${message.error}`))
    })
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.#hasExited = true
        living.delete(this)
        const why = new Error(`${this.name} exited (code ${code}, signal ${signal})${this.#describeStderr()}`)
        for (const pending of this.#pending.values()) pending.reject(why)
        this.#pending.clear()
        resolve(code)
      })
    })
  }

  #describeStderr(): string {
    const tail = this.#stderrTail.filter((l) => l.trim())
    return tail.length ? `; its stderr ended with:\n${tail.join('\n')}` : ''
  }

  get pid(): number {
    return this.process.pid!
  }

  /** Resolves with the first notice of this kind (e.g. "ready"); rejects if the child dies. */
  waitForNotice(notice: string, timeoutMs = 30_000): Promise<Notice> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not say "${notice}" within ${timeoutMs} ms${this.#describeStderr()}`)), timeoutMs)
      this.#noticeWaiters.push({
        notice,
        resolve: (n) => {
          clearTimeout(timer)
          resolve(n)
        },
      })
      void this.exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`${this.name} exited before saying "${notice}"${this.#describeStderr()}`))
      })
    })
  }

  /** Sends a command and resolves with the child's answer. */
  request<T>(cmd: string, args: unknown = {}, timeoutMs = 600_000): Promise<T> {
    if (this.#hasExited) return Promise.reject(new Error(`${this.name} has exited`))
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`${this.name}: "${cmd}" got no answer within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer)
          resolve(value as T)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      this.process.send({ id, cmd, args } satisfies Request)
    })
  }

  /**
   * Asks the child to exit by itself (so `--cpu-prof` can write its profile), then kills its
   * process group if it has not gone within `graceMs`.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#hasExited) return
    try {
      this.process.send({ id: 0, cmd: 'exit', args: {} } satisfies Request)
    } catch {
      // The channel is already gone; the kill below does the rest.
    }
    const timer = setTimeout(() => this.kill(), graceMs)
    await this.exited
    clearTimeout(timer)
    this.kill()
  }

  /** Kills the child's whole process group at once. */
  kill(): void {
    try {
      process.kill(-this.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
}

/** Kills every child still alive (synchronous, so it can run in an 'exit' handler). */
export function killAllChildren(): void {
  for (const child of living) child.kill()
  living.clear()
}

/**
 * Makes sure no child survives the benchmark: on normal exit, on an uncaught error and on the
 * usual termination signals.
 */
export function killChildrenOnExit(): void {
  process.once('exit', killAllChildren)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllChildren()
      process.exit(130)
    })
  }
}

/** Child side: answers the parent's requests with `handlers`; exits when the parent goes. */
export function answerRequests(handlers: Record<string, (args: any) => unknown>): void {
  const send = process.send?.bind(process)
  if (!send) throw new Error('This module runs as a child of bench/run.ts (it needs an IPC channel).')
  process.on('message', (message: Request) => {
    if (message.cmd === 'exit') {
      process.exit(0)
    }
    const handler = handlers[message.cmd]
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.cmd}`)
        return handler(message.args)
      })
      .then(
        (result) => send({ id: message.id, ok: true, result } satisfies Reply),
        (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
      )
  })
  process.on('disconnect', () => process.exit(0))
}

/** Child side: tells the parent something of its own accord. */
export function notifyParent(notice: Notice): void {
  process.send?.(notice)
}
