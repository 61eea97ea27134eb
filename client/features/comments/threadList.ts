/**
 * The comment threads as the side panel lists them: narrowed by the person's filters, put in
 * document order and grouped under their clauses, with the threads of removed clauses apart.
 * Pure functions of the threads and of where things are in the text, so the rules are plain to
 * read and to test.
 */
import type { Constituency } from '../../../shared/domain/roles.ts'
import type { ThreadView } from '../../../shared/protocol/comments.ts'
import type { ClausePlace, TextRange } from './threadAnchors.ts'

/** Which threads by state. */
export type StatusFilter = 'open' | 'resolved' | 'all'

/** The panel's filters; every one narrows the list (they combine with "and"). */
export interface ThreadFilters {
  readonly status: StatusFilter
  /** Only threads the person started or wrote in. */
  readonly mine: boolean
  /** Only threads where someone mentions the person. */
  readonly mentioningMe: boolean
  /** Only threads with a comment from someone of this constituency ('' for any). */
  readonly constituency: Constituency | ''
}

export const NO_FILTERS: ThreadFilters = { status: 'open', mine: false, mentioningMe: false, constituency: '' }

/** Who is looking, and what the panel knows of the other members. */
export interface Viewer {
  readonly userId: string
  /** The constituency of a member, or null when they are not known (no longer a member). */
  readonly constituencyOf: (userId: string) => Constituency | null
}

/** Whether `thread` passes every filter for `viewer`. */
export function matchesFilters(thread: ThreadView, filters: ThreadFilters, viewer: Viewer): boolean {
  if (filters.status !== 'all' && thread.status !== filters.status) return false
  if (filters.mine && thread.createdBy !== viewer.userId && !thread.comments.some((comment) => comment.authorId === viewer.userId)) return false
  if (filters.mentioningMe && !thread.comments.some((comment) => comment.mentions.includes(viewer.userId))) return false
  if (filters.constituency !== '') {
    const wanted = filters.constituency
    const fromThere = thread.comments.some((comment) => viewer.constituencyOf(comment.authorId) === wanted)
    if (!fromThere && !(thread.constituency === wanted)) return false
  }
  return true
}

/** The threads that pass the filters, in the order given. */
export function filterThreads(threads: readonly ThreadView[], filters: ThreadFilters, viewer: Viewer): ThreadView[] {
  return threads.filter((thread) => matchesFilters(thread, filters, viewer))
}

/** A thread as the panel shows it: where its passage is now, and whether it has lost it. */
export interface PlacedThread {
  readonly thread: ThreadView
  /** Its passage now, or null for a whole-clause thread or one whose passage is gone. */
  readonly range: TextRange | null
  /** Its passage was deleted (seen here at once, or by the server). */
  readonly isDetached: boolean
}

/** The threads of one clause, under its number and heading. */
export interface ClauseGroup {
  readonly clause: ClausePlace
  readonly threads: readonly PlacedThread[]
}

/** The panel's list: clause groups in document order, and threads whose clause is gone. */
export interface ThreadGroups {
  readonly clauses: readonly ClauseGroup[]
  readonly removedClauses: readonly PlacedThread[]
}

/**
 * Groups placed threads under their clauses in document order: in a clause, whole-clause
 * threads first, then by where their passage starts (detached ones last), then by age. A
 * thread whose clause is not in `places` (removed, here or by the server's account) goes to
 * `removedClauses`, oldest first.
 */
export function groupThreads(threads: readonly PlacedThread[], places: ReadonlyMap<string, ClausePlace>): ThreadGroups {
  const byClause = new Map<string, PlacedThread[]>()
  const removedClauses: PlacedThread[] = []
  for (const placed of threads) {
    const place = places.get(placed.thread.clauseId)
    if (place === undefined) {
      removedClauses.push(placed)
      continue
    }
    const list = byClause.get(place.clauseId) ?? []
    list.push(placed)
    byClause.set(place.clauseId, list)
  }
  const clauses = [...byClause.entries()]
    .map(([clauseId, list]) => ({ clause: places.get(clauseId)!, threads: list.sort(inClauseOrder) }))
    .sort((a, b) => a.clause.order - b.clause.order)
  removedClauses.sort((a, b) => a.thread.createdAt - b.thread.createdAt)
  return { clauses, removedClauses }
}

/** Where in its clause a thread sorts: whole clause, then by passage start, then detached. */
function rank(placed: PlacedThread): number {
  if (placed.thread.anchor === null) return -1
  if (placed.isDetached || placed.range === null) return Number.MAX_SAFE_INTEGER
  return placed.range.from
}

function inClauseOrder(a: PlacedThread, b: PlacedThread): number {
  return rank(a) - rank(b) || a.thread.createdAt - b.thread.createdAt
}

/** The number of open threads of each clause (the outline shows them). */
export function openCountsByClause(threads: readonly ThreadView[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const thread of threads) if (thread.status === 'open') counts.set(thread.clauseId, (counts.get(thread.clauseId) ?? 0) + 1)
  return counts
}

/** Whether `viewer` may resolve or reopen `thread`: its author, or one who moderates comments. */
export function canResolve(thread: ThreadView, userId: string, canModerate: boolean, canComment: boolean): boolean {
  return canModerate || (canComment && thread.createdBy === userId)
}
