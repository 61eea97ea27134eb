/**
 * Sessions, identification and CSRF for the HTTP API. A request is identified by its bearer
 * token or its session cookie; cookie-authenticated requests that change state must carry the
 * CSRF token (double-submit, signed to the session), bearer requests need none.
 */
import type { Request, RequestHandler } from 'express'
import session from 'express-session'
import { doubleCsrf } from 'csrf-csrf'
import type { Authenticator } from '../auth/Authenticator.ts'
import { signedInUserId } from '../auth/Authenticator.ts'
import { HttpError } from './HttpError.ts'

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in user, set by `identify`. */
    userId?: string
    /** How the user was identified. */
    authMethod?: 'session' | 'token'
  }
}

export interface HttpAuth {
  readonly sessions: RequestHandler
  readonly identify: RequestHandler
  readonly csrfProtection: RequestHandler
  /**
   * The CSRF token for the request's session: a new one after sign-in (`isNewSession`), else
   * the one still valid, so a second tab's page load does not invalidate the first tab's.
   */
  csrfToken(req: Request, res: Parameters<RequestHandler>[1], isNewSession: boolean): string
}

export function createHttpAuth(init: { authenticator: Authenticator; store: session.Store; secret: string }): HttpAuth {
  const { authenticator, store, secret } = init
  const policy = authenticator.policy
  const sessions = session({
    name: policy.cookieName,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: undefined,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: policy.idleMs, path: '/' },
  })

  const identify: RequestHandler = (req, _res, next) => {
    const token = authenticator.bearerToken(req)
    if (token !== null) {
      authenticator.userForToken(token).then((userId) => {
        if (userId === null) return next(new HttpError(401, 'invalid_token', 'The token is invalid, expired or revoked.'))
        req.userId = userId
        req.authMethod = 'token'
        next()
      }, next)
      return
    }
    const userId = signedInUserId(req.session, policy)
    if (userId !== null) {
      req.userId = userId
      req.authMethod = 'session'
    } else if (req.session?.userId) {
      // Past its absolute lifetime: end it rather than keep an unusable session around.
      req.session.destroy(() => next())
      return
    }
    next()
  }

  const csrf = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.session?.id ?? '',
    cookieName: policy.cookieName + '.csrf',
    cookieOptions: { sameSite: 'lax', secure: false, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => req.headers['x-csrf-token'],
    // Bearer requests carry no ambient credential a foreign page could borrow.
    skipCsrfProtection: (req) => req.authMethod === 'token',
  })

  const csrfProtection: RequestHandler = (req, res, next) => {
    csrf.doubleCsrfProtection(req, res, (error?: unknown) => {
      if (error) return next(new HttpError(403, 'csrf', 'The request was missing its security token. Reload the page and try again.'))
      next()
    })
  }

  return { sessions, identify, csrfProtection, csrfToken: (req, res, isNewSession) => csrf.generateCsrfToken(req, res, { overwrite: isNewSession }) }
}

/** Refuses requests without a signed-in user (401). */
export const requireUser: RequestHandler = (req, _res, next) => {
  if (!req.userId) return next(new HttpError(401, 'unauthenticated', 'Sign in to continue.'))
  next()
}
