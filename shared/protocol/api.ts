/**
 * Shapes of the JSON API that client and server share. Refusals are always
 * `{ error: { code, message } }` with a 4xx status.
 */
import type { Constituency, Role } from '../domain/roles.ts'

export interface OrganisationView {
  readonly id: string
  readonly name: string
  readonly constituency: Constituency
}

export interface UserView {
  readonly id: string
  readonly email: string
  readonly name: string
  readonly organisation: OrganisationView
}

/** `GET /api/session`, `POST /api/session`, `POST /api/invitations/<secret>`. */
export interface SessionView {
  readonly user: UserView
  /** Send as `X-CSRF-Token` on every state-changing request of this session. */
  readonly csrfToken: string | null
}

/** An item of `GET /api/contracts`. */
export interface ContractListItem {
  readonly id: string
  readonly title: string
  readonly role: Role
}

/** An item of `GET /api/contracts/<id>/members`. */
export interface MemberView extends UserView {
  readonly role: Role
}

/** `GET /api/invitations/<secret>`. */
export interface InvitationView {
  readonly email: string
  readonly name: string
  readonly contractId: string
  readonly contractTitle: string
  readonly role: Role
}

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string }
}
