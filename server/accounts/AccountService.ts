/**
 * What people do with accounts, independent of HTTP: sign in, invite, accept an invitation,
 * change roles. The HTTP routers, the admin command and the demo seed all call this.
 */
import { type Role, can, isRole } from '../../shared/domain/roles.ts'
import { MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from '../auth/passwords.ts'
import { hashSecret, newId, newSecret } from '../auth/secrets.ts'
import type { SignInThrottle } from '../auth/SignInThrottle.ts'
import { HttpError } from '../http/HttpError.ts'
import type { AccountStore, UserRecord } from '../store/Store.ts'

/** Invitation links stay valid for 14 days. */
const INVITATION_TTL_MS = 14 * 24 * 60 * 60 * 1000

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function normaliseEmail(value: unknown): string {
  if (typeof value !== 'string' || value.length > 254 || !EMAIL.test(value.trim())) {
    throw new HttpError(400, 'invalid_email', 'Enter an email address like name@example.org.')
  }
  return value.trim().toLowerCase()
}

export function checkNewPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_PASSWORD_LENGTH || value.length > 1024) {
    throw new HttpError(400, 'weak_password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
  }
  return value
}

export interface Invitation {
  readonly userId: string
  /** The one-time secret of the link, or null when an existing account was added directly. */
  readonly secret: string | null
}

/** Hooks for membership changes, so open connections follow at once. */
export type RoleChangeListener = (contractId: string, userId: string, role: Role | null) => void

export class AccountService {
  readonly #accounts: AccountStore
  readonly #throttle: SignInThrottle
  readonly #onRoleChange: RoleChangeListener

  constructor(init: { accounts: AccountStore; throttle: SignInThrottle; onRoleChange?: RoleChangeListener }) {
    this.#accounts = init.accounts
    this.#throttle = init.throttle
    this.#onRoleChange = init.onRoleChange ?? (() => {})
  }

