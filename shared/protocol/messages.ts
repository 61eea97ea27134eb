/**
 * Message types on the sync socket. 0–3 are y-websocket's (sync, awareness, auth, query
 * awareness); Concordat's own start at 100, far from the protocol's, and are only sent to a
 * connection that asked for them with `?ack=1`, so a stock `WebsocketProvider` never sees one.
 */
export const MessageType = {
  /** y-protocols sync: step 1 (state vector), step 2 (missing updates), update. */
  sync: 0,
  /** y-protocols awareness update. */
  awareness: 1,
  /** y-protocols auth (permission denied). */
  auth: 2,
  /** Ask the other side to send its whole awareness state. */
  queryAwareness: 3,
  /**
   * Durable acknowledgement, server → client: `varUint count`, the number of update-bearing
   * messages (sync step 2 and update) received on this socket that are now stored durably (or
   * were found to add nothing). The client shows "Saved" when every update it sent is counted.
   */
  ack: 100,
  /**
   * Error, server → client, sent just before a close: `varUint closeCode, varString reason`.
   * Close reasons are limited to 123 bytes; this carries the full explanation.
   */
  error: 101,
} as const

/** Sync sub-types of y-protocols. */
export const SyncStep = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

/** The query parameter with which a client asks for acknowledgement and error messages. */
export const ACK_PARAM = 'ack'
