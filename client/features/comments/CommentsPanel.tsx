/**
 * The comments side panel: the contract's threads that the person may see, grouped under their
 * clauses (number and heading) in document order, narrowed by filters (open / resolved / all,
 * mine, mentioning me, by constituency), with the threads of removed clauses listed apart. A new
 * thread is written at the top, with who may see it; clicking a thread shows its passage or
 * clause in the text, and selecting text marks the threads of that passage and clause.
 *
 * Where a thread's passage is now, and whether it is gone, is worked out here from its anchor
 * as the text changes, so a deletion shows at once (the server says so too, a moment later).
 */
import { type Editor, useEditorState } from '@tiptap/react'
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { CONSTITUENCIES, type Constituency } from '../../../shared/domain/roles.ts'
import type { MemberView } from '../../../shared/protocol/api.ts'
import type { ThreadScope, ThreadView } from '../../../shared/protocol/comments.ts'
import { startThread } from '../../api/api.ts'
import { CommentComposer } from './CommentComposer.tsx'
import { SCOPE_LABEL, ThreadCard } from './ThreadCard.tsx'
import { type ClausePlace, type TextRange, clauseAround, clausePlaces, isDetachedRange, rangeOfAnchor } from './threadAnchors.ts'
import type { ThreadDraft } from './threadDrafts.ts'
import { type PlacedThread, type StatusFilter, type ThreadFilters, NO_FILTERS, canResolve, filterThreads, groupThreads } from './threadList.ts'
import type { LiveThreads } from './useThreads.ts'
import { showThreadInText } from './useContractComments.ts'

/** The constituencies as the filter names them. */
const CONSTITUENCY_LABEL: Readonly<Record<Constituency, string>> = { steering: 'Steering group', provider: 'Providers', purchaser: 'Purchasers' }

/** How long the panel waits after a change of the text before placing the threads again. */
const REPLACE_DELAY_MS = 150

export interface CommentsPanelProps {
  readonly editor: Editor
  readonly contractId: string
  readonly live: LiveThreads
  readonly members: readonly MemberView[]
  readonly userId: string
  /** The person's constituency: a new thread may be kept within it. */
  readonly constituency: Constituency | null
  readonly canComment: boolean
  /** Whether the person may resolve and reopen anyone's thread. */
  readonly canModerate: boolean
  readonly activeId: string | null
  readonly onActivate: (threadId: string | null) => void
  /** The thread being started, or null. */
  readonly draft: ThreadDraft | null
  /** The draft was sent (with the thread the server made) or abandoned (null). */
  readonly onDraftDone: (thread: ThreadView | null) => void
}

/** Where every thread is in `editor`'s text now. */
function placeThreads(editor: Editor, threads: Iterable<ThreadView>): PlacedThread[] {
  const placed: PlacedThread[] = []
  for (const thread of threads) {
    const range = thread.anchor === null ? null : rangeOfAnchor(editor.state, thread.anchor)
    const isGone = thread.anchor !== null && isDetachedRange(range)
    placed.push({ thread, range: isGone ? null : range, isDetached: thread.detached || isGone })
  }
  return placed
}

/**
 * Scrolls the side panel (when it scrolls on its own, beside the text) so that `element` is in
 * sight; never the page, which would take the text away from the passage being read.
 */
function revealInPanel(element: Element | null | undefined, align: 'nearest' | 'start' = 'nearest'): void {
  const box = element?.closest('.side-panel')
  if (!(element instanceof HTMLElement) || !(box instanceof HTMLElement) || box.scrollHeight <= box.clientHeight) return
  const top = element.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop
  const bottom = top + element.offsetHeight
  if (align === 'start' || top < box.scrollTop) box.scrollTop = top - 8
  else if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = Math.min(top - 8, bottom - box.clientHeight + 8)
}

/** How far down the window the line is whose clause the panel follows while the text scrolls. */
const READING_LINE = 1 / 3

/** Whether two ranges share some text, or a caret `a` touches `b`. */
function overlaps(a: TextRange, b: TextRange): boolean {
  return a.from === a.to ? b.from <= a.from && a.from <= b.to : a.from < b.to && b.from < a.to
}

