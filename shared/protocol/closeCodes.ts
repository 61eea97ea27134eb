/**
 * WebSocket close codes shared by the sync server and the client, so the client can tell the
 * reasons apart and say them to the person in plain words (see `describeClose`).
 *
 * 4xxx mirror the HTTP status with the same meaning; 1001 and 1011 are the standard codes.
 */
export const CloseCode = {
  /** The server is shutting down or restarting; reconnect shortly. */
  goingAway: 1001,
  /** A frame exceeded the WebSocket layer's own size limit (sent by the `ws` library itself). */
  messageTooBig: 1009,
  /** The server could not store an update; nothing from it was applied. Reconnect and resync. */
  internalError: 1011,
  /** The connection fell too far behind reading what the server sent; reconnect to catch up. */
  tryAgainLater: 1013,
  /** A frame could not be decoded, or named a message type the server does not speak. */
  malformed: 4400,
  /** No valid session or token accompanied the connection. */
  unauthenticated: 4401,
  /** The user may not open this contract (or may not write to it). */
  forbidden: 4403,
  /** The referee refused an update (missing dependencies, a role's limits, …). Nothing applied. */
  updateRejected: 4409,
  /** A frame was larger than `MAX_MESSAGE_BYTES`, or too much arrived before the room was ready. */
  tooLarge: 4413,
  /** The connection sent more messages than the rate limit allows. */
  tooManyMessages: 4429,
} as const

export type CloseCodeName = keyof typeof CloseCode
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName]

/** Words for a person, one per close code; the client shows these and nothing ad hoc. */
export function describeClose(code: number): string {
  switch (code) {
    case CloseCode.goingAway:
      return 'The server is restarting. Reconnecting…'
    case CloseCode.internalError:
      return 'The server could not save your last change. Reconnecting to resynchronise.'
    case CloseCode.malformed:
      return 'The connection sent something the server could not read. Reconnecting.'
    case CloseCode.unauthenticated:
      return 'You are signed out. Sign in again to keep working.'
    case CloseCode.forbidden:
      return 'You do not have access to this contract.'
    case CloseCode.updateRejected:
      return 'Your last change was not accepted by the server and has been undone.'
    case CloseCode.tooLarge:
    case CloseCode.messageTooBig:
      return 'That change is too large to send in one go.'
    case CloseCode.tryAgainLater:
      return 'The connection fell behind. Reconnecting to catch up.'
    case CloseCode.tooManyMessages:
      return 'Too many changes arrived at once. Reconnecting.'
    default:
      return 'The connection was interrupted. Reconnecting…'
  }
}
