/**
 * Reading the `suggestions` map for people: who proposed a suggestion, from which organisation,
 * how long ago, and the colour their suggestions are drawn in; and its author saying why.
 */
import type * as Y from 'yjs'
import { REASON_MAX_LENGTH, type SuggestionRecord, clientOfSuggestion, isSuggestionRecord } from '../../../shared/domain/suggestions.ts'

/** The record of the suggestion `id`, or null while it has not arrived (or is malformed). */
export function readSuggestionRecord(records: Y.Map<unknown> | null, id: string): SuggestionRecord | null {
  const value = records?.get(id)
  return isSuggestionRecord(value) ? value : null
}

/**
 * Gives the suggestion `id` the reason `reason` (trimmed, at most {@link REASON_MAX_LENGTH}
 * characters; blank removes it), keeping everything else of its record as it is: the server
 * accepts a suggester's change to their own record only while it names them as its author.
 * False when the record has not arrived.
 */
export function setSuggestionReason(records: Y.Map<unknown>, id: string, reason: string): boolean {
  const record = readSuggestionRecord(records, id)
  if (record === null) return false
  const { reason: _previous, ...rest } = record
  const given = reason.trim().slice(0, REASON_MAX_LENGTH)
  if ((record.reason ?? '') === given) return true
  records.set(id, given === '' ? rest : ({ ...rest, reason: given } satisfies SuggestionRecord))
  return true
}

/**
 * Suggestion colours, dark enough to read as text on white and told apart from each other;
 * none is the red or green that reads as "wrong" or "done".
 */
const AUTHOR_COLOURS = ['#1d4ed8', '#7c3aed', '#b45309', '#0f766e', '#be185d', '#0369a1', '#a16207', '#6d28d9']

/**
 * The colour of everything `authorId` suggests: the same on every page and for every reader,
 * because it is a hash of the id. A suggestion whose record has not arrived is coloured by the
 * clientID in its id, so it does not flash grey.
 */
export function suggestionColour(record: SuggestionRecord | null, id: string): string {
  const key = record?.authorId ?? String(clientOfSuggestion(id) ?? id)
  let hash = 0
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0
  return AUTHOR_COLOURS[Math.abs(hash) % AUTHOR_COLOURS.length]!
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

/** `then` relative to `now` in words: "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function relativeTime(then: number, now: number = Date.now()): string {
  const seconds = Math.round((then - now) / 1000)
  if (Math.abs(seconds) < 45) return 'just now'
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['minute', 60],
    ['hour', 60 * 60],
    ['day', 24 * 60 * 60],
    ['week', 7 * 24 * 60 * 60],
    ['month', 30 * 24 * 60 * 60],
    ['year', 365 * 24 * 60 * 60],
  ]
  let chosen = units[0]!
  for (const unit of units) if (Math.abs(seconds) >= unit[1] * 0.9) chosen = unit
  return RELATIVE.format(Math.round(seconds / chosen[1]), chosen[0])
}

/** "Pat Provider (Sunrise Homes)", or the name alone when they have no organisation. */
export function authorLabel(record: SuggestionRecord): string {
  return record.organisation ? `${record.authorName} (${record.organisation})` : record.authorName
}
