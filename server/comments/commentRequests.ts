/**
 * Reading the JSON bodies of the comment routes into checked values. Anything malformed — a
 * missing or non-string field, an unknown field, a body empty once trimmed or too long, a scope
 * or status outside its enum, an anchor that is not two relative positions — is a 400 with a
 * code and a sentence saying what to fix. What needs the document (does the clause exist, is
 * the anchor inside it) is checked by the service.
 */
import { clientOfSuggestion } from '../../shared/domain/suggestions.ts'
import { MAX_COMMENT_LENGTH, MAX_QUOTE_LENGTH, type ThreadAnchor, type ThreadScope, type ThreadStatus } from '../../shared/protocol/comments.ts'
import { HttpError } from '../http/HttpError.ts'
import { decodeAnchorPosition } from './ThreadPlacement.ts'

/** A checked `NewThreadRequest`. */
export interface NewThread {
  readonly clauseId: string
  readonly body: string
  readonly scope: ThreadScope
  readonly anchor: ThreadAnchor | null
  readonly quote: string
  readonly suggestionId: string | null
}

/** What `POST /api/inbox/read` asks for: some items, or all. */
export type InboxReadRequest = { readonly ids: readonly string[] } | { readonly all: true }

/** Longest id accepted from a client (clause, suggestion, inbox item). */
const MAX_ID_LENGTH = 200
/** Most inbox items marked read in one request. */
const MAX_READ_IDS = 1000

/** The fields of a JSON object, refusing anything else or a field not in `allowed`. */
function fieldsOf(body: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'invalid_request', `Send ${what} as a JSON object.`)
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) throw new HttpError(400, 'unknown_field', `${what[0]!.toUpperCase()}${what.slice(1)} has ${allowed.join(', ')}; remove “${unknown.join('”, “')}”.`)
  return body as Record<string, unknown>
}

/** A comment body: a string, 1–MAX_COMMENT_LENGTH characters once trimmed. */
export function readBody(value: unknown): string {
  const body = typeof value === 'string' ? value.trim() : null
  if (body === null || body.length === 0) throw new HttpError(400, 'invalid_body', 'Write a comment: the text cannot be empty.')
  if (body.length > MAX_COMMENT_LENGTH) throw new HttpError(400, 'invalid_body', `A comment can be at most ${MAX_COMMENT_LENGTH} characters long.`)
  return body
}

function readId(value: unknown, code: string, message: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) throw new HttpError(400, code, message)
  return value
}

/** Reads `NewThreadRequest`. */
export function readNewThread(input: unknown): NewThread {
  const fields = fieldsOf(input, ['clauseId', 'body', 'scope', 'anchor', 'quote', 'suggestionId'], 'a new thread')
  const clauseId = readId(fields.clauseId, 'invalid_clause', 'Say which clause the thread is on (clauseId).')
  const body = readBody(fields.body)
  if (fields.scope !== 'everyone' && fields.scope !== 'constituency') {
    throw new HttpError(400, 'invalid_scope', 'Choose who sees the thread: scope "everyone" or "constituency".')
  }
  const anchor = fields.anchor === undefined || fields.anchor === null ? null : readAnchor(fields.anchor)
  const quote = fields.quote === undefined ? '' : fields.quote
  if (typeof quote !== 'string' || quote.length > MAX_QUOTE_LENGTH) throw new HttpError(400, 'invalid_quote', `The quote must be text of at most ${MAX_QUOTE_LENGTH} characters.`)
  let suggestionId: string | null = null
  if (fields.suggestionId !== undefined && fields.suggestionId !== null) {
    suggestionId = readId(fields.suggestionId, 'invalid_suggestion', 'suggestionId must be the id of a suggestion.')
    if (clientOfSuggestion(suggestionId) === null) throw new HttpError(400, 'invalid_suggestion', 'suggestionId must be the id of a suggestion.')
  }
  return { clauseId, body, scope: fields.scope, anchor, quote, suggestionId }
}

/** Reads an anchor: `{ from, to }`, each the base64 of one encoded `Y.RelativePosition` into body. */
export function readAnchor(input: unknown): ThreadAnchor {
  const fields = fieldsOf(input, ['from', 'to'], 'an anchor')
  if (decodeAnchorPosition(fields.from) === null || decodeAnchorPosition(fields.to) === null) {
    throw new HttpError(400, 'invalid_anchor', 'The anchor must be two relative positions into the contract’s text (base64 of Y.encodeRelativePosition).')
  }
  return { from: fields.from as string, to: fields.to as string }
}

/** Reads `CommentRequest`. */
export function readCommentRequest(input: unknown): string {
  return readBody(fieldsOf(input, ['body'], 'a comment').body)
}

/** Reads `ThreadStatusRequest`. */
export function readThreadStatus(input: unknown): ThreadStatus {
  const { status } = fieldsOf(input, ['status'], 'the thread’s status')
  if (status !== 'open' && status !== 'resolved') throw new HttpError(400, 'invalid_status', 'A thread’s status is "open" or "resolved".')
  return status
}

/** Reads `{ ids: string[] }` or `{ all: true }`. */
export function readInboxRead(input: unknown): InboxReadRequest {
  const fields = fieldsOf(input, ['ids', 'all'], 'what to mark read')
  if (fields.all === true && fields.ids === undefined) return { all: true }
  const { ids } = fields
  if (fields.all === undefined && Array.isArray(ids) && ids.length <= MAX_READ_IDS && ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH)) {
    return { ids: ids as string[] }
  }
  throw new HttpError(400, 'invalid_request', `Send { "ids": [...] } with at most ${MAX_READ_IDS} item ids, or { "all": true }.`)
}
