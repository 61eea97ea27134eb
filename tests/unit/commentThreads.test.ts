/**
 * The comments panel's list rules, on plain threads: the filters (open / resolved / mine /
 * mentioning me / by constituency) and how they combine; grouping in document order under
 * clauses, removed clauses apart; open counts for the outline; who may resolve; the live event
 * stream's effect on the list; and mention completion.
 */
import { describe, expect, it } from 'vitest'
import type { Constituency } from '../../shared/domain/roles.ts'
import type { MemberView } from '../../shared/protocol/api.ts'
import type { CommentView, ThreadView } from '../../shared/protocol/comments.ts'
import { mentionCandidates } from '../../client/features/comments/CommentComposer.tsx'
import type { ClausePlace } from '../../client/features/comments/threadAnchors.ts'
import { NO_FILTERS, type PlacedThread, type ThreadFilters, canResolve, filterThreads, groupThreads, openCountsByClause } from '../../client/features/comments/threadList.ts'
import { applyCommentEvent } from '../../client/features/comments/useThreads.ts'

const CONSTITUENCY: Record<string, Constituency> = { chair: 'steering', provider: 'provider', purchaser: 'purchaser' }
const viewer = (userId: string) => ({ userId, constituencyOf: (someone: string) => CONSTITUENCY[someone] ?? null })

let clock = 1_000
function comment(authorId: string, body: string, mentions: string[] = []): CommentView {
  clock += 1
  return { id: `c${clock}`, authorId, authorName: authorId, authorOrganisation: '', body, createdAt: clock, editedAt: null, mentions }
}

function thread(id: string, fields: Partial<ThreadView> & { comments: CommentView[] }): ThreadView {
  clock += 1
  return {
    id,
    contractId: 'children-homes',
    clauseId: 'c-fees',
    scope: 'everyone',
    constituency: null,
    status: 'open',
    detached: false,
    clauseRemoved: false,
    quote: '',
    anchor: null,
    suggestionId: null,
    createdBy: fields.comments[0]!.authorId,
    createdAt: clock,
    resolvedBy: null,
    resolvedAt: null,
    ...fields,
  }
}

const byPurchaser = thread('t-purchaser', { comments: [comment('purchaser', 'Why 30 days?'), comment('provider', 'Agreed, @[Chris Chair](chair)', ['chair'])] })
const byProvider = thread('t-provider', { scope: 'constituency', constituency: 'provider', comments: [comment('provider', 'Between us providers')] })
const resolved = thread('t-resolved', { status: 'resolved', resolvedBy: 'chair', resolvedAt: 5, comments: [comment('chair', 'Done')] })
const ALL = [byPurchaser, byProvider, resolved]

const ids = (threads: readonly ThreadView[]) => threads.map((each) => each.id)
const filtered = (filters: Partial<ThreadFilters>, as: string) => ids(filterThreads(ALL, { ...NO_FILTERS, ...filters }, viewer(as)))

describe('comment filters', () => {
  it('show open threads by default, resolved ones or both on request', () => {
    expect(filtered({}, 'chair')).toEqual(['t-purchaser', 't-provider'])
    expect(filtered({ status: 'resolved' }, 'chair')).toEqual(['t-resolved'])
    expect(filtered({ status: 'all' }, 'chair')).toEqual(['t-purchaser', 't-provider', 't-resolved'])
  })

  it('"mine" keeps threads the person started or wrote in', () => {
    expect(filtered({ status: 'all', mine: true }, 'provider')).toEqual(['t-purchaser', 't-provider'])
    expect(filtered({ status: 'all', mine: true }, 'purchaser')).toEqual(['t-purchaser'])
    expect(filtered({ status: 'all', mine: true }, 'nobody')).toEqual([])
  })

  it('"mentioning me" keeps threads where someone mentions the person', () => {
    expect(filtered({ mentioningMe: true }, 'chair')).toEqual(['t-purchaser'])
    expect(filtered({ mentioningMe: true }, 'provider')).toEqual([])
  })

  it('by constituency keeps threads with a comment from someone of it', () => {
    expect(filtered({ status: 'all', constituency: 'purchaser' }, 'chair')).toEqual(['t-purchaser'])
    expect(filtered({ status: 'all', constituency: 'provider' }, 'chair')).toEqual(['t-purchaser', 't-provider'])
    expect(filtered({ status: 'all', constituency: 'steering' }, 'chair')).toEqual(['t-resolved'])
  })

  it('combine: every filter must hold', () => {
    expect(filtered({ status: 'all', mine: true, constituency: 'steering' }, 'provider')).toEqual([])
    expect(filtered({ mine: true, mentioningMe: true }, 'chair')).toEqual([])
  })
})

