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

/** An item of `GET /api/contracts`, and the answer of `POST /api/contracts`. */
export interface ContractListItem {
  readonly id: string
  /** The title in the contract's document, as last written (the list follows the document). */
  readonly title: string
  /** Its description, '' when there is none. */
  readonly description: string
  readonly role: Role
}

/**
 * `POST /api/contracts`: starts a contract with the caller as its owner. Title 1–200 and
 * description at most 1000 characters, trimmed (`shared/domain/contractDetails.ts`); `copyOf`
 * names a contract the caller owns or edits, whose current text (clauses back to drafting) the
 * new one starts from. Other fields are refused.
 */
export interface NewContractRequest {
  readonly title: string
  readonly description?: string
  readonly copyOf?: string
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
