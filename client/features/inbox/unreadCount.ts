/**
 * The signed-in person's unread inbox count as the page last heard it, shared between the open
 * contract (whose comment events carry it live) and the bell in the header. A tiny store: the
 * latest value and whoever listens.
 */
type Listener = (unread: number) => void

const listeners = new Set<Listener>()
let latest: number | null = null

/** Tells every listener the count the server just sent. */
export function publishUnread(unread: number): void {
  latest = unread
  for (const listener of listeners) listener(unread)
}

/** The count last published, or null when none has been since the page loaded. */
export function latestUnread(): number | null {
  return latest
}

/** Calls `listener` with each count published from now on; returns the unsubscribe. */
export function subscribeUnread(listener: Listener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
