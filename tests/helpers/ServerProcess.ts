/**
 * The server as a separate process, started the way `npm start` runs it (`node --import tsx
 * server/main.ts`), so a test can kill it with a signal. It runs in its own process group
 * (`detached`), and signals go to the whole group, so nothing it might start survives it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The demo's password in server processes started here; the demo is seeded on first start. */
export const PROCESS_DEMO_PASSWORD = 'demo password for process tests'

/** Signs in as the demo chair over HTTP and returns a bearer token for sync sockets. */
async function chairToken(port: number): Promise<string> {
  const base = `http://127.0.0.1:${port}`
  const signIn = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'chair@demo.test', password: PROCESS_DEMO_PASSWORD }),
  })
  if (!signIn.ok) throw new Error(`Signing in to the test server failed: ${signIn.status} ${await signIn.text()}`)
  const cookies = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const { csrfToken } = (await signIn.json()) as { csrfToken: string }
  const issued = await fetch(`${base}/api/tokens`, { method: 'POST', headers: { Cookie: cookies, 'X-CSRF-Token': csrfToken } })
  if (!issued.ok) throw new Error(`Issuing a token failed: ${issued.status} ${await issued.text()}`)
  return ((await issued.json()) as { token: string }).token
}

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
  /** Query parameters that authenticate a sync socket as the demo chair (owner of the demo contract). */
  readonly chairParams: Record<string, string>
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>
  #output: string[]

  private constructor(child: ChildProcess, port: number, exited: Promise<ProcessExit>, output: string[], token: string) {
    this.chairParams = { token }
    this.child = child
    this.port = port
    this.wsUrl = `ws://127.0.0.1:${port}/collab`
    this.exited = exited
    this.#output = output
  }

  /**
   * Starts the server on a free port with its SQLite store in `dataDir` (seeding the demo the
   * first time), and resolves once it listens and has issued a token for the demo chair.
   */
  static async start(dataDir: string, timeoutMs = 30_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'test', CONCORDAT_DEMO: '1', CONCORDAT_DEMO_PASSWORD: PROCESS_DEMO_PASSWORD },
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
    let token: string
    try {
      token = await chairToken(port)
    } catch (error) {
      process.kill(-child.pid!, 'SIGKILL')
      throw error
    }
    const server = new ServerProcess(child, port, exited, output, token)
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
