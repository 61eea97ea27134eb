/**
 * The inbox in the header: a bell with the number of unread items — mentions of the person and
 * replies to their threads, across their contracts — that opens a list of them (why, where,
 * who, an excerpt, when). Choosing an item opens its contract at its thread and marks it read;
 * *Mark all read* clears the count.
 *
 * The count is live while a contract is open (its comment events carry it, see
 * `unreadCount.ts`); elsewhere it is asked for once a minute.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import type { InboxItemView, InboxView } from '../../../shared/protocol/comments.ts'
import { getInbox, markInboxRead } from '../../api/api.ts'
import { BellIcon } from '../../components/icons.tsx'
import { relativeTime } from '../suggestions/suggestionRecords.ts'
import { latestUnread, subscribeUnread } from './unreadCount.ts'

/** How often the inbox is asked for when no contract's events carry the count. */
const POLL_MS = 60_000

const REASON_LABEL: Readonly<Record<InboxItemView['reason'], string>> = {
  mention: 'mentioned you',
  reply: 'replied to your thread',
}

export interface InboxBellProps {
  /** Opens a path of the app (the contract at a thread). */
  readonly onOpen: (path: string) => void
}

/** The inbox, fetched now and then and whenever the live count changes. */
function useInbox(): { inbox: InboxView | null; problem: string | null; refresh: () => void; setInbox: (inbox: InboxView) => void } {
  const [inbox, setInbox] = useState<InboxView | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const refresh = useCallback(() => {
    getInbox().then(
      (next) => {
        setInbox(next)
        setProblem(null)
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : 'The inbox could not be fetched.'),
    )
  }, [])
  useEffect(() => {
    refresh()
    const timer = setInterval(refresh, POLL_MS)
    const unsubscribe = subscribeUnread((unread) => {
      setInbox((previous) => (previous === null ? previous : { ...previous, unread }))
      refresh()
    })
    return () => {
      clearInterval(timer)
      unsubscribe()
    }
  }, [refresh])
  return { inbox, problem, refresh, setInbox }
}

export function InboxBell({ onOpen }: InboxBellProps) {
  const { inbox, problem, refresh, setInbox } = useInbox()
  const [isOpen, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const id = useId()
  const unread = inbox?.unread ?? latestUnread() ?? 0

  useEffect(() => {
    if (!isOpen) return
    refresh()
    const closeOnOutside = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', closeOnOutside)
    return () => document.removeEventListener('mousedown', closeOnOutside)
  }, [isOpen, refresh])

  const markRead = (which: { ids: readonly string[] } | { all: true }) => {
    if (inbox !== null) {
      const now = Date.now()
      const isMarked = (item: InboxItemView) => 'all' in which || which.ids.includes(item.id)
      const items = inbox.items.map((item) => (item.readAt === null && isMarked(item) ? { ...item, readAt: now } : item))
      setInbox({ items, unread: items.filter((item) => item.readAt === null).length })
    }
    markInboxRead(which).then(refresh, (error: unknown) => console.warn('Marking inbox items read failed:', error))
  }

  const open = (item: InboxItemView) => {
    if (item.readAt === null) markRead({ ids: [item.id] })
    setOpen(false)
    onOpen(`/contracts/${encodeURIComponent(item.contractId)}?thread=${encodeURIComponent(item.threadId)}`)
  }

  return (
    <div
      className="inbox"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && isOpen) {
          setOpen(false)
          button.current?.focus()
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className="inbox-bell"
        aria-expanded={isOpen}
        aria-controls={isOpen ? id : undefined}
        aria-label={unread > 0 ? `Inbox, ${unread} unread` : 'Inbox'}
        onClick={() => setOpen(!isOpen)}
      >
        <BellIcon />
        {unread > 0 ? (
          <span className="inbox-count" data-testid="inbox-count" aria-hidden="true">
            {unread}
          </span>
        ) : null}
      </button>
      {isOpen ? (
        <div className="inbox-popover" id={id} role="dialog" aria-label="Inbox">
          <div className="inbox-heading">
            <h2>Inbox</h2>
            <button type="button" className="link-button" onClick={() => markRead({ all: true })} disabled={unread === 0}>
              Mark all read
            </button>
          </div>
          {problem !== null ? <p className="comment-problem">{problem}</p> : null}
          {inbox !== null && inbox.items.length === 0 ? <p className="inbox-empty">Nothing here: mentions of you and replies to your threads will appear here.</p> : null}
          {inbox !== null && inbox.items.length > 0 ? (
            <ul className="inbox-items">
              {inbox.items.map((item) => (
                <li key={item.id} className={item.readAt === null ? 'inbox-item is-unread' : 'inbox-item'}>
                  <button type="button" onClick={() => open(item)}>
                    <span className="inbox-item-what">
                      {item.readAt === null ? <span className="visually-hidden">Unread: </span> : null}
                      <strong>{item.authorName}</strong> {REASON_LABEL[item.reason] ?? item.reason} in <em>{item.contractTitle || item.contractId}</em>
                    </span>
                    <span className="inbox-item-excerpt">{readableExcerpt(item.excerpt)}</span>
                    <time dateTime={new Date(item.createdAt).toISOString()} title={new Date(item.createdAt).toLocaleString()}>
                      {relativeTime(item.createdAt)}
                    </time>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}

/** An excerpt as text, its mentions (`@[Name](userId)`) read as "@Name". */
export function readableExcerpt(excerpt: string): string {
  return excerpt.replace(/@\[([^\[\]\r\n]{1,120})\]\([A-Za-z0-9_-]{1,64}\)/g, '@$1')
}
