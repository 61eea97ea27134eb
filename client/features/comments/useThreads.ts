/**
 * The comment threads of the open contract, live: one `EventSource` on
 * `GET /api/contracts/<id>/threads/events` per open contract, which sends a `snapshot` of every
 * thread the person may see, then each `thread` created or changed and each `threadRemoved`,
 * and the person's unread `inbox` count (published to the header's bell).
 *
 * The browser reconnects an event stream by itself after a network error; when the server
 * refuses it (the stream closes for good) this hook opens a new one after a growing pause. While
 * disconnected the last list stays as it was: the person can still read it. A tab hidden for a
 * minute closes its stream and reopens it when shown. Given a device copy
 * name, the last list is also kept on the device (localStorage), so a contract opened offline
 * shows the comments as they last were, until the server's snapshot replaces them.
 */
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { CommentEvent, ThreadView } from '../../../shared/protocol/comments.ts'
import { threadEventsUrl } from '../../api/api.ts'
import { publishUnread } from '../inbox/unreadCount.ts'

/** Whether the list is current: being fetched, followed live, or kept from before a disconnection. */
export type ThreadsConnection = 'connecting' | 'live' | 'reconnecting'

export interface LiveThreads {
  /** Every thread the person may see, keyed by id (in no particular order). */
  readonly threads: ReadonlyMap<string, ThreadView>
  /** False until the first snapshot arrived. */
  readonly isLoaded: boolean
  readonly connection: ThreadsConnection
  /** Takes in a thread the server just answered with, before its event arrives. */
  readonly receive: (thread: ThreadView) => void
}

/** Lists larger than this (in characters of JSON) are not kept on the device. */
const LARGEST_KEPT = 2_000_000

function readKept(key: string | null): ReadonlyMap<string, ThreadView> | null {
  if (key === null) return null
  try {
    const kept = JSON.parse(localStorage.getItem(key) ?? 'null') as unknown
    return Array.isArray(kept) ? new Map(kept.filter(isThreadView).map((thread) => [thread.id, thread])) : null
  } catch {
    return null
  }
}

function keep(key: string, threads: ReadonlyMap<string, ThreadView>): void {
  try {
    const json = JSON.stringify([...threads.values()])
    if (json.length <= LARGEST_KEPT) localStorage.setItem(key, json)
    else localStorage.removeItem(key)
  } catch {
    // Storage full or disabled: the list is still live, only not kept.
  }
}

/**
 * How long a hidden tab keeps its stream open. Browsers allow about six HTTP/1.1 connections to
 * a server, and each stream holds one: tabs left in the background give theirs back (and catch
 * up from the snapshot when shown again).
 */
const HIDDEN_CLOSE_MS = 60_000

/** The pause before reopening a refused stream: doubling from 1 s up to 30 s. */
const FIRST_RETRY_MS = 1_000
const LONGEST_RETRY_MS = 30_000

/** The events the server may name (it may also send them unnamed, as `message`). */
const EVENT_NAMES = ['message', 'snapshot', 'thread', 'threadRemoved', 'inbox'] as const

/** Whether `value` has the shape of a `ThreadView` (enough of it to list and key it). */
export function isThreadView(value: unknown): value is ThreadView {
  const thread = value as Partial<ThreadView> | null
  return typeof thread === 'object' && thread !== null && typeof thread.id === 'string' && typeof thread.clauseId === 'string' && Array.isArray(thread.comments)
}

/**
 * The threads after `event`: a snapshot replaces them all, a thread is added or replaced by the
 * copy sent (the server sends them in order), a removal drops one. Pure.
 */
export function applyCommentEvent(threads: ReadonlyMap<string, ThreadView>, event: CommentEvent): ReadonlyMap<string, ThreadView> {
  switch (event.type) {
    case 'snapshot':
      return new Map(event.threads.filter(isThreadView).map((thread) => [thread.id, thread]))
    case 'thread': {
      if (!isThreadView(event.thread)) return threads
      const next = new Map(threads)
      next.set(event.thread.id, event.thread)
      return next
    }
    case 'threadRemoved': {
      if (!threads.has(event.threadId)) return threads
      const next = new Map(threads)
      next.delete(event.threadId)
      return next
    }
    default:
      return threads
  }
}

