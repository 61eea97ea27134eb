/**
 * The Express application: the JSON API and the built client. Routers by resource join here
 * as capabilities arrive; errors leave as `{ error: { code, message } }`.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express'
import helmet from 'helmet'
import { existsSync } from 'node:fs'
import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpError } from './HttpError.ts'

/** Where `vite build` puts the client. */
export const CLIENT_DIST = fileURLToPath(new URL('../../dist/client/', import.meta.url))

export interface AppOptions {
  /** The JSON API, mounted at /api. */
  readonly api?: Router
  /** Serves the client in development (Vite's middleware) instead of the built files. */
  readonly clientMiddleware?: RequestHandler
}

export function createApp(options: AppOptions = {}): Express {
  const app = express()
  app.disable('x-powered-by')
  // Vite's dev middleware injects inline scripts, so the content policy applies to built pages.
  app.use(helmet({ contentSecurityPolicy: options.clientMiddleware ? false : undefined }))
  app.use(express.json({ limit: '1mb' }))

  app.get('/api/health', (_req, res) => {
    res.json({ ok: true })
  })
  if (options.api) app.use('/api', options.api)
  app.use('/api', (_req, _res, next) => next(new HttpError(404, 'not_found', 'There is no such API endpoint.')))

  if (options.clientMiddleware) {
    app.use(options.clientMiddleware)
  } else if (existsSync(CLIENT_DIST)) {
    app.use(
      express.static(CLIENT_DIST, {
        index: false,
        maxAge: '1h',
        // The service worker must be checked for a new version on every visit.
        setHeaders: (res, path) => {
          if (path.endsWith(`${sep}sw.js`)) res.set('Cache-Control', 'no-cache')
        },
      }),
    )
    // Client-side routes (/contracts/…) all load the same page.
    app.get('/{*path}', (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: CLIENT_DIST })
    })
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('The client is not built yet: run `npm run build` (npm start does it for you).')
    })
  }

  app.use(errorHandler)
  return app
}

const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof HttpError) {
    const retryAfter = (error as { retryAfter?: number }).retryAfter
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter))
    res.status(error.status).json({ error: { code: error.code, message: error.message } })
    return
  }
  // express.json() reports unreadable bodies with a status; everything else is ours to log.
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500
  if (status === 500) console.error('Unhandled HTTP error', error)
  const message = status === 500 ? 'Something went wrong on the server.' : 'The request could not be read.'
  res.status(status).json({ error: { code: status === 500 ? 'internal' : 'bad_request', message } })
}
