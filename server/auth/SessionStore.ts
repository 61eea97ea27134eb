/**
 * express-session's storage on the Concordat store, so sessions survive a restart and are
 * shared by every instance on one database. Session ids are stored hashed; only signed-in
 * sessions are stored at all.
 */
import session from 'express-session'
import type { AccountStore } from '../store/Store.ts'
import { hashSecret } from './secrets.ts'

/** What Concordat keeps in a session. */
declare module 'express-session' {
  interface SessionData {
    userId: string
    /** When the person signed in (epoch ms), for the absolute expiry. */
    signedInAt: number
  }
}

type Callback = (error?: unknown) => void

export class DatabaseSessionStore extends session.Store {
  readonly #accounts: AccountStore

  constructor(accounts: AccountStore) {
    super()
    this.#accounts = accounts
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    this.#accounts.getSession(hashSecret(sid)).then(
      (record) => {
        if (!record || record.expiresAt <= Date.now()) return callback(null, null)
        let data: session.SessionData
        try {
          data = JSON.parse(record.data) as session.SessionData
        } catch {
          return callback(null, null)
        }
        callback(null, data)
      },
      (error) => callback(error),
    )
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    if (!data.userId) {
      callback?.()
      return
    }
    const now = Date.now()
    const expiresAt = data.cookie.expires ? new Date(data.cookie.expires).getTime() : now + (data.cookie.maxAge ?? 0)
    this.#accounts
      .saveSession({ id: hashSecret(sid), userId: data.userId, data: JSON.stringify(data), createdAt: data.signedInAt ?? now, expiresAt })
      .then(() => callback?.(), (error) => callback?.(error))
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.set(sid, data, callback)
  }

  override destroy(sid: string, callback?: Callback): void {
    this.#accounts.deleteSession(hashSecret(sid)).then(() => callback?.(), (error) => callback?.(error))
  }
}
