/**
 * The JSON API: session, tokens, contracts (listing and starting them) and members,
 * invitations, and comments (`commentsRouter.ts`). Every route that changes state runs behind CSRF protection when the caller is
 * identified by cookie.
 */
import { Router, type Request, type Response } from 'express'
import cookieParser from 'cookie-parser'
import type { AccountService } from '../accounts/AccountService.ts'
import type { Authenticator } from '../auth/Authenticator.ts'
import { type ContractService, readNewContract } from '../contracts/ContractService.ts'
import type { AccountStore } from '../store/Store.ts'
import type { CommentService } from '../comments/CommentService.ts'
import { type HttpAuth, requireUser } from './auth.ts'
import { commentsRouter } from './commentsRouter.ts'
import { HttpError } from './HttpError.ts'

export interface ApiDependencies {
  readonly accounts: AccountStore
  readonly service: AccountService
  readonly contracts: ContractService
  /** Comment threads and the inbox (`commentsRouter.ts`). */
  readonly comments: CommentService
  readonly authenticator: Authenticator
  readonly auth: HttpAuth
  /** The public base URL, for invitation links (e.g. http://127.0.0.1:3000). */
  readonly baseUrl: () => string
  /** Where invitation links are announced (the server log: there is no mail server). */
  readonly announce: (message: string) => void
}

/** Regenerates the session (a new id defeats fixation) and marks it signed in. */
function beginSession(req: Request, userId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error) => {
      if (error) return reject(error)
      req.session.userId = userId
      req.session.signedInAt = Date.now()
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()))
    })
  })
}

function param(req: Request, name: string): string {
  const value = req.params[name]
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new HttpError(404, 'not_found', 'Not found.')
  return value
}

export function apiRouter(deps: ApiDependencies): Router {
  const { accounts, service, contracts, authenticator, auth } = deps
  const api = Router()
  // csrf-csrf reads its cookie from req.cookies.
  api.use(cookieParser(), auth.sessions, auth.identify)

  const sessionBody = async (req: Request, res: Response, userId: string, isNewSession: boolean) => {
    const profile = await accounts.getProfile(userId)
    return { user: profile, csrfToken: req.authMethod === 'token' ? null : auth.csrfToken(req, res, isNewSession) }
  }

  api.get('/session', requireUser, async (req, res) => {
    res.json(await sessionBody(req, res, req.userId!, false))
  })

  // Signing in needs no CSRF token (there is no session to bind it to yet); a foreign page
  // cannot send JSON here without a CORS preflight, which this server never grants.
  api.post('/session', async (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'json_required', 'Send the sign-in as JSON.')
    const user = await service.signIn(req.body?.email, req.body?.password, req.ip ?? 'unknown')
    await beginSession(req, user.id)
    req.authMethod = 'session'
    res.json(await sessionBody(req, res, user.id, true))
  })

  api.delete('/session', auth.csrfProtection, async (req, res) => {
    await new Promise<void>((resolve) => (req.session ? req.session.destroy(() => resolve()) : resolve()))
    res.clearCookie(authenticator.policy.cookieName, { path: '/' })
    res.status(204).end()
  })

  api.post('/tokens', requireUser, auth.csrfProtection, async (req, res) => {
    res.status(201).json(await authenticator.issueToken(req.userId!))
  })

  /** Revokes the bearer token the request is made with. */
  api.delete('/tokens/current', requireUser, async (req, res) => {
    const token = authenticator.bearerToken(req)
    if (token === null) throw new HttpError(400, 'no_token', 'Send the token to revoke as Authorization: Bearer ….')
    await authenticator.revokeToken(token)
    res.status(204).end()
  })

  api.get('/contracts', requireUser, async (req, res) => {
    res.json(await accounts.listContractsFor(req.userId!))
  })

  /** Starts a contract, empty or as a copy (`NewContractRequest`); the caller becomes its owner. */
  api.post('/contracts', requireUser, auth.csrfProtection, async (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'json_required', 'Send the new contract as JSON.')
    res.status(201).json(await contracts.create(req.userId!, readNewContract(req.body)))
  })

  api.get('/organisations', requireUser, async (_req, res) => {
    res.json(await accounts.listOrganisations())
  })

  api.get('/contracts/:id/members', requireUser, async (req, res) => {
    const contractId = param(req, 'id')
    await service.requireRole(contractId, req.userId!)
    res.json(await accounts.listMembers(contractId))
  })

  api.post('/contracts/:id/invitations', requireUser, auth.csrfProtection, async (req, res) => {
    const contractId = param(req, 'id')
    const body = req.body ?? {}
    const invitation = await service.invite(contractId, req.userId!, body)
    if (invitation.secret === null) {
      res.status(201).json({ userId: invitation.userId, inviteUrl: null })
      return
    }
    const inviteUrl = `${deps.baseUrl()}/invite/${invitation.secret}`
    deps.announce(`Invitation for ${String(body.email)} to contract ${contractId}: ${inviteUrl}`)
    res.status(201).json({ userId: invitation.userId, inviteUrl })
  })

  api.patch('/contracts/:id/members/:userId', requireUser, auth.csrfProtection, async (req, res) => {
    await service.changeRole(param(req, 'id'), req.userId!, param(req, 'userId'), req.body?.role)
    res.status(204).end()
  })

  api.delete('/contracts/:id/members/:userId', requireUser, auth.csrfProtection, async (req, res) => {
    await service.removeMember(param(req, 'id'), req.userId!, param(req, 'userId'))
    res.status(204).end()
  })

  api.get('/invitations/:secret', async (req, res) => {
    const offer = await service.describeInvitation(param(req, 'secret'))
    const title = (await accounts.listAllContracts()).find((c) => c.id === offer.contractId)?.title ?? ''
    res.json({ ...offer, contractTitle: title })
  })

  // Accepting is guarded by the link's secret itself; it then signs the person in.
  api.post('/invitations/:secret', async (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'json_required', 'Send the password as JSON.')
    const userId = await service.acceptInvitation(param(req, 'secret'), req.body?.password)
    await beginSession(req, userId)
    req.authMethod = 'session'
    res.json(await sessionBody(req, res, userId, true))
  })

  api.use(commentsRouter({ comments: deps.comments, auth }))

  return api
}
