/**
 * The review panel beside the contract: every open suggestion in document order, each with its
 * clause, what it does, who proposed it (in their colour) and from which organisation, when, and
 * why if they said. Clicking an entry selects the suggestion in the text and scrolls to it.
 *
 * The list can be narrowed to one clause, one author or one organisation. Those who review
 * suggestions get *Accept* and *Reject* on each entry, and *Accept all* and *Reject all* for
 * what the filters show (a clause, an author, or the whole contract), each one undoable step;
 * acting on more than a few at once asks first. Everyone else sees the list alone.
 *
 * The list follows the document live, colleagues' suggestions included, but is rebuilt at most
 * once per {@link REFRESH_DELAY_MS} and redrawn only when it reads differently: typing in a long
 * contract stays off its path.
 */
import { type CSSProperties, useEffect, useId, useState } from 'react'
import type { Editor } from '@tiptap/react'
import type * as Y from 'yjs'
import type { SuggestionRecord } from '../../../shared/domain/suggestions.ts'
import { getSuggestions } from '../../../shared/ydoc/schema.ts'
import { type ReviewEntry, describeSuggestion, reviewEntries, suggestionRange } from './reviewEntries.ts'
import { readSuggestionRecord, relativeTime, suggestionColour } from './suggestionRecords.ts'

export interface ReviewPanelProps {
  editor: Editor
  doc: Y.Doc
  /** Whether this person may accept and reject suggestions now. */
  canReview: boolean
}

/** An entry with its record (null until the record arrives). */
interface ReviewRow {
  readonly entry: ReviewEntry
  readonly record: SuggestionRecord | null
}

/** The panel's filters: a clause id, an author id and an organisation's name; '' for all. */
interface Filters {
  readonly clause: string
  readonly author: string
  readonly organisation: string
}

const NO_FILTERS: Filters = { clause: '', author: '', organisation: '' }

/** How long the panel waits after a change before rebuilding the list. */
const REFRESH_DELAY_MS = 150

/** Acting on more suggestions than this at once asks for confirmation first. */
const CONFIRM_ABOVE = 5

/** How often relative times ("5 minutes ago") are brought up to date. */
const CLOCK_INTERVAL_MS = 30_000

type Decision = 'accept' | 'reject'

/** A bulk action waiting for the person to confirm it. */
interface PendingBulk {
  readonly decision: Decision
  readonly ids: readonly string[]
  readonly scope: string
}

function rowsOf(editor: Editor, records: Y.Map<unknown>): ReviewRow[] {
  return reviewEntries(editor.state.doc).map((entry) => ({ entry, record: readSuggestionRecord(records, entry.id) }))
}

/**
 * Whether two lists read the same. Positions are left out: typing shifts them without changing
 * the list, and a suggestion is found again by its id when acted on.
 */
function sameRows(a: readonly ReviewRow[], b: readonly ReviewRow[]): boolean {
  return a.length === b.length && a.every((row, i) => {
    const other = b[i]!
    const { entry } = row
    return (
      entry.id === other.entry.id &&
      entry.inserted === other.entry.inserted &&
      entry.deleted === other.entry.deleted &&
      entry.addsParagraph === other.entry.addsParagraph &&
      entry.breaksParagraph === other.entry.breaksParagraph &&
      entry.joinsParagraphs === other.entry.joinsParagraphs &&
      entry.clause?.id === other.entry.clause?.id &&
      entry.clause?.number === other.entry.clause?.number &&
      entry.clause?.heading === other.entry.clause?.heading &&
      // A record is replaced, never changed in place: the same object is the same record.
      row.record === other.record
    )
  })
}

function matches(row: ReviewRow, filters: Filters): boolean {
  return (
    (filters.clause === '' || row.entry.clause?.id === filters.clause) &&
    (filters.author === '' || row.record?.authorId === filters.author) &&
    (filters.organisation === '' || row.record?.organisation === filters.organisation)
  )
}

