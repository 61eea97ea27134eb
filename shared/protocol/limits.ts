/**
 * Limits of the sync protocol, shared by server and client. They exist to keep one misbehaving
 * connection from hurting the others; each is set well above what honest use produces.
 */

/**
 * Largest WebSocket frame the server accepts (8 MiB). A 300-clause contract encodes to about
 * 1.2 MB, so a client that rejoins with a whole offline copy still fits several times over.
 */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024

/**
 * Sustained messages per second per connection. A fast typist with remote carets sends ~30/s,
 * a paste a short burst; DESIGN.md asks for at least 100/s sustained.
 */
export const MESSAGES_PER_SECOND = 250

/** Burst allowance on top of the sustained rate (token bucket capacity). */
export const MESSAGE_BURST = 1000

/**
 * Rooms one connection may serve. The y-websocket protocol has no room field: a socket serves
 * exactly the contract named in its URL.
 */
export const MAX_ROOMS_PER_CONNECTION = 1

/**
 * Bytes a connection may send before it is authenticated and its room has loaded. Messages
 * that arrive while the stored state is still loading are held up to this much, then refused.
 */
export const MAX_BYTES_BEFORE_READY = 16 * 1024 * 1024

/**
 * How long an update with unmet dependencies may wait for them. The server never holds such an
 * update: it is refused at once (4409), because a well-behaved client sends in causal order.
 */
export const MAX_PENDING_DEPENDENCY_MS = 0