describe('the panel’s list', () => {
  const place = (clauseId: string, order: number): ClausePlace => ({ clauseId, number: String(order + 1), heading: clauseId, pos: order * 100, end: order * 100 + 99, order })
  const places = new Map([
    ['c-parties', place('c-parties', 0)],
    ['c-fees', place('c-fees', 1)],
  ])
  const at = (each: ThreadView, from: number | null, isDetached = false): PlacedThread => ({ thread: each, range: from === null ? null : { from, to: from + 5 }, isDetached })

  it('groups threads under their clauses in document order: whole clause, then by passage, detached last; removed clauses apart', () => {
    const anchor = { from: 'AA==', to: 'AA==' }
    const late = thread('late', { anchor, comments: [comment('chair', 'later in the clause')] })
    const early = thread('early', { anchor, comments: [comment('chair', 'earlier in the clause')] })
    const whole = thread('whole', { comments: [comment('chair', 'the whole clause')] })
    const gone = thread('gone', { anchor, detached: true, comments: [comment('chair', 'deleted passage')] })
    const parties = thread('parties', { clauseId: 'c-parties', comments: [comment('chair', 'parties')] })
    const removed = thread('removed', { clauseId: 'c-old', clauseRemoved: true, comments: [comment('chair', 'removed clause')] })
    const groups = groupThreads([at(late, 150), at(gone, null, true), at(removed, null, true), at(whole, null), at(early, 120), at(parties, null)], places)
    expect(groups.clauses.map((group) => [group.clause.clauseId, ids(group.threads.map((each) => each.thread))])).toEqual([
      ['c-parties', ['parties']],
      ['c-fees', ['whole', 'early', 'late', 'gone']],
    ])
    expect(groups.removedClauses.map((each) => each.thread.id)).toEqual(['removed'])
  })

  it('counts open threads per clause for the outline', () => {
    const counts = openCountsByClause([...ALL, thread('other', { clauseId: 'c-parties', comments: [comment('chair', 'x')] })])
    expect([...counts]).toEqual([
      ['c-fees', 2],
      ['c-parties', 1],
    ])
  })

  it('lets the thread’s author and moderators resolve it, nobody else', () => {
    expect(canResolve(byPurchaser, 'purchaser', false, true)).toBe(true)
    expect(canResolve(byPurchaser, 'provider', false, true)).toBe(false)
    expect(canResolve(byPurchaser, 'chair', true, true)).toBe(true)
    expect(canResolve(byPurchaser, 'purchaser', false, false)).toBe(false)
  })
})

describe('live comment events', () => {
  it('a snapshot replaces the list, a thread is added or replaced, a removal drops it', () => {
    let threads = applyCommentEvent(new Map(), { type: 'snapshot', threads: [byPurchaser, byProvider] })
    expect([...threads.keys()]).toEqual(['t-purchaser', 't-provider'])
    const changed = { ...byPurchaser, status: 'resolved' as const }
    threads = applyCommentEvent(threads, { type: 'thread', thread: changed })
    expect(threads.get('t-purchaser')?.status).toBe('resolved')
    threads = applyCommentEvent(threads, { type: 'thread', thread: resolved })
    expect(threads.size).toBe(3)
    threads = applyCommentEvent(threads, { type: 'threadRemoved', threadId: 't-provider' })
    expect([...threads.keys()]).toEqual(['t-purchaser', 't-resolved'])
    threads = applyCommentEvent(threads, { type: 'snapshot', threads: [] })
    expect(threads.size).toBe(0)
  })
})

describe('mention completion', () => {
  const member = (id: string, name: string): MemberView => ({
    id,
    name,
    email: `${id}@demo.test`,
    role: 'editor',
    organisation: { id: 'o', name: 'Org', constituency: 'steering' },
  })
  const members = [member('chair', 'Chris Chair'), member('provider', 'Priya Provider'), member('purchaser', 'Paul Purchaser')]

  it('offers members whose name or a word of it starts with what was typed', () => {
    expect(mentionCandidates(members, 'ch').map((each) => each.id)).toEqual(['chair'])
    expect(mentionCandidates(members, 'p').map((each) => each.id)).toEqual(['purchaser', 'provider'])
    expect(mentionCandidates(members, 'purch').map((each) => each.id)).toEqual(['purchaser'])
    expect(mentionCandidates(members, 'zz')).toEqual([])
    expect(mentionCandidates(members, '')).toHaveLength(3)
  })
})
