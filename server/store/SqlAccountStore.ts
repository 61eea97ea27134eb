/**
 * Accounts on SQL (both engines, one set of queries): organisations, users, contracts and
 * memberships, sessions, API tokens, invitations, and the clientID bindings of attribution.
 */
import type { Kysely } from 'kysely'
import { type Constituency, type Role, isConstituency, isRole } from '../../shared/domain/roles.ts'
import type { Tables } from './Database.ts'
import type {
  AccountStore,
  ContractSummary,
  InvitationRecord,
  MemberRecord,
  NewContractRecord,
  OrganisationRecord,
  SessionRecord,
  TokenRecord,
  UserProfile,
  UserRecord,
} from './Store.ts'

function asRole(value: string): Role {
  if (!isRole(value)) throw new Error(`Stored role "${value}" is not a role`)
  return value
}

function asConstituency(value: string): Constituency {
  if (!isConstituency(value)) throw new Error(`Stored constituency "${value}" is not a constituency`)
  return value
}

type UserRow = Tables['users']

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    organisationId: row.organisation_id,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
  }
}

export class SqlAccountStore implements AccountStore {
  readonly #db: Kysely<Tables>

  constructor(db: Kysely<Tables>) {
    this.#db = db
  }

  async createOrganisation(organisation: OrganisationRecord): Promise<void> {
    await this.#db.insertInto('organisations').values(organisation).execute()
  }

  async listOrganisations(): Promise<OrganisationRecord[]> {
    const rows = await this.#db.selectFrom('organisations').selectAll().orderBy('name').execute()
    return rows.map((row) => ({ ...row, constituency: asConstituency(row.constituency) }))
  }

