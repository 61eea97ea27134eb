/**
 * Typed calls to the JSON API. The session's CSRF token is kept here and sent with every
 * state-changing request; a refusal becomes an `ApiError` carrying the server's words.
 */
import type { Role } from '../../shared/domain/roles.ts'
import type { ApiErrorBody, ContractListItem, InvitationView, MemberView, NewContractRequest, OrganisationView, SessionView, UserView } from '../../shared/protocol/api.ts'
import type { CommentView, InboxView, NewThreadRequest, ThreadStatus, ThreadView } from '../../shared/protocol/comments.ts'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

let csrfToken: string | null = null

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let response: Response
  try {
    response = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'offline', 'The server cannot be reached. Check your connection and try again.')
  }
  if (response.status === 204) return undefined as T
  const data: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const error = (data as Partial<ApiErrorBody> | null)?.error
    throw new ApiError(response.status, error?.code ?? 'unknown', error?.message ?? 'Something went wrong. Please try again.')
  }
  return data as T
}

function remember(session: SessionView): SessionView {
  csrfToken = session.csrfToken
  return session
}

/**
 * What this device remembers of the last signed-in person and their contracts, so that a
 * contract kept on the device can be opened while offline. Only names and roles: nothing that
 * grants access (the session cookie does that, and the server checks it on reconnection).
 */
const REMEMBERED_USER = 'concordat.user'
const REMEMBERED_CONTRACTS = 'concordat.contracts'

function readRemembered<T>(key: string): T | null {
  try {
    const value = localStorage.getItem(key)
    return value === null ? null : (JSON.parse(value) as T)
  } catch {
    return null
  }
}

function writeRemembered(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // Storage full or disabled: the app works online all the same.
  }
}

function isUnreachable(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0
}

/** The session the server last confirmed on this device, for opening it while offline. */
export function rememberedSession(): SessionView | null {
  const user = readRemembered<UserView>(REMEMBERED_USER)
  return user === null ? null : { user, csrfToken: null }
}

/** The signed-in session, or null when nobody is signed in. */
export async function currentSession(): Promise<SessionView | null> {
  try {
    const session = remember(await call<SessionView>('GET', '/session'))
    writeRemembered(REMEMBERED_USER, session.user)
    return session
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      writeRemembered(REMEMBERED_USER, null)
      writeRemembered(REMEMBERED_CONTRACTS, null)
      return null
    }
    throw error
  }
}

export async function signIn(email: string, password: string): Promise<SessionView> {
  return remember(await call<SessionView>('POST', '/session', { email, password }))
}

export async function signOut(): Promise<void> {
  await call<void>('DELETE', '/session')
  csrfToken = null
  writeRemembered(REMEMBERED_USER, null)
  writeRemembered(REMEMBERED_CONTRACTS, null)
}

/** The signed-in person's contracts; offline, the list last fetched on this device, if any. */
export async function listContracts(): Promise<ContractListItem[]> {
  const userId = readRemembered<UserView>(REMEMBERED_USER)?.id ?? null
  try {
    const contracts = await call<ContractListItem[]>('GET', '/contracts')
    writeRemembered(REMEMBERED_CONTRACTS, { userId, contracts })
    return contracts
  } catch (error) {
    const remembered = readRemembered<{ userId: string | null; contracts: ContractListItem[] }>(REMEMBERED_CONTRACTS)
    if (isUnreachable(error) && remembered !== null && remembered.userId === userId) return remembered.contracts
    throw error
  }
}

/** Starts a contract (empty, or a copy of `copyOf`) with the signed-in person as its owner. */
export function createContract(request: NewContractRequest): Promise<ContractListItem> {
  return call<ContractListItem>('POST', '/contracts', request)
}

export function describeInvitation(secret: string): Promise<InvitationView> {
  return call<InvitationView>('GET', `/invitations/${encodeURIComponent(secret)}`)
}

export async function acceptInvitation(secret: string, password: string): Promise<SessionView> {
  return remember(await call<SessionView>('POST', `/invitations/${encodeURIComponent(secret)}`, { password }))
}

export function listMembers(contractId: string): Promise<MemberView[]> {
  return call<MemberView[]>('GET', `/contracts/${encodeURIComponent(contractId)}/members`)
}

export function listOrganisations(): Promise<OrganisationView[]> {
  return call<OrganisationView[]>('GET', '/organisations')
}

/** Invites someone; `inviteUrl` is null when an existing account was added at once. */
export function inviteMember(
  contractId: string,
  invitation: { email: string; name: string; organisationId: string; role: Role },
): Promise<{ userId: string; inviteUrl: string | null }> {
  return call('POST', `/contracts/${encodeURIComponent(contractId)}/invitations`, invitation)
}

export function changeRole(contractId: string, userId: string, role: Role): Promise<void> {
  return call('PATCH', `/contracts/${encodeURIComponent(contractId)}/members/${encodeURIComponent(userId)}`, { role })
}

export function removeMember(contractId: string, userId: string): Promise<void> {
  return call('DELETE', `/contracts/${encodeURIComponent(contractId)}/members/${encodeURIComponent(userId)}`)
}

/** The path of a contract's threads, or of one of them. */
function threadsPath(contractId: string, threadId?: string): string {
  const base = `/contracts/${encodeURIComponent(contractId)}/threads`
  return threadId === undefined ? base : `${base}/${encodeURIComponent(threadId)}`
}

/** The comment threads of a contract the caller may see. */
export function listThreads(contractId: string): Promise<ThreadView[]> {
  return call<ThreadView[]>('GET', threadsPath(contractId))
}

/** The address of a contract's comment events (server-sent events, see `CommentEvent`). */
export function threadEventsUrl(contractId: string): string {
  return `/api${threadsPath(contractId)}/events`
}

/** Starts a thread with its first comment; the answer is the thread as the server keeps it. */
export function startThread(contractId: string, request: NewThreadRequest): Promise<ThreadView> {
  return call<ThreadView>('POST', threadsPath(contractId), request)
}

/** Adds a reply to a thread. */
export function replyToThread(contractId: string, threadId: string, body: string): Promise<ThreadView | CommentView | undefined> {
  return call('POST', `${threadsPath(contractId, threadId)}/comments`, { body })
}

/** Resolves or reopens a thread (its author and editors may). */
export function setThreadStatus(contractId: string, threadId: string, status: ThreadStatus): Promise<unknown> {
  return call('PATCH', threadsPath(contractId, threadId), { status })
}

/** Changes the text of one's own comment. */
export function editComment(contractId: string, threadId: string, commentId: string, body: string): Promise<unknown> {
  return call('PATCH', `${threadsPath(contractId, threadId)}/comments/${encodeURIComponent(commentId)}`, { body })
}

/** Deletes one's own comment. */
export function deleteComment(contractId: string, threadId: string, commentId: string): Promise<unknown> {
  return call('DELETE', `${threadsPath(contractId, threadId)}/comments/${encodeURIComponent(commentId)}`)
}

/** The signed-in person's inbox: mentions of them and replies to their threads, newest first. */
export function getInbox(): Promise<InboxView> {
  return call<InboxView>('GET', '/inbox')
}

/** Marks inbox items read: the given ones, or all of them. */
export function markInboxRead(which: { ids: readonly string[] } | { all: true }): Promise<unknown> {
  return call('POST', '/inbox/read', which)
}