export function CommentsPanel(props: CommentsPanelProps) {
  const { editor, contractId, live, members, userId, constituency, canComment, canModerate, activeId, onActivate, draft, onDraftDone } = props
  const [filters, setFilters] = useState<ThreadFilters>(NO_FILTERS)
  // Bumped when the text changes (after a pause), so the threads are placed again.
  const [textVersion, setTextVersion] = useState(0)
  const list = useRef<HTMLDivElement>(null)
  const idPrefix = useId()
  const [announcement, setAnnouncement] = useState('')
  // How many comments each thread had when last seen, to announce what others add.
  const commentCounts = useRef<Map<string, number> | null>(null)

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const schedule = () => {
      timer ??= setTimeout(() => {
        timer = undefined
        setTextVersion((version) => version + 1)
      }, REPLACE_DELAY_MS)
    }
    editor.on('update', schedule)
    return () => {
      clearTimeout(timer)
      editor.off('update', schedule)
    }
  }, [editor])

  // Which clauses have threads: where the caret is in a clause without any, where exactly does
  // not matter, and typing there redraws nothing.
  const clausesWithThreads = useRef(new Set<string>())
  clausesWithThreads.current = new Set([...live.threads.values()].map((thread) => thread.clauseId))
  const selection = useEditorState({
    editor,
    selector: ({ editor: { state } }) => {
      const { from, to } = state.selection
      const clauseId = clauseAround(state.doc, from)?.clauseId ?? null
      return clauseId !== null && clausesWithThreads.current.has(clauseId) ? { from, to, clauseId } : { from: -1, to: -1, clauseId }
    },
    equalityFn: (a, b) => a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to && a.clauseId === b.clauseId),
  })

  const { places, placed } = useMemo(() => {
    void textVersion
    if (editor.isDestroyed) return { places: new Map<string, ClausePlace>(), placed: [] }
    return { places: clausePlaces(editor.state.doc), placed: placeThreads(editor, live.threads.values()) }
  }, [editor, live.threads, textVersion])

  // Others' new threads and replies are announced politely (the list changes out of sight).
  useEffect(() => {
    if (!live.isLoaded) return
    const previous = commentCounts.current
    commentCounts.current = new Map([...live.threads.values()].map((thread) => [thread.id, thread.comments.length]))
    if (previous === null) return
    for (const thread of live.threads.values()) {
      const before = previous.get(thread.id) ?? 0
      const latest = thread.comments.at(-1)
      if (thread.comments.length <= before || latest === undefined || latest.authorId === userId) continue
      const place = places.get(thread.clauseId)
      setAnnouncement(`${latest.authorName} ${before === 0 ? 'commented' : 'replied'}${place ? ` on clause ${place.number} ${place.heading}` : ''}.`)
    }
  }, [live.threads, live.isLoaded, userId, places])

  const viewer = useMemo(
    () => ({ userId, constituencyOf: (someone: string) => members.find((member) => member.id === someone)?.organisation.constituency ?? null }),
    [userId, members],
  )
  const shownThreads = new Set(filterThreads([...live.threads.values()], filters, viewer).map((thread) => thread.id))
  // The active thread stays in sight even when the filters would hide it (e.g. just resolved).
  const shown = placed.filter((each) => shownThreads.has(each.thread.id) || each.thread.id === activeId)
  const groups = groupThreads(shown, places)
  const openCount = placed.filter((each) => each.thread.status === 'open').length

  // The thread just started, whose form (and focus) is gone: focus moves to its card.
  const focusWhenShown = useRef<string | null>(null)
  // The active thread's card comes into view (e.g. after a click on its passage in the text);
  // else, the threads of the clause the person is reading, as they sit beside it.
  useEffect(() => {
    if (activeId !== null) revealInPanel(list.current?.querySelector(`[data-thread-id="${CSS.escape(activeId)}"]`))
  }, [activeId])
  useEffect(() => {
    if (activeId === null || focusWhenShown.current !== activeId) return
    const card = list.current?.querySelector(`[data-thread-id="${CSS.escape(activeId)}"]`)
    if (!card) return
    focusWhenShown.current = null
    card.querySelector<HTMLElement>('.thread-show')?.focus()
  }, [activeId, live.threads])
  useEffect(() => {
    if (activeId === null && selection.clauseId !== null) revealInPanel(list.current?.querySelector(`[data-clause-id="${CSS.escape(selection.clauseId)}"]`))
  }, [activeId, selection.clauseId])
  useEffect(() => {
    if (draft !== null) revealInPanel(list.current?.parentElement?.querySelector('.thread-draft'))
  }, [draft])

  // While the text scrolls, the panel follows: the threads of the clause being read (or of the
  // next clause that has some) come to its top, as comments sit beside their text. Not while
  // a thread is being written, nor while the person is in the panel.
  const isFollowing = useRef(true)
  isFollowing.current = draft === null
  useEffect(() => {
    let frame = 0
    const follow = () => {
      frame = 0
      const panel = list.current?.closest('.side-panel')
      if (!isFollowing.current || !panel || panel.matches(':hover, :focus-within') || editor.isDestroyed) return
      const text = editor.view.dom.getBoundingClientRect()
      const line = Math.min(Math.max(text.top, 0) + window.innerHeight * READING_LINE, text.bottom - 1)
      const at = editor.view.posAtCoords({ left: text.left + text.width / 2, top: line })
      const clause = at === null ? null : clauseAround(editor.state.doc, at.pos)
      const place = clause === null ? undefined : clausePlaces(editor.state.doc).get(clause.clauseId)
      if (place === undefined) return
      const groups = [...(list.current?.querySelectorAll<HTMLElement>('[data-clause-order]') ?? [])]
      const next = groups.find((group) => Number(group.dataset.clauseOrder) >= place.order)
      if (next !== undefined) revealInPanel(next, 'start')
    }
    const onScroll = () => {
      frame ||= requestAnimationFrame(follow)
    }
    window.addEventListener('scroll', onScroll, { passive: true })
    return () => {
      cancelAnimationFrame(frame)
      window.removeEventListener('scroll', onScroll)
    }
  }, [editor])

  const show = (thread: ThreadView) => {
    onActivate(thread.id)
    showThreadInText(editor, thread)
  }

  const isRelated = (each: PlacedThread) =>
    selection.clauseId === each.thread.clauseId && (each.range === null || overlaps({ from: selection.from, to: selection.to }, each.range) || selection.from === selection.to)

  const card = (each: PlacedThread) => (
    <ThreadCard
      key={each.thread.id}
      contractId={contractId}
      placed={each}
      isActive={each.thread.id === activeId}
      isRelated={isRelated(each)}
      userId={userId}
      canComment={canComment}
      canResolve={canResolve(each.thread, userId, canModerate, canComment)}
      members={members}
      onShow={show}
      onReceive={live.receive}
    />
  )

  const choose = <K extends keyof ThreadFilters>(key: K, value: ThreadFilters[K]) => setFilters({ ...filters, [key]: value })
  const draftPlace = draft === null ? undefined : places.get(draft.clauseId)
  return (
    <section className="comments-panel" aria-labelledby={`${idPrefix}-title`}>
      <h2 id={`${idPrefix}-title`}>Comments</h2>
      {draft !== null ? (
        <div className="thread-draft" role="group" aria-label="New comment">
          <p className="thread-draft-on">
            {draftPlace !== undefined ? `${draftPlace.number} ${draftPlace.heading || 'Untitled clause'}` : 'Clause'}
            {draft.suggestionId !== null ? ' · on a suggestion' : draft.anchor === null ? ' · whole clause' : ''}
          </p>
          {draft.quote !== '' ? <p className="thread-quote">“{draft.quote.length > 160 ? `${draft.quote.slice(0, 159)}…` : draft.quote}”</p> : null}
          <NewThreadForm
            contractId={contractId}
            draft={draft}
            members={members}
            constituency={constituency}
            onStarted={(thread) => {
              live.receive(thread)
              focusWhenShown.current = thread.id
              onDraftDone(thread)
            }}
            onCancel={() => onDraftDone(null)}
          />
        </div>
      ) : null}
      <div className="comment-filters">
        <label>
          Show
          <select value={filters.status} onChange={(event) => choose('status', event.target.value as StatusFilter)}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="all">Open and resolved</option>
          </select>
        </label>
        <label>
          From
          <select value={filters.constituency} onChange={(event) => choose('constituency', event.target.value as Constituency | '')}>
            <option value="">Any constituency</option>
            {CONSTITUENCIES.map((each) => (
              <option key={each} value={each}>
                {CONSTITUENCY_LABEL[each]}
              </option>
            ))}
          </select>
        </label>
        <label className="comment-filter-check">
          <input type="checkbox" checked={filters.mine} onChange={(event) => choose('mine', event.target.checked)} />
          Mine
        </label>
        <label className="comment-filter-check">
          <input type="checkbox" checked={filters.mentioningMe} onChange={(event) => choose('mentioningMe', event.target.checked)} />
          Mentioning me
        </label>
      </div>
      <p className="comments-count" data-testid="comments-count">
        {openCount === 1 ? '1 open thread' : `${openCount} open threads`}
        {live.connection === 'reconnecting' ? <span className="comments-offline"> · not connected: showing the comments as last received</span> : null}
      </p>
      <div ref={list}>
        {!live.isLoaded && live.connection !== 'live' ? <p className="comments-empty">Loading comments…</p> : null}
        {live.isLoaded && groups.clauses.length === 0 && groups.removedClauses.length === 0 ? (
          <p className="comments-empty">{placed.length === 0 ? 'No comments yet. Select text and choose Comment (Ctrl+Alt+M).' : 'No threads match these filters.'}</p>
        ) : null}
        {groups.clauses.map((group) => (
          <section
            key={group.clause.clauseId}
            className="comment-group"
            data-clause-id={group.clause.clauseId}
            data-clause-order={group.clause.order}
            aria-label={`Clause ${group.clause.number} ${group.clause.heading}`}
          >
            <h3 className="comment-group-clause">
              <span className="outline-number">{group.clause.number}</span> {group.clause.heading || 'Untitled clause'}
            </h3>
            <ol className="thread-list">{group.threads.map(card)}</ol>
          </section>
        ))}
        {groups.removedClauses.length > 0 ? (
          <section className="comment-group comment-group-removed" aria-labelledby={`${idPrefix}-removed`}>
            <h3 className="comment-group-clause" id={`${idPrefix}-removed`}>
              Comments on removed clauses
            </h3>
            <ol className="thread-list">{groups.removedClauses.map(card)}</ol>
          </section>
        ) : null}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </section>
  )
}

