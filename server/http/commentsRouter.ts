/**
 * The comment routes (DESIGN.md, "Wire and HTTP interface"; shapes in
 * `shared/protocol/comments.ts`), mounted under /api:
 *
 * - `GET  /contracts/:id/threads` — the threads the caller may see
 * - `GET  /contracts/:id/threads/events` — their server-sent event stream (`CommentEvent`)
 * - `GET  /contracts/:id/threads/:threadId` — one of them
 * - `POST /contracts/:id/threads` — start one (201)
 * - `POST /contracts/:id/threads/:threadId/comments` — reply (201)
 * - `PATCH /contracts/:id/threads/:threadId` — resolve or reopen
 * - `PATCH|DELETE /contracts/:id/threads/:threadId/comments/:commentId` — edit or delete one's own (DELETE: 204)
 * - `GET  /inbox`, `POST /inbox/read` — the caller's inbox across contracts
 *
 * Same auth as the rest of the API: a signed-in user on every route, the CSRF token on every
 * change made with a session cookie. The service does the role and scope checks.
 */
import { Router, type Request } from 'express'
import type { CommentService } from '../comments/CommentService.ts'
import { readCommentRequest, readInboxRead, readNewThread, readThreadStatus } from '../comments/commentRequests.ts'
import { type HttpAuth, requireUser } from './auth.ts'
import { HttpError } from './HttpError.ts'

function param(req: Request, name: string): string {
  const value = req.params[name]
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new HttpError(404, 'not_found', 'Not found.')
  return value
}

function requireJson(req: Request): void {
  if (!req.is('application/json')) throw new HttpError(415, 'json_required', 'Send the request as JSON.')
}

/** The comment routes; mount after the API's session and identification middleware. */
export function commentsRouter(deps: { readonly comments: CommentService; readonly auth: HttpAuth }): Router {
  const { comments, auth } = deps
  const router = Router()
  const threads = '/contracts/:id/threads'

  router.get(threads, requireUser, async (req, res) => {
    res.json(await comments.listThreads(param(req, 'id'), req.userId!))
  })

  // Before `/:threadId`, which would otherwise take "events" for a thread id.
  router.get(`${threads}/events`, requireUser, async (req, res) => {
    await comments.openStream(param(req, 'id'), req.userId!, res)
  })

  router.get(`${threads}/:threadId`, requireUser, async (req, res) => {
    res.json(await comments.getThread(param(req, 'id'), req.userId!, param(req, 'threadId')))
  })

  router.post(threads, requireUser, auth.csrfProtection, async (req, res) => {
    requireJson(req)
    res.status(201).json(await comments.startThread(param(req, 'id'), req.userId!, readNewThread(req.body)))
  })

  router.post(`${threads}/:threadId/comments`, requireUser, auth.csrfProtection, async (req, res) => {
    requireJson(req)
    res.status(201).json(await comments.reply(param(req, 'id'), req.userId!, param(req, 'threadId'), readCommentRequest(req.body)))
  })

  router.patch(`${threads}/:threadId`, requireUser, auth.csrfProtection, async (req, res) => {
    requireJson(req)
    res.json(await comments.setStatus(param(req, 'id'), req.userId!, param(req, 'threadId'), readThreadStatus(req.body)))
  })

  router.patch(`${threads}/:threadId/comments/:commentId`, requireUser, auth.csrfProtection, async (req, res) => {
    requireJson(req)
    res.json(await comments.editComment(param(req, 'id'), req.userId!, param(req, 'threadId'), param(req, 'commentId'), readCommentRequest(req.body)))
  })

  router.delete(`${threads}/:threadId/comments/:commentId`, requireUser, auth.csrfProtection, async (req, res) => {
    await comments.deleteComment(param(req, 'id'), req.userId!, param(req, 'threadId'), param(req, 'commentId'))
    res.status(204).end()
  })

  router.get('/inbox', requireUser, async (req, res) => {
    res.json(await comments.inbox(req.userId!))
  })

  router.post('/inbox/read', requireUser, auth.csrfProtection, async (req, res) => {
    requireJson(req)
    res.json(await comments.markRead(req.userId!, readInboxRead(req.body)))
  })

  return router
}
