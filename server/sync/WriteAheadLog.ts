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
  /**
   * How long the first update of a batch waits for others to join it (default 5 ms). Each
   * commit costs an fsync and its bookkeeping whatever it carries; waiting a few milliseconds,
   * far below what a person notices, lets one commit carry the updates of many typists.
   */
  readonly commitWindowMs?: number
}

export class WriteAheadLog {
  readonly #store: DocumentStore
  readonly #maxBatch: number
  readonly #commitWindowMs: number
  #queue: Pending[] = []
  #isScheduled = false
  #flushing: Promise<void> | null = null

  constructor(store: DocumentStore, options: WriteAheadLogOptions = {}) {
    this.#store = store
    this.#maxBatch = options.maxBatch ?? 2000
    this.#commitWindowMs = options.commitWindowMs ?? 5
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
    const flush = () => {
      this.#isScheduled = false
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = null
        if (this.#queue.length > 0) this.#schedule()
      })
    }
    // Whatever arrives within the window joins the same transaction.
    if (this.#commitWindowMs > 0) setTimeout(flush, this.#commitWindowMs)
    else setImmediate(flush)
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
