/**
 * The server as a separate process, started the way `npm start` runs it (`node --import tsx
 * server/main.ts`), so a test can kill it with a signal. It runs in its own process group
 * (`detached`), and signals go to the whole group, so nothing it might start survives it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** Every group started and not yet seen to exit; killed if the test process exits first. */
const running = new Set<ServerProcess>()
process.once('exit', () => {
  for (const server of running) server.signal('SIGKILL')
})

export class ServerProcess {
  readonly child: ChildProcess
  readonly port: number
  /** `ws://127.0.0.1:<port>/collab`, the base URL of sync sockets. */
  readonly wsUrl: string
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>
  #output: string[]

  private constructor(child: ChildProcess, port: number, exited: Promise<ProcessExit>, output: string[]) {
    this.child = child
    this.port = port
    this.wsUrl = `ws://127.0.0.1:${port}/collab`
    this.exited = exited
    this.#output = output
  }

  /**
   * Starts the server on a free port with its SQLite store in `dataDir`, and resolves once it
   * prints the address it listens on.
   */
  static async start(dataDir: string, timeoutMs = 30_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'test', CONCORDAT_DEMO: '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output: string[] = []
    const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))

    const port = await new Promise<number>((resolve, reject) => {
      let stdout = ''
      const timer = setTimeout(() => reject(new Error(`The server did not start within ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs)
      child.stdout!.on('data', (chunk: Buffer) => {
        output.push(chunk.toString())
        stdout += chunk.toString()
        const match = /Concordat listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
        if (match) {
          clearTimeout(timer)
          resolve(Number(match[1]))
        }
      })
      void exited.then(({ code, signal }) => {
        clearTimeout(timer)
        reject(new Error(`The server exited (code ${code}, signal ${signal}) before listening:\n${output.join('')}`))
      })
    })
    const server = new ServerProcess(child, port, exited, output)
    running.add(server)
    void exited.then(() => running.delete(server))
    return server
  }

  /** Everything the process printed so far, stdout and stderr interleaved. */
  get output(): string {
    return this.#output.join('')
  }

  /** Sends `signal` to the process group; does nothing once the process has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    try {
      process.kill(-this.child.pid!, signal)
    } catch (error) {
      // ESRCH: the group is already gone.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }

  /** Kills the group with SIGKILL (if still running) and waits for the exit. */
  async kill(): Promise<ProcessExit> {
    this.signal('SIGKILL')
    return this.exited
  }

  /** Kills every server process this helper started that is still running. */
  static async killAll(): Promise<void> {
    await Promise.all([...running].map((server) => server.kill()))
  }
}
