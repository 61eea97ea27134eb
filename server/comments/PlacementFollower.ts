/**
 * Following a contract's text for its comment streams: when the text changes while anyone
 * listens to the contract's stream, the threads' placements are worked out again (once per
 * burst of edits) and the threads whose placement changed — a passage deleted, a clause removed
 * or restored — are pushed again through `CommentEvents`, which filters them by scope.
 *
 * It remembers, per contract with listeners, each thread's placement as last pushed: the
 * snapshot of the first stream sets it, every push of a thread updates it.
 */
import { parseContractId } from '../../shared/domain/ids.ts'
import type { ThreadView } from '../../shared/protocol/comments.ts'
import type { CurrentDocument } from '../contracts/CurrentDocument.ts'
import type { CommentStore } from '../store/Store.ts'
import type { CommentEvents } from './CommentEvents.ts'
import { type Placement, ThreadPlacement } from './ThreadPlacement.ts'
import { threadView } from './threadView.ts'

/**
 * How long edits to a contract's text are gathered before its threads' placements are worked
 * out again (default): a burst of typing costs one recomputation, not one per keystroke.
 */
export const PLACEMENT_DELAY_MS = 300

/** A thread's placement as one comparable value. */
function placementKey(placement: Placement): string {
  return `${placement.detached ? 'detached' : 'attached'}/${placement.clauseRemoved ? 'removed' : 'present'}`
}

export class PlacementFollower {
  readonly #comments: Pick<CommentStore, 'listThreads'>
  readonly #documents: Pick<CurrentDocument, 'read'>
  readonly #events: CommentEvents
  readonly #log: (message: string, error?: unknown) => void
  readonly #delayMs: number
  readonly #timers = new Map<string, NodeJS.Timeout>()
  /** Per contract with listeners: thread id → `placementKey` as last pushed. */
  readonly #pushed = new Map<string, Map<string, string>>()
  #isClosed = false

  constructor(init: {
    comments: Pick<CommentStore, 'listThreads'>
    documents: Pick<CurrentDocument, 'read'>
    events: CommentEvents
    log: (message: string, error?: unknown) => void
    /** See `PLACEMENT_DELAY_MS`. */
    delayMs?: number
  }) {
    this.#comments = init.comments
    this.#documents = init.documents
    this.#events = init.events
    this.#log = init.log
    this.#delayMs = init.delayMs ?? PLACEMENT_DELAY_MS
  }

  /** Records what a new stream's snapshot showed, unless the contract is followed already. */
  snapshotSent(contractId: string, threads: readonly ThreadView[]): void {
    if (!this.#pushed.has(contractId)) this.#pushed.set(contractId, new Map(threads.map((t) => [t.id, placementKey(t)])))
  }

  /** Records a thread just pushed. */
  threadSent(thread: ThreadView): void {
    this.#pushed.get(thread.contractId)?.set(thread.id, placementKey(thread))
  }

  /** Forgets a thread that was deleted. */
  threadRemoved(contractId: string, threadId: string): void {
    this.#pushed.get(contractId)?.delete(threadId)
  }

  /** Hears that the contract's text changed; schedules a recomputation if anyone listens. */
  bodyChanged(contractId: string): void {
    if (this.#isClosed || this.#timers.has(contractId) || !this.#events.hasStreams(contractId)) return
    const timer = setTimeout(() => {
      this.#timers.delete(contractId)
      this.#pushChanged(contractId).catch((error) => this.#log(`Could not follow the placement of the threads of ${contractId}`, error))
    }, this.#delayMs)
    // `close()` clears it; it must not hold a process open meanwhile.
    timer.unref()
    this.#timers.set(contractId, timer)
  }

  /** Stops following (server shutdown). */
  close(): void {
    this.#isClosed = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }

  async #pushChanged(contractIdInput: string): Promise<void> {
    const contractId = parseContractId(contractIdInput)
    if (this.#isClosed || contractId === null) return
    if (!this.#events.hasStreams(contractId)) {
      this.#pushed.delete(contractId)
      return
    }
    const threads = await this.#comments.listThreads(contractId)
    const views = await this.#documents.read(contractId, (doc) => {
      const placement = ThreadPlacement.of(doc)
      return threads.map((thread) => threadView(thread, placement.place(thread)))
    })
    if (this.#isClosed) return
    const pushed = this.#pushed.get(contractId) ?? new Map<string, string>()
    this.#pushed.set(contractId, pushed)
    for (const view of views) {
      const key = placementKey(view)
      if (pushed.get(view.id) === key) continue
      pushed.set(view.id, key)
      this.#events.publishThread(view)
    }
  }
}
