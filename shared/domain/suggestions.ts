/**
 * Tracked suggestions (DESIGN.md): text a suggester proposes to insert carries the `insertion`
 * mark, text proposed for deletion the `deletion` mark, each with the suggestion's `id`; the
 * `suggestions` map records who proposed it, from which organisation, when, and why.
 *
 * A suggestion's id is made from the Yjs clientID of the editor that made it and a counter:
 * ids never collide between people, and because the server binds every clientID to the one
 * user who writes with it, the id itself says whose suggestion it is.
 */

/** The mark names, exactly as they are stored as formatting attributes in the Y.Doc. */
export const SUGGESTION_MARK = { insertion: 'insertion', deletion: 'deletion' } as const

/** What the `suggestions` map holds for a suggestion. */
export interface SuggestionRecord {
  readonly authorId: string
  readonly authorName: string
  /** The author's organisation's name, or '' when they have none. */
  readonly organisation: string
  /** Milliseconds since the epoch, by the author's clock. */
  readonly createdAt: number
  /** Why the author proposes it, if they said. */
  readonly reason?: string
}

/** The longest reason a proposer may give, in characters. */
export const REASON_MAX_LENGTH = 1000

/** A suggestion id: the clientID that made it and a counter, e.g. `2847561234.7`. */
export function suggestionId(clientId: number, counter: number): string {
  return `${clientId}.${counter}`
}

/** The clientID a suggestion id was made by, or null if it is not one. */
export function clientOfSuggestion(id: unknown): number | null {
  if (typeof id !== 'string') return null
  const match = /^(\d{1,10})\.(\d{1,9})$/.exec(id)
  if (match === null) return null
  const client = Number(match[1])
  return Number.isSafeInteger(client) ? client : null
}

/** Whether `value` is a well-formed record (any author: the server checks it is the sender). */
export function isSuggestionRecord(value: unknown): value is SuggestionRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  const allowed = new Set(['authorId', 'authorName', 'organisation', 'createdAt', 'reason'])
  return (
    keys.every((key) => allowed.has(key)) &&
    typeof record.authorId === 'string' &&
    typeof record.authorName === 'string' &&
    typeof record.organisation === 'string' &&
    typeof record.createdAt === 'number' &&
    Number.isFinite(record.createdAt) &&
    (record.reason === undefined || (typeof record.reason === 'string' && record.reason.length <= REASON_MAX_LENGTH))
  )
}
