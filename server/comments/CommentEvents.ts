/**
 * The real-time side of comments: server-sent event streams of
 * `GET /api/contracts/<id>/threads/events`, one per open page, each filtered for its member.
 * A stream starts with a `snapshot` and the member's unread count, then carries `thread`,
 * `threadRemoved` and `inbox` events (`CommentEvent`). Whether a member may see a thread is
 * checked for every event as it is sent, so a scoped thread never reaches anyone outside its
 * scope; a removed member's streams of that contract are closed.
 */
import type { ServerResponse } from 'node:http'
import type { Constituency } from '../../shared/domain/roles.ts'
import type { CommentEvent, ThreadView } from '../../shared/protocol/comments.ts'
import { isThreadVisibleTo, type ScopedThread } from './threadVisibility.ts'

/** A comment line every so often keeps proxies and browsers from dropping an idle stream. */
export const HEARTBEAT_MS = 25_000

/** One open stream. */
interface Subscriber {
  readonly contractId: string
  readonly userId: string
  readonly constituency: Constituency
  readonly response: ServerResponse
}

/** What a new stream starts with. */
export interface StreamStart {
  readonly contractId: string
  readonly userId: string
  readonly constituency: Constituency
  /** Every thread the member may see, for the `snapshot` event. */
  readonly threads: readonly ThreadView[]
  readonly unread: number
}

export class CommentEvents {
  readonly #subscribers = new Set<Subscriber>()
  readonly #heartbeat: NodeJS.Timeout
  readonly #log: (message: string, error?: unknown) => void
  #isClosed = false

  constructor(init: { heartbeatMs?: number; log?: (message: string, error?: unknown) => void } = {}) {
    this.#log = init.log ?? ((message, error) => console.error(message, error ?? ''))
    this.#heartbeat = setInterval(() => {
      for (const subscriber of this.#subscribers) this.#write(subscriber, ': heartbeat\n\n')
    }, init.heartbeatMs ?? HEARTBEAT_MS)
    // Streams are closed by `close()`; the timer alone must not keep a process alive.
    this.#heartbeat.unref()
  }

  /** Number of open streams (for tests and metrics). */
  get streamCount(): number {
    return this.#subscribers.size
  }

  /**
   * Turns `response` into an event stream for the member, sends the snapshot and the unread
   * count, and keeps it until the client goes away, the member is removed, or `close()`.
   * The caller has checked membership and filtered `threads`.
   */
  open(response: ServerResponse, start: StreamStart): void {
    if (this.#isClosed) {
      response.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'shutting_down', message: 'The server is shutting down.' } }))
      return
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back in a buffer.
      'X-Accel-Buffering': 'no',
    })
    const subscriber: Subscriber = { contractId: start.contractId, userId: start.userId, constituency: start.constituency, response }
    this.#subscribers.add(subscriber)
    response.once('close', () => this.#subscribers.delete(subscriber))
    // Checked again here, though the caller filtered: nothing outside the scope leaves.
    this.#send(subscriber, { type: 'snapshot', threads: start.threads.filter((thread) => isThreadVisibleTo(thread, subscriber.constituency)) })
    this.#send(subscriber, { type: 'inbox', unread: start.unread })
  }

  /** Sends a created or changed thread to every stream of its contract whose member may see it. */
  publishThread(thread: ThreadView): void {
    for (const subscriber of this.#subscribers) {
      if (subscriber.contractId === thread.contractId && isThreadVisibleTo(thread, subscriber.constituency)) this.#send(subscriber, { type: 'thread', thread })
    }
  }

  /** Tells every stream of the contract whose member could see the thread that it is gone. */
  publishRemoved(contractId: string, threadId: string, scoped: ScopedThread): void {
    for (const subscriber of this.#subscribers) {
      if (subscriber.contractId === contractId && isThreadVisibleTo(scoped, subscriber.constituency)) this.#send(subscriber, { type: 'threadRemoved', threadId })
    }
  }

  /** Sends a user's new unread count to all their streams, whatever the contract (the inbox spans them). */
  publishInbox(userId: string, unread: number): void {
    for (const subscriber of this.#subscribers) if (subscriber.userId === userId) this.#send(subscriber, { type: 'inbox', unread })
  }

  /** Whether anyone has a stream of the contract open. */
  hasStreams(contractId: string): boolean {
    for (const subscriber of this.#subscribers) if (subscriber.contractId === contractId) return true
    return false
  }

  /** Whether the user has a stream open (so unread counts are worth computing). */
  isListening(userId: string): boolean {
    for (const subscriber of this.#subscribers) if (subscriber.userId === userId) return true
    return false
  }

  /** Ends the user's streams of a contract (they were removed from it). */
  closeMember(contractId: string, userId: string): void {
    for (const subscriber of [...this.#subscribers]) {
      if (subscriber.contractId === contractId && subscriber.userId === userId) this.#end(subscriber)
    }
  }

  /** Ends every stream and refuses new ones (server shutdown). */
  close(): void {
    this.#isClosed = true
    clearInterval(this.#heartbeat)
    for (const subscriber of [...this.#subscribers]) this.#end(subscriber)
  }

  #send(subscriber: Subscriber, event: CommentEvent): void {
    // JSON.stringify escapes line breaks, so an event is always one `data:` line.
    this.#write(subscriber, `data: ${JSON.stringify(event)}\n\n`)
  }

  #write(subscriber: Subscriber, text: string): void {
    const { response } = subscriber
    if (response.writableEnded || response.destroyed) {
      this.#subscribers.delete(subscriber)
      return
    }
    try {
      response.write(text)
    } catch (error) {
      this.#log(`Could not write to a comment stream of ${subscriber.contractId}; closing it`, error)
      this.#end(subscriber)
    }
  }

  #end(subscriber: Subscriber): void {
    this.#subscribers.delete(subscriber)
    if (!subscriber.response.writableEnded) subscriber.response.end()
  }
}