/**
 * The live threads of `contractId`; `keptAs` names the copy kept on this device (one per person
 * and contract), or null to keep none.
 */
export function useThreads(contractId: string, keptAs: string | null = null): LiveThreads {
  const [threads, setThreads] = useState<ReadonlyMap<string, ThreadView>>(() => readKept(keptAs) ?? new Map())
  const [isLoaded, setLoaded] = useState(() => readKept(keptAs) !== null)
  // Whether the list came from the server (so is worth keeping), not from the device.
  const [isFromServer, setFromServer] = useState(false)
  const [connection, setConnection] = useState<ThreadsConnection>('connecting')

  useEffect(() => {
    if (keptAs !== null && isFromServer) keep(keptAs, threads)
  }, [keptAs, isFromServer, threads])

  useEffect(() => {
    let source: EventSource | null = null
    let retry: ReturnType<typeof setTimeout> | undefined
    let pause = FIRST_RETRY_MS
    let isClosed = false

    const onEvent = (message: MessageEvent<string>) => {
      let event: CommentEvent
      try {
        event = JSON.parse(message.data) as CommentEvent
      } catch {
        console.warn('A comment event was not JSON:', message.data)
        return
      }
      if (typeof event !== 'object' || event === null) return
      if (event.type === 'inbox') {
        if (typeof event.unread === 'number') publishUnread(event.unread)
        return
      }
      if (event.type === 'snapshot') {
        setLoaded(true)
        setFromServer(true)
      }
      setThreads((previous) => applyCommentEvent(previous, event))
    }

    const open = () => {
      if (isClosed) return
      source = new EventSource(threadEventsUrl(contractId), { withCredentials: true })
      for (const name of EVENT_NAMES) source.addEventListener(name, onEvent as EventListener)
      source.onopen = () => {
        pause = FIRST_RETRY_MS
        setConnection('live')
      }
      source.onerror = () => {
        setConnection('reconnecting')
        // CONNECTING: the browser retries by itself. CLOSED: the server refused; try again later.
        if (source?.readyState === EventSource.CLOSED) {
          source.close()
          retry = setTimeout(open, pause)
          pause = Math.min(pause * 2, LONGEST_RETRY_MS)
        }
      }
    }
    // Back online, or shown again: do not wait out the pause.
    const reconnectNow = () => {
      if (source !== null && source.readyState !== EventSource.CLOSED) return
      clearTimeout(retry)
      pause = FIRST_RETRY_MS
      open()
    }
    let hidden: ReturnType<typeof setTimeout> | undefined
    const followVisibility = () => {
      clearTimeout(hidden)
      if (document.visibilityState !== 'hidden') {
        reconnectNow()
        return
      }
      hidden = setTimeout(() => {
        clearTimeout(retry)
        source?.close()
        source = null
        setConnection('connecting')
      }, HIDDEN_CLOSE_MS)
    }

    open()
    window.addEventListener('online', reconnectNow)
    document.addEventListener('visibilitychange', followVisibility)
    return () => {
      isClosed = true
      clearTimeout(retry)
      clearTimeout(hidden)
      source?.close()
      window.removeEventListener('online', reconnectNow)
      document.removeEventListener('visibilitychange', followVisibility)
    }
  }, [contractId])

  const receive = useCallback((thread: ThreadView) => {
    if (!isThreadView(thread)) return
    setThreads((previous) => applyCommentEvent(previous, { type: 'thread', thread }))
  }, [])

  // The same object until something changes, so that the editor's page is not redrawn for nothing.
  return useMemo(() => ({ threads, isLoaded, connection, receive }), [threads, isLoaded, connection, receive])
}
