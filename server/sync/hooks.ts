/**
 * The referee's policy, as hooks the sync server calls at fixed places of its pipeline
 * (DESIGN.md, "the server is the referee"). `authenticate` and `authorize` run when a socket
 * opens; `attribute` and `validate` run for every update before it is written ahead. A hook
 * refuses by throwing a `SyncRefusal`; nothing of the refused update is kept.
 *
 * `openPolicy` lets everyone in as one anonymous writer: the default until accounts and roles
 * fill these places in.
 */
import type { IncomingMessage } from 'node:http'
import type * as Y from 'yjs'
import { type ContractId, type UserId, asUserId } from '../../shared/domain/ids.ts'
import type { Constituency, Role } from '../../shared/domain/roles.ts'
import type { UpdateInspection } from './inspectUpdate.ts'

/** Who is on the other end of a connection, as established by the server. */
export interface Principal {
  readonly userId: UserId
  /** The name others see next to this person's caret. */
  readonly name: string
  /** The organisation shown with the name, if any. */
  readonly organisation?: string
  /** The constituency of that organisation, if any. */
  readonly constituency?: Constituency
}

/** Everything a hook may need to judge an update. */
export interface UpdateContext {
  readonly principal: Principal
  readonly contractId: ContractId
  /** The room's document as it is now (before this update). Hooks must not modify it. */
  readonly doc: Y.Doc
  /** The connection's role in this contract now. */
  readonly role: Role
  readonly update: Uint8Array
  readonly inspection: UpdateInspection
  /**
   * The room's document as it would be with this update applied: a shadow copy, made on first
   * call. For rules that judge an update by its effect. Hooks must not modify it or keep it.
   */
  readonly docAfter: () => Y.Doc
  /** The clientIDs bound to the sender in this room, besides the ones this update introduces. */
  readonly ownsClient: (clientId: number) => boolean
}

export interface RefereeHooks {
  /** Establishes who is connecting from the upgrade request; null closes with 4401. */
  authenticate(request: IncomingMessage, url: URL): Promise<Principal | null>
  /** The principal's role in this contract; null (not a member) closes with 4403. */
  authorize(principal: Principal, contractId: ContractId): Promise<Role | null>
  /**
   * Checks that the update's new structs may be attributed to the principal, beyond the
   * server's own clientID binding (which always runs). Throws a SyncRefusal to refuse.
   */
  attribute(context: UpdateContext): void
  /** Checks the update against the principal's role. Throws a SyncRefusal to refuse. */
  validate(context: UpdateContext): void
}

const ANONYMOUS: Principal = { userId: asUserId('anonymous'), name: 'Guest' }

/** Everyone is the same anonymous editor. Never use it where the server is reachable by others. */
export const openPolicy: RefereeHooks = {
  authenticate: async () => ANONYMOUS,
  authorize: async () => 'editor',
  attribute: () => {},
  validate: () => {},
}
