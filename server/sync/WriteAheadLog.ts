/**
 * Group commit in front of the store: updates appended while a transaction is being written
 * wait for the next one, and each transaction carries everything that queued up, for every
 * room. One fsync then makes many updates durable, so durability costs little per update.
 */
import type { DocumentStore } from '../store/Store.ts'

interface Pending {
  readonly docName: string
  readonly update: Uint8Array
  readonly resolve: (seq: number) => void
  readonly reject: (error: unknown) => void
}

export interface WriteAheadLogOptions {
  /** Most updates in one transaction (default 2000); the rest wait for the next. */
  readonly maxBatch?: number
}

export class WriteAheadLog {
  readonly #store: DocumentStore
  readonly #maxBatch: number
  #queue: Pending[] = []
  #isScheduled = false
  #flushing: Promise<void> | null = null

  constructor(store: DocumentStore, options: WriteAheadLogOptions = {}) {
    this.#store = store
    this.#maxBatch = options.maxBatch ?? 2000
  }

  /**
   * Queues an update and resolves with its seq once it is durable; rejects if the transaction
   * that carried it failed, in which case nothing of that transaction was kept.
   */
  append(docName: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ docName, update, resolve, reject })
      this.#schedule()
    })
  }

  /** Resolves when everything appended so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.#flushing || this.#isScheduled || this.#queue.length > 0) {
      if (this.#flushing) await this.#flushing
      else await new Promise((resolve) => setImmediate(resolve))
    }
  }

  #schedule(): void {
    if (this.#isScheduled || this.#flushing) return
    this.#isScheduled = true
    // Wait for the rest of this turn of the event loop: whatever arrives in the same burst of
    // socket reads joins the same transaction.
    setImmediate(() => {
      this.#isScheduled = false
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = null
        if (this.#queue.length > 0) this.#schedule()
      })
    })
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch)
      try {
        const seqs = await this.#store.appendUpdates(batch)
        batch.forEach((pending, i) => pending.resolve(seqs[i]!))
      } catch (error) {
        for (const pending of batch) pending.reject(error)
      }
    }
  }
}
