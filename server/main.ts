/**
 * The composition root: parse config → open store → accounts and authentication → build app →
 * build sync server → seed the demo → listen. `startServer` is also what tests call, with a
 * literal config.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { AccountService } from './accounts/AccountService.ts'
import { Authenticator, DEFAULT_SESSION_POLICY } from './auth/Authenticator.ts'
import { memberPolicy } from './auth/memberPolicy.ts'
import { newSecret } from './auth/secrets.ts'
import { DatabaseSessionStore } from './auth/SessionStore.ts'
import { SignInThrottle, type ThrottleLimits } from './auth/SignInThrottle.ts'
import { type Config, ConfigError, loadConfig } from './config.ts'
import { CommentEvents } from './comments/CommentEvents.ts'
import { CommentService } from './comments/CommentService.ts'
import { ContractDetailsWriter } from './contracts/ContractDetailsWriter.ts'
import { ContractService } from './contracts/ContractService.ts'
import { CurrentDocument } from './contracts/CurrentDocument.ts'
import { apiRouter } from './http/apiRouter.ts'
import { createHttpAuth } from './http/auth.ts'
import { createApp } from './http/createApp.ts'
import { seedDemo } from './seed/seedDemo.ts'
import { openStore } from './store/SqlStore.ts'
import type { Store } from './store/Store.ts'
import type { RefereeHooks } from './sync/hooks.ts'
import { SyncServer, type SyncServerOptions } from './sync/SyncServer.ts'

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly store: Store
  readonly sync: SyncServer
  readonly accounts: AccountService
  /** Comment threads and their event streams. */
  readonly comments: CommentService
  readonly commentEvents: CommentEvents
  /** The demo password, when this start seeded the demo; else null. */
  readonly demoPassword: string | null
  /** Stops accepting, flushes, closes sockets with "going away", closes the store. */
  close(): Promise<void>
}

export interface StartOptions {
  /**
   * Replaces the referee's policy (members and roles). Only tests of the sync layer use this,
   * with the open policy.
   */
  readonly hooks?: RefereeHooks
  /** Overrides of the sync server's tuning (tests shorten the idle time). */
  readonly sync?: Partial<Pick<SyncServerOptions, 'roomIdleMs' | 'compactAfterUpdates'>>
  /** How often comment event streams get a heartbeat line (default 25 s; tests shorten it). */
  readonly commentHeartbeatMs?: number
  /** Overrides of the sign-in throttle (tests lower it). */
  readonly throttle?: ThrottleLimits
  /** A store schema for PostgreSQL (tests isolate themselves in one). */
  readonly postgresSchema?: string
  /** Where the server speaks to its operator (invitation links, the demo password). */
  readonly announce?: (message: string) => void
}

/** Opens the store and starts HTTP and WebSocket on `config.host:config.port`. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const announce = options.announce ?? ((message: string) => console.log(message))
  const store = await openStore(
    config.databaseUrl
      ? { engine: 'postgres', connectionString: config.databaseUrl, schema: options.postgresSchema }
      : { engine: 'sqlite', dataDir: config.dataDir },
  )
  const { accounts } = store
  const secret = await accounts.getOrCreateSetting('session-secret', newSecret)
  const sessionStore = new DatabaseSessionStore(accounts)
  const authenticator = new Authenticator({ accounts, sessions: sessionStore, secret, policy: DEFAULT_SESSION_POLICY })

  // The contract list follows the titles and descriptions people write in the documents.
  const contractDetails = new ContractDetailsWriter({ accounts })
  const sync = new SyncServer({
    store,
    hooks: options.hooks ?? memberPolicy(accounts, authenticator),
    // Bindings name users, which the open policy's anonymous guest is not.
    bindings: options.hooks
      ? undefined
      : { list: (contractId) => accounts.listClientBindings(contractId), bind: (contractId, clientId, userId) => accounts.bindClient(contractId, clientId, userId, Date.now()) },
    allowedOrigins: config.allowedOrigins,
    onMetaChanged: (contractId, changed) => contractDetails.record(contractId, changed),
    // Threads whose passage or clause an edit removes are pushed again as detached.
    onBodyChanged: (contractId) => comments.bodyChanged(contractId),
    ...options.sync,
  })
  const commentEvents = new CommentEvents({ heartbeatMs: options.commentHeartbeatMs })
  const documents = new CurrentDocument({ store, sync })
  const comments = new CommentService({ accounts, comments: store.comments, documents, events: commentEvents })
  const service = new AccountService({
    accounts,
    throttle: new SignInThrottle(options.throttle),
    onRoleChange: (contractId, userId, role) => {
      sync.applyRoleChange(contractId as never, userId, role)
      // A removed member's comment streams close; any other role still reads its scope.
      if (role === null) commentEvents.closeMember(contractId, userId)
    },
  })

  let baseUrl = config.publicUrl ?? ''
  const api = apiRouter({
    accounts,
    service,
    contracts: new ContractService({ store, members: service, documents }),
    comments,
    authenticator,
    auth: createHttpAuth({ authenticator, store: sessionStore, secret }),
    baseUrl: () => baseUrl,
    announce,
  })
  const vite = config.isDevelopment ? await startViteMiddleware() : null
  const http = createServer(createApp({ api, clientMiddleware: vite?.middlewares }))
  sync.attach(http)

  const demoPassword = config.seedsDemo ? await seedDemo(store, service, config.demoPassword) : null

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(config.port, config.host, resolve)
  })
  const { port } = http.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  baseUrl ||= url

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise((resolve) => http.close(resolve))
      // Event streams never end by themselves: end them so the HTTP server can close.
      comments.close()
      commentEvents.close()
      await sync.close()
      http.closeAllConnections()
      await stopped
      await vite?.close()
      await contractDetails.settled()
      await store.close()
    })())

  return { url, port, store, sync, accounts: service, comments, commentEvents, demoPassword, close }
}

async function startViteMiddleware() {
  const { createServer: createVite } = await import('vite')
  return createVite({ server: { middlewareMode: true }, appType: 'spa' })
}

async function main(): Promise<void> {
  // Output piped into a closed reader (e.g. `npm start | head`) must not crash a shutdown.
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
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
  if (server.demoPassword !== null) {
    const origin = config.demoPassword === null ? 'generated for this store; it is shown only now' : 'from CONCORDAT_DEMO_PASSWORD'
    console.log(`Demo seeded. Sign in as chair@demo.test, provider@demo.test, purchaser@demo.test or observer@demo.test`)
    console.log(`with the password ${server.demoPassword} (${origin}).`)
  }
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
