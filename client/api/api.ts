/**
 * Typed calls to the JSON API. The session's CSRF token is kept here and sent with every
 * state-changing request; a refusal becomes an `ApiError` carrying the server's words.
 */
import type { Role } from '../../shared/domain/roles.ts'
import type { ApiErrorBody, ContractListItem, InvitationView, MemberView, NewContractRequest, OrganisationView, SessionView } from '../../shared/protocol/api.ts'

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

/** The signed-in session, or null when nobody is signed in. */
export async function currentSession(): Promise<SessionView | null> {
  try {
    return remember(await call<SessionView>('GET', '/session'))
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null
    throw error
  }
}

export async function signIn(email: string, password: string): Promise<SessionView> {
  return remember(await call<SessionView>('POST', '/session', { email, password }))
}

export async function signOut(): Promise<void> {
  await call<void>('DELETE', '/session')
  csrfToken = null
}

export function listContracts(): Promise<ContractListItem[]> {
  return call<ContractListItem[]>('GET', '/contracts')
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
