/**
 * Starting contracts, independent of HTTP: any signed-in person may start one and becomes its
 * owner, either empty or as a copy of a contract they own or edit. The document is written by
 * the server (see `contractDocuments.ts`) before the contract appears in anyone's list.
 */
import { randomInt } from 'node:crypto'
import { checkDescription, checkTitle, type ContractDetails } from '../../shared/domain/contractDetails.ts'
import { type ContractId, parseContractId } from '../../shared/domain/ids.ts'
import { can } from '../../shared/domain/roles.ts'
import type { ContractListItem } from '../../shared/protocol/api.ts'
import type { AccountService } from '../accounts/AccountService.ts'
import { HttpError } from '../http/HttpError.ts'
import type { Store } from '../store/Store.ts'
import type { CurrentDocument } from './CurrentDocument.ts'
import { buildContractCopy, buildEmptyContract, newServerClientId } from './contractDocuments.ts'

/** A checked request to start a contract. */
export interface NewContract extends ContractDetails {
  /** The contract whose text to copy, or null for an empty contract. */
  readonly copyOf: ContractId | null
}

const FIELDS: ReadonlySet<string> = new Set(['title', 'description', 'copyOf'])

/**
 * Reads `{ title, description?, copyOf? }`: title 1–200 characters and description at most
 * 1000 once trimmed, copyOf a contract id. Anything else (another field, another type) is a
 * 400 naming what to fix.
 */
export function readNewContract(body: unknown): NewContract {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_contract', 'Send the new contract as a JSON object with a title.')
  }
  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key))
  if (unknown.length > 0) throw new HttpError(400, 'unknown_field', `A new contract has a title, a description and copyOf; remove “${unknown.join('”, “')}”.`)
  const { title: titleInput, description: descriptionInput = '', copyOf: copyOfInput = null } = body as Record<string, unknown>
  const title = checkTitle(titleInput)
  if (title.problem !== null) throw new HttpError(400, 'invalid_title', title.problem)
  const description = checkDescription(descriptionInput)
  if (description.problem !== null) throw new HttpError(400, 'invalid_description', description.problem)
  let copyOf: ContractId | null = null
  if (copyOfInput !== null) {
    copyOf = typeof copyOfInput === 'string' ? parseContractId(copyOfInput) : null
    if (copyOf === null) throw new HttpError(400, 'invalid_copy_of', 'copyOf must be the id of a contract to copy.')
  }
  return { title: title.value, description: description.value, copyOf }
}

/** Characters of the random suffix of a contract id: lower-case letters and digits. */
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const SUFFIX_LENGTH = 6
/** Longest slug kept from the title, so the id stays well inside the 64 characters of `parseContractId`. */
const SLUG_LENGTH = 40

/**
 * A readable id for a contract titled `title`: its words in lower case joined by hyphens
 * (accents dropped), then a random suffix, e.g. `fostering-agency-contract-x7k2qp`. Always
 * passes `parseContractId`.
 */
export function contractIdFor(title: string): ContractId {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/['’]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, SLUG_LENGTH)
      .replace(/^-+|-+$/g, '') || 'contract'
  let suffix = ''
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]
  const id = parseContractId(`${slug}-${suffix}`)
  if (id === null) throw new Error(`Made a malformed contract id from "${title}"`)
  return id
}

/** Tries at drawing a free id before giving up (36^6 suffixes per slug: never needed twice in practice). */
const ID_ATTEMPTS = 5

export class ContractService {
  readonly #store: Store
  readonly #members: AccountService
  readonly #documents: Pick<CurrentDocument, 'read'>

  constructor(init: { store: Store; members: AccountService; documents: Pick<CurrentDocument, 'read'> }) {
    this.#store = init.store
    this.#members = init.members
    this.#documents = init.documents
  }

  /**
   * Starts a contract for `userId`, who becomes its only member, as owner. A copy requires
   * the caller to own or edit the source: 403 otherwise, and 404 (as for a contract that does
   * not exist) when they are not a member of it at all.
   *
   * The document is stored first, then the contract row and the owner's membership together
   * in one transaction: a failure in between leaves an orphan document nobody can open, never
   * a listed contract without its text or without an owner.
   */
  async create(userId: string, request: NewContract): Promise<ContractListItem> {
    const details: ContractDetails = { title: request.title, description: request.description }
    const copy = request.copyOf === null ? null : await this.#copyOf(request.copyOf, userId, details)
    const clientId = copy?.clientId ?? newServerClientId()
    const update = copy?.update ?? buildEmptyContract(clientId, details)
    const contractId = await this.#freeContractId(request.title)

    const { accounts } = this.#store
    const now = Date.now()
    // The starting text is the creator's, as the demo's draft is its chair's: binding its
    // clientID to them keeps anyone else from later writing under it.
    await accounts.bindClient(contractId, clientId, userId, now)
    await this.#store.appendUpdates([{ docName: contractId, update }])
    await accounts.createContract({ id: contractId, ...details, createdBy: userId, createdAt: now, owner: userId })
    return { id: contractId, ...details, role: 'owner' }
  }

  /**
   * The first update of a copy of `contractId`'s current text, under a fresh clientID of the
   * server's that its source never used; the caller must own or edit the source.
   */
  async #copyOf(contractId: ContractId, userId: string, details: ContractDetails): Promise<{ clientId: number; update: Uint8Array }> {
    const role = await this.#members.requireRole(contractId, userId)
    if (!can(role, 'edit')) {
      throw new HttpError(403, 'forbidden', 'Only an owner or editor of a contract can copy it. Ask one of them to make the copy for you.')
    }
    return this.#documents.read(contractId, (source) => {
      const clientId = newServerClientId(new Set(source.store.clients.keys()))
      return { clientId, update: buildContractCopy(source, clientId, details) }
    })
  }

  /** An id for a new contract titled `title` that no contract or stored document uses. */
  async #freeContractId(title: string): Promise<ContractId> {
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      const id = contractIdFor(title)
      if (await this.#store.accounts.hasContract(id)) continue
      if ((await this.#store.loadDocument(id)).lastSeq > 0) continue
      return id
    }
    throw new Error(`No free contract id for "${title}" after ${ID_ATTEMPTS} attempts`)
  }
}
