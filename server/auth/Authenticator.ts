/**
 * Who is making a request: from an API token (`Authorization: Bearer …`, or `?token=` on a
 * WebSocket upgrade) or from the session cookie. The same rules serve HTTP and the sync server.
 */
import type { IncomingMessage } from 'node:http'
import cookieParser from 'cookie-parser'
import type session from 'express-session'
import { asUserId } from '../../shared/domain/ids.ts'
import type { AccountStore } from '../store/Store.ts'
import type { Principal } from '../sync/hooks.ts'
import { hashSecret, newSecret } from './secrets.ts'

export interface SessionPolicy {
  /** The session cookie's name. */
  readonly cookieName: string
  /** Signed-in sessions end after this long without a request (default 8 hours). */
  readonly idleMs: number
  /** …and after this long in any case (default 7 days). */
  readonly absoluteMs: number
  /** API tokens live this long (default 1 hour). */
  readonly tokenTtlMs: number
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  cookieName: 'concordat.sid',
  idleMs: 8 * 60 * 60 * 1000,
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
  tokenTtlMs: 60 * 60 * 1000,
}

/** The session data that marks a person as signed in, if it is still within its lifetime. */
export function signedInUserId(data: Partial<session.SessionData> | undefined, policy: SessionPolicy, now = Date.now()): string | null {
  if (!data?.userId || typeof data.signedInAt !== 'number') return null
  return now - data.signedInAt < policy.absoluteMs ? data.userId : null
}

export class Authenticator {
  readonly #accounts: AccountStore
  readonly #sessions: session.Store
  readonly #parseCookies: (request: IncomingMessage) => Record<string, string | false>
  readonly policy: SessionPolicy

  constructor(init: { accounts: AccountStore; sessions: session.Store; secret: string; policy: SessionPolicy }) {
    this.#accounts = init.accounts
    this.#sessions = init.sessions
    const parser = cookieParser(init.secret)
    this.#parseCookies = (request) => {
      const target = request as IncomingMessage & { signedCookies?: Record<string, string | false>; secret?: string }
      // cookie-parser reads only the Cookie header and writes req.cookies / req.signedCookies.
      parser(target as never, {} as never, () => {})
      return target.signedCookies ?? {}
    }
    this.policy = init.policy
  }

  /** Issues a bearer token for a signed-in user. */
  async issueToken(userId: string): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret()
    const now = Date.now()
    const expiresAt = now + this.policy.tokenTtlMs
    await this.#accounts.createToken({ id: hashSecret(token), userId, createdAt: now, expiresAt, revokedAt: null })
    return { token, expiresAt }
  }

  /** Revokes a token; later requests with it are unauthenticated. */
  async revokeToken(token: string): Promise<void> {
    await this.#accounts.revokeToken(hashSecret(token), Date.now())
  }

  /** The user a valid, unexpired, unrevoked token belongs to. */
  async userForToken(token: string): Promise<string | null> {
    if (token.length === 0 || token.length > 200) return null
    const record = await this.#accounts.findToken(hashSecret(token))
    if (!record || record.revokedAt !== null || record.expiresAt <= Date.now()) return null
    return record.userId
  }

  /** The bearer token of a request, if it carries one. */
  bearerToken(request: IncomingMessage): string | null {
    const header = request.headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    return match ? match[1]! : null
  }

  /** The signed-in user of the session cookie, read without express (for WebSocket upgrades). */
  async userForSessionCookie(request: IncomingMessage): Promise<string | null> {
    const sid = this.#parseCookies(request)[this.policy.cookieName]
    if (!sid) return null
    const data = await new Promise<session.SessionData | null>((resolve) =>
      this.#sessions.get(sid, (error, value) => resolve(error ? null : (value ?? null))),
    )
    return signedInUserId(data ?? undefined, this.policy)
  }

  /** The user behind a WebSocket upgrade: `?token=`, a bearer header, or the session cookie. */
  async userForUpgrade(request: IncomingMessage, url: URL): Promise<string | null> {
    const token = url.searchParams.get('token') ?? this.bearerToken(request)
    if (token !== null) return this.userForToken(token)
    return this.userForSessionCookie(request)
  }

  /** The principal (identity shown to others) of a user. */
  async principalOf(userId: string): Promise<Principal | null> {
    const profile = await this.#accounts.getProfile(userId)
    if (!profile) return null
    return { userId: asUserId(profile.id), name: profile.name, organisation: profile.organisation.name, constituency: profile.organisation.constituency }
  }
}
