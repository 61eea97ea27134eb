/**
 * Limits of the sync protocol, shared by server and client. They exist to keep one misbehaving
 * connection from hurting the others; each is set well above what honest use produces.
 *
 * Rooms per connection need no number: the y-websocket protocol has no room field, so a socket
 * serves exactly the contract named in its URL. An update whose dependencies are missing is not
 * held waiting for them either: it is refused at once (4409), unless it came just before the
 * client's sync step 2, which carries it.
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
 * Bytes a connection may send before it is authenticated and its room has loaded. Messages
 * that arrive while the stored state is still loading are held up to this much, then refused.
 */
export const MAX_BYTES_BEFORE_READY = 16 * 1024 * 1024

/** The longest contract title, in characters (`meta.title`). */
export const TITLE_MAX_LENGTH = 200

/** The longest contract description, in characters (`meta.description`). */
export const DESCRIPTION_MAX_LENGTH = 1000
