/** Errors that HTTP handlers throw, answered as `{ error: { code, message } }`. */

/** An error an HTTP handler throws to answer with a status, a stable code and a sentence. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
