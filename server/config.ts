/**
 * The server's configuration: the only reader of environment variables. `loadConfig` runs once
 * in `main.ts`; everything else receives the values it needs as arguments.
 */
import { resolve } from 'node:path'

export interface Config {
  /** Interface to listen on. `HOST`, default 127.0.0.1 (not exposed beyond this machine). */
  readonly host: string
  /** Port for HTTP and WebSocket. `PORT`, default 3000; 0 picks a free port (tests). */
  readonly port: number
  /** Where the embedded SQLite store keeps its files. `DATA_DIR`, default ./data. */
  readonly dataDir: string
  /** `DATABASE_URL`: a postgres:// URL switches the store to PostgreSQL; unset means SQLite. */
  readonly databaseUrl: string | null
  /**
   * `ALLOWED_ORIGINS`, comma-separated: browser origins allowed to open sync sockets besides
   * the server's own host, for deployments behind a proxy that rewrites Host.
   */
  readonly allowedOrigins: readonly string[]
  /** `NODE_ENV=development` serves the client through Vite's dev middleware (`npm run dev`). */
  readonly isDevelopment: boolean
  /** `CONCORDAT_DEMO`: seed the demo on first start with an empty store unless set to 0. */
  readonly seedsDemo: boolean
  /** `CONCORDAT_DEMO_PASSWORD`: the demo accounts' password; unset generates one, printed once. */
  readonly demoPassword: string | null
  /**
   * `PUBLIC_URL`: the address people use to reach the server, for invitation links. Default
   * `http://HOST:PORT` as actually bound.
   */
  readonly publicUrl: string | null
}

/** Thrown for an unusable setting, with a message naming the variable and what is expected. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Readonly<Record<string, string | undefined>>

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${value}".`)
  return port
}

function parseDatabaseUrl(value: string | undefined): string | null {
  if (value === undefined || value === '') return null
  if (!/^postgres(ql)?:\/\//.test(value)) throw new ConfigError('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite store).')
  return value
}

function parseOrigins(value: string | undefined): string[] {
  if (!value) return []
  const origins = value.split(',').map((o) => o.trim()).filter(Boolean)
  for (const origin of origins) {
    let parsed: URL
    try {
      parsed = new URL(origin)
    } catch {
      throw new ConfigError(`ALLOWED_ORIGINS has "${origin}", which is not a URL like https://concordat.example.org.`)
    }
    if (parsed.origin !== origin) throw new ConfigError(`ALLOWED_ORIGINS entries are bare origins: "${parsed.origin}", not "${origin}".`)
  }
  return origins
}

function parseDemoPassword(value: string | undefined): string | null {
  if (value === undefined || value === '') return null
  if (value.length < 10) throw new ConfigError('CONCORDAT_DEMO_PASSWORD must be at least 10 characters long.')
  return value
}

function parsePublicUrl(value: string | undefined): string | null {
  if (value === undefined || value === '') return null
  try {
    return new URL(value).origin
  } catch {
    throw new ConfigError(`PUBLIC_URL must be a URL like https://concordat.example.org, not "${value}".`)
  }
}

/** Reads and validates the configuration from `env`; throws a ConfigError naming the culprit. */
export function loadConfig(env: Env): Config {
  return {
    host: env.HOST || '127.0.0.1',
    port: parsePort(env.PORT),
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
    isDevelopment: env.NODE_ENV === 'development',
    seedsDemo: env.CONCORDAT_DEMO !== '0',
    demoPassword: parseDemoPassword(env.CONCORDAT_DEMO_PASSWORD),
    publicUrl: parsePublicUrl(env.PUBLIC_URL),
  }
}