  /**
   * Checks email and password. Unknown email and wrong password get the same answer, after the
   * same work; failures are throttled per account and per address.
   */
  async signIn(emailInput: unknown, password: unknown, address: string): Promise<UserRecord> {
    const email = typeof emailInput === 'string' ? emailInput.trim().toLowerCase() : ''
    const wait = await this.#throttle.retryAfter(email, address)
    if (wait > 0) {
      throw Object.assign(new HttpError(429, 'too_many_attempts', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`), { retryAfter: wait })
    }
    const user = email ? await this.#accounts.findUserByEmail(email) : null
    const result = await verifyPassword(user?.passwordHash ?? null, typeof password === 'string' ? password : '')
    if (!user || !result.isValid) {
      await this.#throttle.recordFailure(email, address)
      throw new HttpError(401, 'invalid_credentials', 'The email or password is not right.')
    }
    await this.#throttle.recordSuccess(email)
    if (result.needsRehash) await this.#accounts.setPasswordHash(user.id, await hashPassword(password as string))
    return user
  }

  /** Creates a user (with a password, or none until they accept an invitation). */
  async createUser(init: { email: string; name: string; organisationId: string; password: string | null }): Promise<UserRecord> {
    const email = normaliseEmail(init.email)
    if (await this.#accounts.findUserByEmail(email)) throw new HttpError(409, 'email_taken', 'Someone already has an account with that email.')
    const user: UserRecord = {
      id: newId(),
      email,
      name: init.name.trim() || email,
      organisationId: init.organisationId,
      passwordHash: init.password === null ? null : await hashPassword(checkNewPassword(init.password)),
      createdAt: Date.now(),
    }
    await this.#accounts.createUser(user)
    return user
  }

  /** Sets a new password (operator's reset). */
  async setPassword(userId: string, password: string): Promise<void> {
    await this.#accounts.setPasswordHash(userId, await hashPassword(checkNewPassword(password)))
  }

  /** The caller's role, or a 404 that does not reveal whether the contract exists. */
  async requireRole(contractId: string, userId: string): Promise<Role> {
    const role = await this.#accounts.getRole(contractId, userId)
    if (role === null) throw new HttpError(404, 'not_found', 'There is no such contract.')
    return role
  }

  async requireOwner(contractId: string, userId: string): Promise<void> {
    if (!can(await this.requireRole(contractId, userId), 'manageMembers')) {
      throw new HttpError(403, 'forbidden', 'Only an owner of this contract can manage its members.')
    }
  }

  /**
   * Invites someone to a contract with a role. An existing account is added at once; a new
   * email gets an account without a password and a one-time link to set one.
   */
  async invite(contractId: string, invitedBy: string, init: { email: unknown; name?: unknown; organisationId?: unknown; role: unknown }): Promise<Invitation> {
    await this.requireOwner(contractId, invitedBy)
    const email = normaliseEmail(init.email)
    if (!isRole(init.role)) throw new HttpError(400, 'invalid_role', 'Choose a role: owner, editor, suggester, commenter or viewer.')
    const role = init.role
    let user = await this.#accounts.findUserByEmail(email)
    if (user?.passwordHash) {
      await this.#accounts.setRole(contractId, user.id, role)
      this.#onRoleChange(contractId, user.id, role)
      return { userId: user.id, secret: null }
    }
    if (!user) {
      const organisations = await this.#accounts.listOrganisations()
      if (!organisations.some((o) => o.id === init.organisationId)) {
        throw new HttpError(400, 'invalid_organisation', 'Choose the organisation the new member belongs to.')
      }
      const name = typeof init.name === 'string' ? init.name.slice(0, 120) : ''
      user = await this.createUser({ email, name, organisationId: init.organisationId as string, password: null })
    }
    const secret = newSecret()
    const now = Date.now()
    await this.#accounts.createInvitation({
      id: hashSecret(secret),
      contractId,
      userId: user.id,
      role,
      invitedBy,
      createdAt: now,
      expiresAt: now + INVITATION_TTL_MS,
      acceptedAt: null,
    })
    return { userId: user.id, secret }
  }

  /** What an invitation link offers, or a 404 if it is unknown, used or expired. */
  async describeInvitation(secret: string): Promise<{ email: string; name: string; contractId: string; role: Role }> {
    const invitation = await this.#accounts.findInvitation(hashSecret(secret))
    if (!invitation || invitation.acceptedAt !== null || invitation.expiresAt <= Date.now()) {
      throw new HttpError(404, 'invitation_not_found', 'This invitation link is not valid any more. Ask the contract owner for a new one.')
    }
    const user = await this.#accounts.findUserById(invitation.userId)
    if (!user) throw new HttpError(404, 'invitation_not_found', 'This invitation link is not valid any more.')
    return { email: user.email, name: user.name, contractId: invitation.contractId, role: invitation.role }
  }

  /** Uses an invitation once: sets the password and grants the role. Returns the user id. */
  async acceptInvitation(secret: string, password: unknown): Promise<string> {
    const checked = checkNewPassword(password)
    const invitation = await this.#accounts.findInvitation(hashSecret(secret))
    await this.describeInvitation(secret)
    if (!invitation || !(await this.#accounts.acceptInvitation(invitation.id, Date.now()))) {
      throw new HttpError(404, 'invitation_not_found', 'This invitation link has already been used.')
    }
    await this.#accounts.setPasswordHash(invitation.userId, await hashPassword(checked))
    await this.#accounts.setRole(invitation.contractId, invitation.userId, invitation.role)
    this.#onRoleChange(invitation.contractId, invitation.userId, invitation.role)
    return invitation.userId
  }

  /** Changes a member's role (owners only); open connections follow at once. */
  async changeRole(contractId: string, byUserId: string, memberId: string, role: unknown): Promise<void> {
    await this.requireOwner(contractId, byUserId)
    if (!isRole(role)) throw new HttpError(400, 'invalid_role', 'Choose a role: owner, editor, suggester, commenter or viewer.')
    if ((await this.#accounts.getRole(contractId, memberId)) === null) throw new HttpError(404, 'not_found', 'That person is not a member.')
    if (role !== 'owner') await this.#keepAnOwner(contractId, memberId)
    await this.#accounts.setRole(contractId, memberId, role)
    this.#onRoleChange(contractId, memberId, role)
  }

  /** Removes a member (owners only); their open connections close at once. */
  async removeMember(contractId: string, byUserId: string, memberId: string): Promise<void> {
    await this.requireOwner(contractId, byUserId)
    if ((await this.#accounts.getRole(contractId, memberId)) === null) throw new HttpError(404, 'not_found', 'That person is not a member.')
    await this.#keepAnOwner(contractId, memberId)
    await this.#accounts.removeMember(contractId, memberId)
    this.#onRoleChange(contractId, memberId, null)
  }

  /** Refuses to leave a contract without an owner. */
  async #keepAnOwner(contractId: string, leavingOwnerId: string): Promise<void> {
    const owners = (await this.#accounts.listMembers(contractId)).filter((m) => m.role === 'owner')
    if (owners.length === 1 && owners[0]!.id === leavingOwnerId) {
      throw new HttpError(409, 'last_owner', 'A contract needs at least one owner. Make someone else an owner first.')
    }
  }
}
