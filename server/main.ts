/**
 * The composition root: parse config → open store → build app → build sync server → listen.
 * `startServer` is also what tests and benchmarks call, with a literal config.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { type Config, ConfigError, loadConfig } from './config.ts'
import { createApp } from './http/createApp.ts'
import { openStore } from './store/SqlStore.ts'
import type { Store } from './store/Store.ts'
import { type RefereeHooks, openPolicy } from './sync/hooks.ts'
import { SyncServer, type SyncServerOptions } from './sync/SyncServer.ts'

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly store: Store
  readonly sync: SyncServer
  /** Stops accepting, flushes, closes sockets with "going away", closes the store. */
  close(): Promise<void>
}

export interface StartOptions {
  /** The referee's policy; the open default lets everyone write. */
  readonly hooks?: RefereeHooks
  /** Overrides of the sync server's tuning (tests shorten the idle time). */
  readonly sync?: Partial<Pick<SyncServerOptions, 'roomIdleMs' | 'compactAfterUpdates'>>
  /** A store schema for PostgreSQL (tests isolate themselves in one). */
  readonly postgresSchema?: string
}

/** Opens the store and starts HTTP and WebSocket on `config.host:config.port`. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const store = await openStore(
    config.databaseUrl
      ? { engine: 'postgres', connectionString: config.databaseUrl, schema: options.postgresSchema }
      : { engine: 'sqlite', dataDir: config.dataDir },
  )
  const vite = config.isDevelopment ? await startViteMiddleware() : null
  const app = createApp({ clientMiddleware: vite?.middlewares })
  const http = createServer(app)
  const sync = new SyncServer({ store, hooks: options.hooks ?? openPolicy, allowedOrigins: config.allowedOrigins, ...options.sync })
  sync.attach(http)

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(config.port, config.host, resolve)
  })
  const { port } = http.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise((resolve) => http.close(resolve))
      await sync.close()
      http.closeAllConnections()
      await stopped
      await vite?.close()
      await store.close()
    })())

  return { url: `http://${host}:${port}`, port, store, sync, close }
}

async function startViteMiddleware() {
  const { createServer: createVite } = await import('vite')
  return createVite({ server: { middlewareMode: true }, appType: 'spa' })
}

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`)
      process.exit(2)
    }
    throw error
  }
  const server = await startServer(config)
  const engine = server.store.engine === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'
  console.log(`Concordat listening on ${server.url} (store: ${engine})`)

  const shutDown = (signal: string) => {
    console.log(`${signal} received: finishing writes and closing connections…`)
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error('Shutdown failed', error)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutDown('SIGTERM'))
  process.once('SIGINT', () => shutDown('SIGINT'))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error('Concordat failed to start', error)
    process.exit(1)
  })
}