  async createUser(user: UserRecord): Promise<void> {
    await this.#db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email.toLowerCase(),
        name: user.name,
        organisation_id: user.organisationId,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
      })
      .execute()
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const row = await this.#db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst()
    return row ? toUser(row) : null
  }

  async findUserById(id: string): Promise<UserRecord | null> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toUser(row) : null
  }

  async getProfile(userId: string): Promise<UserProfile | null> {
    const row = await this.#db
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select(['users.id', 'users.email', 'users.name', 'organisations.id as orgId', 'organisations.name as orgName', 'organisations.constituency'])
      .where('users.id', '=', userId)
      .executeTakeFirst()
    if (!row) return null
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      organisation: { id: row.orgId, name: row.orgName, constituency: asConstituency(row.constituency) },
    }
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.#db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute()
  }

  async createContract(contract: NewContractRecord): Promise<void> {
    const row = {
      id: contract.id,
      title: contract.title,
      description: contract.description ?? '',
      created_by: contract.createdBy,
      created_at: contract.createdAt,
    }
    const { owner } = contract
    if (owner === undefined) {
      await this.#db.insertInto('contracts').values(row).execute()
      return
    }
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('contracts').values(row).execute()
      await trx.insertInto('memberships').values({ contract_id: contract.id, user_id: owner, role: 'owner' }).execute()
    })
  }

  async hasContract(contractId: string): Promise<boolean> {
    const row = await this.#db.selectFrom('contracts').select('id').where('id', '=', contractId).executeTakeFirst()
    return row !== undefined
  }

  async setContractDetails(contractId: string, details: { readonly title?: string; readonly description?: string }): Promise<void> {
    const { title, description } = details
    if (title === undefined && description === undefined) return
    await this.#db
      .updateTable('contracts')
      .set({ ...(title === undefined ? {} : { title }), ...(description === undefined ? {} : { description }) })
      .where('id', '=', contractId)
      .execute()
  }

  async listAllContracts(): Promise<Array<{ id: string; title: string; memberCount: number }>> {
    const rows = await this.#db
      .selectFrom('contracts')
      .leftJoin('memberships', 'memberships.contract_id', 'contracts.id')
      .select(({ fn }) => ['contracts.id', 'contracts.title', fn.count<number>('memberships.user_id').as('memberCount')])
      .groupBy(['contracts.id', 'contracts.title'])
      .orderBy('contracts.title')
      .execute()
    return rows.map((row) => ({ id: row.id, title: row.title, memberCount: Number(row.memberCount) }))
  }

  async listContractsFor(userId: string): Promise<ContractSummary[]> {
    const rows = await this.#db
      .selectFrom('memberships')
      .innerJoin('contracts', 'contracts.id', 'memberships.contract_id')
      .select(['contracts.id', 'contracts.title', 'contracts.description', 'memberships.role'])
      .where('memberships.user_id', '=', userId)
      .orderBy('contracts.title')
      .execute()
    return rows.map((row) => ({ id: row.id, title: row.title, description: row.description, role: asRole(row.role) }))
  }

  async getRole(contractId: string, userId: string): Promise<Role | null> {
    const row = await this.#db
      .selectFrom('memberships')
      .select('role')
      .where('contract_id', '=', contractId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row ? asRole(row.role) : null
  }

  async setRole(contractId: string, userId: string, role: Role): Promise<void> {
    await this.#db
      .insertInto('memberships')
      .values({ contract_id: contractId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['contract_id', 'user_id']).doUpdateSet({ role }))
      .execute()
  }

  async removeMember(contractId: string, userId: string): Promise<void> {
    await this.#db.deleteFrom('memberships').where('contract_id', '=', contractId).where('user_id', '=', userId).execute()
  }

  async listMembers(contractId: string): Promise<MemberRecord[]> {
    const rows = await this.#db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select([
        'users.id',
        'users.email',
        'users.name',
        'memberships.role',
        'organisations.id as orgId',
        'organisations.name as orgName',
        'organisations.constituency',
      ])
      .where('memberships.contract_id', '=', contractId)
      .orderBy('users.name')
      .execute()
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: asRole(row.role),
      organisation: { id: row.orgId, name: row.orgName, constituency: asConstituency(row.constituency) },
    }))
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    return { id: row.id, userId: row.user_id, data: row.data, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }
  }

  async saveSession(session: SessionRecord): Promise<void> {
    const values = {
      id: session.id,
      user_id: session.userId,
      data: session.data,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    }
    await this.#db
      .insertInto('sessions')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ data: values.data, expires_at: values.expires_at }))
      .execute()
  }

  async deleteSession(id: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('id', '=', id).execute()
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('user_id', '=', userId).execute()
  }

  async createToken(token: TokenRecord): Promise<void> {
    await this.#db
      .insertInto('api_tokens')
      .values({ id: token.id, user_id: token.userId, created_at: token.createdAt, expires_at: token.expiresAt, revoked_at: token.revokedAt })
      .execute()
  }

  async findToken(id: string): Promise<TokenRecord | null> {
    const row = await this.#db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    return {
      id: row.id,
      userId: row.user_id,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    }
  }

  async revokeToken(id: string, at: number): Promise<void> {
    await this.#db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute()
  }

  async createInvitation(invitation: InvitationRecord): Promise<void> {
    await this.#db
      .insertInto('invitations')
      .values({
        id: invitation.id,
        contract_id: invitation.contractId,
        user_id: invitation.userId,
        role: invitation.role,
        invited_by: invitation.invitedBy,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
        accepted_at: invitation.acceptedAt,
      })
      .execute()
  }

  async findInvitation(id: string): Promise<InvitationRecord | null> {
    const row = await this.#db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    return {
      id: row.id,
      contractId: row.contract_id,
      userId: row.user_id,
      role: asRole(row.role),
      invitedBy: row.invited_by,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
    }
  }

  async acceptInvitation(id: string, at: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('invitations')
      .set({ accepted_at: at })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async bindClient(contractId: string, clientId: number, userId: string, at: number): Promise<string> {
    await this.#db
      .insertInto('client_bindings')
      .values({ contract_id: contractId, client_id: clientId, user_id: userId, created_at: at })
      .onConflict((oc) => oc.columns(['contract_id', 'client_id']).doNothing())
      .execute()
    const row = await this.#db
      .selectFrom('client_bindings')
      .select('user_id')
      .where('contract_id', '=', contractId)
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow()
    return row.user_id
  }

  async listClientBindings(contractId: string): Promise<Map<number, string>> {
    const rows = await this.#db.selectFrom('client_bindings').select(['client_id', 'user_id']).where('contract_id', '=', contractId).execute()
    return new Map(rows.map((row) => [Number(row.client_id), row.user_id]))
  }

  async getOrCreateSetting(key: string, initial: () => string): Promise<string> {
    await this.#db
      .insertInto('settings')
      .values({ key, value: initial() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
    const row = await this.#db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow()
    return row.value
  }
}
