/**
 * Keeps the contract list in step with the documents: people edit a contract's title and
 * description in its Y.Doc (`meta`), and the list (`GET /api/contracts`) reads them from the
 * `contracts` row, which this writes.
 */
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../../shared/protocol/limits.ts'
import type { ContractDetails } from '../../shared/domain/contractDetails.ts'
import type { AccountStore } from '../store/Store.ts'

/**
 * Writes the details reported for each contract to its row, one write per contract at a time.
 * Changes reported while a write is under way are merged and written next, so a burst (someone
 * typing a new title) costs two writes, not one per keystroke, and the last value always lands.
 *
 * A failed write is logged, not thrown: the document keeps the details, and the next change
 * writes them again.
 */
export class ContractDetailsWriter {
  readonly #accounts: Pick<AccountStore, 'setContractDetails'>
  readonly #log: (message: string, error?: unknown) => void
  /** Details reported and not yet being written, per contract. */
  readonly #pending = new Map<string, Partial<ContractDetails>>()
  /** The write loop of each contract that has one running. */
  readonly #writing = new Map<string, Promise<void>>()

  constructor(init: { accounts: Pick<AccountStore, 'setContractDetails'>; log?: (message: string, error?: unknown) => void }) {
    this.#accounts = init.accounts
    this.#log = init.log ?? ((message, error) => console.error(message, error ?? ''))
  }

  /**
   * Records changed details of a contract for the list. An empty title is ignored (the list
   * keeps the last real one: a contract is always listed by a name); values beyond the
   * limits are cut to them.
   */
  record(contractId: string, changed: Partial<ContractDetails>): void {
    const details: { -readonly [K in keyof ContractDetails]?: string } = { ...this.#pending.get(contractId) }
    if (changed.title !== undefined && changed.title.trim() !== '') details.title = changed.title.trim().slice(0, TITLE_MAX_LENGTH)
    if (changed.description !== undefined) details.description = changed.description.trim().slice(0, DESCRIPTION_MAX_LENGTH)
    if (details.title === undefined && details.description === undefined) return
    this.#pending.set(contractId, details)
    if (!this.#writing.has(contractId)) this.#writing.set(contractId, this.#writeLoop(contractId))
  }

  /** Resolves once every recorded change has been written (or its failure logged). */
  async settled(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all(this.#writing.values())
  }

  async #writeLoop(contractId: string): Promise<void> {
    // Let the caller finish recording (it sets #writing after this returns) before the first write.
    await Promise.resolve()
    try {
      for (let details = this.#pending.get(contractId); details !== undefined; details = this.#pending.get(contractId)) {
        this.#pending.delete(contractId)
        try {
          await this.#accounts.setContractDetails(contractId, details)
        } catch (error) {
          this.#log(`Could not update the contract list's details of ${contractId}`, error)
        }
      }
    } finally {
      this.#writing.delete(contractId)
    }
  }
}
