/**
 * Starting a real Concordat server in-process on port 0 with its own data directory, and
 * connecting stock `y-websocket` providers to it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { loadConfig } from '../../server/config.ts'
import { type RunningServer, type StartOptions, startServer } from '../../server/main.ts'
import { openPolicy } from '../../server/sync/hooks.ts'

export interface TestServer extends RunningServer {
  readonly dataDir: string
  readonly wsUrl: string
  /** Stops the server and starts a new one on the same data (a restart). */
  restart(): Promise<TestServer>
  /** Stops the server and deletes its data. */
  dispose(): Promise<void>
}

/** The demo accounts' password in tests that seed the demo (`members: true`). */
export const DEMO_PASSWORD = 'demo password for tests'

export interface TestServerOptions extends StartOptions {
  readonly dataDir?: string
  readonly env?: Record<string, string>
  /**
   * True: the real member policy, with the demo seeded (password `DEMO_PASSWORD`). False (the
   * default): the open policy, for tests of the sync layer alone.
   */
  readonly members?: boolean
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'concordat-test-'))
  const env = options.members ? { CONCORDAT_DEMO_PASSWORD: DEMO_PASSWORD } : { CONCORDAT_DEMO: '0' }
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...env, ...options.env })
  const server = await startServer(config, {
    ...options,
    hooks: options.members ? undefined : (options.hooks ?? openPolicy),
    announce: options.announce ?? (() => {}),
  })
  return {
    ...server,
    dataDir,
    wsUrl: server.url.replace(/^http/, 'ws') + '/collab',
    async restart() {
      await server.close()
      return startTestServer({ ...options, dataDir })
    },
    async dispose() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A stock WebsocketProvider in Node (the `ws` polyfill, no BroadcastChannel between tests). */
export function connectProvider(wsUrl: string, room: string, doc = new Y.Doc(), params: Record<string, string> = {}): WebsocketProvider {
  return new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params,
  })
}

/** Resolves once the provider has completed its first sync with the server. */
export function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve) => provider.once('sync', (isSynced: boolean) => isSynced && resolve()))
}

/** Polls `condition` until it holds, or fails with `message` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