/** The choices each filter offers: what the open suggestions have, clauses in document order. */
function choicesOf(rows: readonly ReviewRow[]) {
  const clauses = new Map<string, string>()
  const authors = new Map<string, string>()
  const organisations = new Set<string>()
  for (const { entry, record } of rows) {
    if (entry.clause !== null && !clauses.has(entry.clause.id)) clauses.set(entry.clause.id, clauseLabel(entry))
    if (record !== null) {
      authors.set(record.authorId, record.authorName)
      if (record.organisation) organisations.add(record.organisation)
    }
  }
  const byName = (a: string, b: string) => a.localeCompare(b)
  return {
    clauses: [...clauses],
    authors: [...authors].sort(([, a], [, b]) => byName(a, b)),
    organisations: [...organisations].sort(byName),
  }
}

/** "3 Duration", or "3 Untitled clause". */
function clauseLabel(entry: ReviewEntry): string {
  return entry.clause === null ? 'Outside the clauses' : `${entry.clause.number} ${entry.clause.heading || 'Untitled clause'}`
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

export function ReviewPanel({ editor, doc, canReview }: ReviewPanelProps) {
  const records = getSuggestions(doc)
  const [rows, setRows] = useState<ReviewRow[]>(() => rowsOf(editor, records))
  const [chosen, setChosen] = useState<Filters>(NO_FILTERS)
  const [pending, setPending] = useState<PendingBulk | null>(null)
  const [announcement, setAnnouncement] = useState('')
  // Ticks so that relative times ("5 minutes ago") stay true.
  const [, setClock] = useState(0)
  const idPrefix = useId()

  /** Rebuilds the list now, keeping the old one (and so not redrawing) when it reads the same. */
  const refresh = () => {
    if (editor.isDestroyed) return
    const next = rowsOf(editor, records)
    setRows((previous) => (sameRows(previous, next) ? previous : next))
  }

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const scheduleRefresh = () => {
      timer ??= setTimeout(() => {
        timer = undefined
        refresh()
      }, REFRESH_DELAY_MS)
    }
    editor.on('update', scheduleRefresh)
    records.observe(scheduleRefresh)
    refresh()
    const clock = setInterval(() => setClock((tick) => tick + 1), CLOCK_INTERVAL_MS)
    return () => {
      clearTimeout(timer)
      clearInterval(clock)
      editor.off('update', scheduleRefresh)
      records.unobserve(scheduleRefresh)
    }
  }, [editor, records])

  const choices = choicesOf(rows)
  // A filter whose clause, author or organisation has no open suggestion left shows everything.
  const filters: Filters = {
    clause: choices.clauses.some(([id]) => id === chosen.clause) ? chosen.clause : '',
    author: choices.authors.some(([id]) => id === chosen.author) ? chosen.author : '',
    organisation: choices.organisations.includes(chosen.organisation) ? chosen.organisation : '',
  }
  const isFiltered = filters.clause !== '' || filters.author !== '' || filters.organisation !== ''
  const shown = rows.filter((row) => matches(row, filters))
  const scope = scopeOf(filters, choices)

  const show = (id: string) => {
    const range = suggestionRange(editor.state.doc, id)
    if (range !== null) editor.chain().focus().setTextSelection(range).scrollIntoView().run()
  }

  const decide = (decision: Decision, ids: readonly string[]) => {
    const done = decision === 'accept' ? editor.commands.acceptSuggestions(ids) : editor.commands.rejectSuggestions(ids)
    setPending(null)
    if (!done) {
      setAnnouncement('Those suggestions are no longer in the text.')
      return
    }
    setAnnouncement(`${plural(ids.length, 'suggestion', 'suggestions')} ${decision === 'accept' ? 'accepted' : 'rejected'}. Undo brings ${ids.length === 1 ? 'it' : 'them'} back.`)
    // Redrawn at once, not after the usual delay: the person is looking at the list.
    refresh()
  }

  const decideAll = (decision: Decision) => {
    const ids = shown.map((row) => row.entry.id)
    if (ids.length === 0) return
    if (ids.length > CONFIRM_ABOVE) setPending({ decision, ids, scope })
    else decide(decision, ids)
  }

  const choose = (filter: keyof Filters, value: string) => {
    setChosen({ ...filters, [filter]: value })
    setPending(null)
  }

  return (
    <aside className="review-panel" aria-labelledby={`${idPrefix}-title`}>
      <h2 id={`${idPrefix}-title`}>Review</h2>
      <div className="review-filters">
        <label>
          Clause
          <select value={filters.clause} onChange={(event) => choose('clause', event.target.value)}>
            <option value="">All clauses</option>
            {choices.clauses.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Author
          <select value={filters.author} onChange={(event) => choose('author', event.target.value)}>
            <option value="">All authors</option>
            {choices.authors.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Organisation
          <select value={filters.organisation} onChange={(event) => choose('organisation', event.target.value)}>
            <option value="">All organisations</option>
            {choices.organisations.map((organisation) => (
              <option key={organisation} value={organisation}>
                {organisation}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="review-count" data-testid="review-count">
        {isFiltered ? `${shown.length} of ${plural(rows.length, 'open suggestion', 'open suggestions')}` : plural(rows.length, 'open suggestion', 'open suggestions')}
      </p>
      {canReview && shown.length > 0 ? (
        <div className="review-bulk" role="group" aria-label={`All ${plural(shown.length, 'suggestion', 'suggestions')} ${scope}`}>
          <button type="button" onClick={() => decideAll('accept')}>
            Accept all
          </button>
          <button type="button" onClick={() => decideAll('reject')}>
            Reject all
          </button>
          <span className="review-bulk-scope">{scope}</span>
        </div>
      ) : null}
      {pending !== null ? (
        <div className="review-confirm" role="group" aria-labelledby={`${idPrefix}-confirm`}>
          <p id={`${idPrefix}-confirm`}>
            {pending.decision === 'accept' ? 'Accept' : 'Reject'} all {pending.ids.length} suggestions {pending.scope}?
          </p>
          <button type="button" autoFocus onClick={() => decide(pending.decision, pending.ids)}>
            {pending.decision === 'accept' ? 'Accept' : 'Reject'} {pending.ids.length}
          </button>
          <button type="button" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      ) : null}
      {shown.length === 0 ? (
        <p className="review-empty">{rows.length === 0 ? 'No open suggestions.' : 'No suggestions match these filters.'}</p>
      ) : (
        <ol className="review-list">
          {shown.map((row) => (
            <ReviewItem key={row.entry.id} row={row} canReview={canReview} onShow={show} onDecide={decide} />
          ))}
        </ol>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </aside>
  )
}

/** Where the filters point, in words: "in clause 3 Duration, by Priya Provider", "in the whole contract". */
function scopeOf(filters: Filters, choices: ReturnType<typeof choicesOf>): string {
  const parts: string[] = []
  if (filters.clause !== '') parts.push(`in clause ${choices.clauses.find(([id]) => id === filters.clause)?.[1] ?? ''}`)
  if (filters.author !== '') parts.push(`by ${choices.authors.find(([id]) => id === filters.author)?.[1] ?? ''}`)
  if (filters.organisation !== '') parts.push(`from ${filters.organisation}`)
  return parts.length === 0 ? 'in the whole contract' : parts.join(', ')
}

interface ReviewItemProps {
  row: ReviewRow
  canReview: boolean
  onShow: (id: string) => void
  onDecide: (decision: Decision, ids: readonly string[]) => void
}

function ReviewItem({ row: { entry, record }, canReview, onShow, onDecide }: ReviewItemProps) {
  const colour = suggestionColour(record, entry.id)
  return (
    <li className="review-entry" data-suggestion-id={entry.id} style={{ '--suggestion-colour': colour } as CSSProperties}>
      <button type="button" className="review-entry-show" onClick={() => onShow(entry.id)}>
        <span className="review-entry-clause">{clauseLabel(entry)}</span>
        <span className="review-entry-what">{describeSuggestion(entry, 60)}</span>
      </button>
      {record !== null ? (
        <p className="review-entry-who">
          <span className="review-entry-author">{record.authorName}</span>
          {record.organisation ? <span className="review-entry-organisation">{record.organisation}</span> : null}
          <time dateTime={new Date(record.createdAt).toISOString()} title={new Date(record.createdAt).toLocaleString()}>
            {relativeTime(record.createdAt)}
          </time>
        </p>
      ) : (
        <p className="review-entry-who">Author not known yet</p>
      )}
      {record?.reason ? <p className="review-entry-reason">{record.reason}</p> : null}
      {canReview ? (
        <div className="review-entry-actions">
          <button type="button" onClick={() => onDecide('accept', [entry.id])}>
            Accept
          </button>
          <button type="button" onClick={() => onDecide('reject', [entry.id])}>
            Reject
          </button>
        </div>
      ) : null}
    </li>
  )
}