interface NewThreadFormProps {
  readonly contractId: string
  readonly draft: ThreadDraft
  readonly members: readonly MemberView[]
  readonly constituency: Constituency | null
  readonly onStarted: (thread: ThreadView) => void
  readonly onCancel: () => void
}

/** The first comment of a new thread, and who may see the thread. */
function NewThreadForm({ contractId, draft, members, constituency, onStarted, onCancel }: NewThreadFormProps) {
  const [scope, setScope] = useState<ThreadScope>('everyone')
  const name = useId()
  return (
    <CommentComposer
      label="Comment"
      submitLabel="Comment"
      members={members}
      autoFocus
      onCancel={onCancel}
      onSubmit={async (body) => {
        const thread = await startThread(contractId, {
          clauseId: draft.clauseId,
          body,
          scope,
          ...(draft.anchor !== null ? { anchor: draft.anchor, quote: draft.quote } : {}),
          ...(draft.suggestionId !== null ? { suggestionId: draft.suggestionId } : {}),
        })
        onStarted(thread)
      }}
    >
      <fieldset className="thread-scope">
        <legend>Who can see it</legend>
        <label>
          <input type="radio" name={name} value="everyone" checked={scope === 'everyone'} onChange={() => setScope('everyone')} />
          Everyone
        </label>
        {constituency !== null ? (
          <label>
            <input type="radio" name={name} value="constituency" checked={scope === 'constituency'} onChange={() => setScope('constituency')} />
            {SCOPE_LABEL[constituency]}
          </label>
        ) : null}
      </fieldset>
    </CommentComposer>
  )
}
