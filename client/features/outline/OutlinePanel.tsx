/**
 * The outline: every clause's computed number and heading, with its status, in document order.
 * Clicking (or Enter or Space on) an entry puts the cursor in that clause's heading and scrolls
 * to it.
 *
 * The entries form one tab stop (a roving tabindex): Up and Down move between them, Home and
 * End go to the first and last. Those who may edit can reorder clauses here: by dragging an
 * entry onto the top or bottom half of another (the clause goes before or after it, at its
 * level), or with Alt+Shift+Up / Alt+Shift+Down (one place among its siblings). Every move goes
 * through `moveClauseInEditor`, and only moves the editor would accept are offered: none into
 * the clause itself, none that would change a locked clause. Moves are announced politely.
 *
 * Each entry shows how many open comment threads its clause has; those who may comment start a
 * thread on a clause with Ctrl+Alt+M on its entry, or its comment button (shown on hover).
 */
import { type CSSProperties, type DragEvent, type KeyboardEvent, memo, useEffect, useId, useLayoutEffect, useRef, useState } from 'react'
import type { Editor } from '@tiptap/react'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import type { EditorState } from '@tiptap/pm/state'
import type * as Y from 'yjs'
import { clauseNumbers } from '../../../shared/editor/Clause.ts'
import { type ClauseAt, clauseAt, moveClauseTo, siblingMoveTarget } from '../../../shared/editor/clauseCommands.ts'
import { moveClauseInEditor } from '../../../shared/editor/ClauseEditing.ts'
import { wouldApply } from '../../../shared/editor/ClauseLocking.ts'
import { getClauses } from '../../../shared/ydoc/schema.ts'
import { CommentIcon } from '../../components/icons.tsx'

interface OutlineEntry {
  /** Unique among the entries: the clause id, unless (briefly) two clauses share one. */
  readonly key: string
  readonly pos: number
  readonly number: string
  readonly heading: string
  readonly clauseId: string
  readonly depth: number
}

/** Where a dragged clause would land, drawn as a line at the top or bottom of an entry. */
interface DropIndicator {
  /** The entry the line is drawn on: the target, or the last of its sub-clauses for "after". */
  readonly key: string
  readonly edge: 'before' | 'after'
  /** The level the clause would land at (the target's), for the line's indent. */
  readonly depth: number
}

const STATUS_LABEL: Record<string, string> = { drafting: 'Drafting', proposed: 'Proposed', agreed: 'Agreed', locked: 'Locked' }

/** Marks a drag as an outline entry's (its value is the clause id), so other drags are ignored. */
const OUTLINE_DRAG_TYPE = 'application/x-concordat-clause'

/** Each level of nesting indents an entry (and a drop line) by this much. */
const INDENT_REM = 0.9

function entriesOf(editor: Editor): OutlineEntry[] {
  const { doc } = editor.state
  const seen = new Set<string>()
  return [...clauseNumbers(doc)].map(([pos, number], index) => {
    const node = doc.nodeAt(pos)!
    const clauseId = String(node.attrs.clauseId ?? '')
    const key = seen.has(clauseId) ? `${clauseId}-${index}` : clauseId
    seen.add(clauseId)
    return { key, pos, number, heading: node.firstChild?.textContent ?? '', clauseId, depth: number.split('.').length }
  })
}

/**
 * Whether two outlines show the same thing. Positions are left out: typing shifts every later
 * clause's position without changing the outline, and an entry's clause is found again by its
 * id when its position is stale (see `locate`).
 */
function sameOutline(a: readonly OutlineEntry[], b: readonly OutlineEntry[]): boolean {
  return a.length === b.length && a.every((entry, i) => {
    const other = b[i]!
    return entry.key === other.key && entry.number === other.number && entry.heading === other.heading && entry.depth === other.depth
  })
}

/** How long the outline waits after a change before redrawing: typing stays off its path. */
const REFRESH_DELAY_MS = 120

function statusOf(doc: Y.Doc, clauseId: string): string {
  const value = getClauses(doc).get(clauseId) as { status?: unknown } | undefined
  return typeof value?.status === 'string' ? value.status : 'drafting'
}

/**
 * The clause `entry` stands for in `doc`: at the entry's position when it is still there (the
 * document may have changed since the outline was drawn), else found by its id.
 */
function locate(doc: ProseMirrorNode, entry: OutlineEntry): ClauseAt | null {
  const at = clauseAt(doc, entry.pos)
  if (at?.node.attrs.clauseId === entry.clauseId) return at
  let found: ClauseAt | null = null
  const visit = (parent: ProseMirrorNode, contentStart: number) => {
    parent.forEach((child, offset) => {
      if (found !== null || child.type.name !== 'clause') return
      if (child.attrs.clauseId === entry.clauseId) found = clauseAt(doc, contentStart + offset)
      else visit(child, contentStart + offset + 1)
    })
  }
  visit(doc, 0)
  return found
}

/**
 * Where dropping `dragged` on the `edge` half of `target` would put it — before the target, or
 * after it and its sub-clauses — or null when that move is refused: not a place a clause can
 * stand, inside the dragged clause itself, where it already is, or changing a locked clause.
 */
function dropTarget(state: EditorState, dragged: OutlineEntry, target: OutlineEntry, edge: 'before' | 'after'): { from: number; to: number } | null {
  const from = locate(state.doc, dragged)
  const onto = locate(state.doc, target)
  if (from === null || onto === null) return null
  const to = edge === 'before' ? onto.pos : onto.pos + onto.node.nodeSize
  // The command's own "can I?" is `canMoveClauseTo`; its transaction is checked against the locks.
  return wouldApply(state, moveClauseTo(from.pos, to)) ? { from: from.pos, to } : null
}

/** The index of the last entry inside the clause of `entries[index]` (itself when it has none). */
function lastWithin(entries: readonly OutlineEntry[], index: number): number {
  const { depth } = entries[index]!
  let last = index
  while (last + 1 < entries.length && entries[last + 1]!.depth > depth) last++
  return last
}

/** How an entry is spoken of in announcements: "Clause 4 Fees". */
function clauseLabel(entry: OutlineEntry): string {
  return `Clause ${entry.number} ${entry.heading || 'Untitled clause'}`
}

/** An entry indented by its level, with its drop line (if any) indented by the level it shows. */
function entryStyle(entry: OutlineEntry, line: DropIndicator | null): CSSProperties {
  const style: Record<string, string> = { paddingLeft: `${(entry.depth - 1) * INDENT_REM}rem` }
  if (line !== null) style['--drop-indent'] = `${(line.depth - 1) * INDENT_REM}rem`
  return style
}

export interface OutlinePanelProps {
  editor: Editor
  doc: Y.Doc
  /** Whether this person may reorder clauses from the outline (those who may edit the text). */
  canReorder?: boolean
  /** The number of open comment threads of each clause, by clause id. */
  openThreads?: ReadonlyMap<string, number>
  /** Starts a comment thread on a whole clause; without it the outline offers none. */
  onCommentOnClause?: (clauseId: string) => void
}

/**
 * The outline beside the text. Redrawn only when its own props or state change: a 300-clause
 * outline redrawn with the page on every keystroke (the save status changes each time) would
 * slow typing down.
 */
export const OutlinePanel = memo(function OutlinePanel({ editor, doc, canReorder = false, openThreads, onCommentOnClause }: OutlinePanelProps) {
  const [entries, setEntries] = useState<OutlineEntry[]>(() => entriesOf(editor))
  const [, setStatusVersion] = useState(0)
  /** The entry holding the outline's one tab stop. */
  const [activeKey, setActiveKey] = useState<string | null>(null)
  const [announcement, setAnnouncement] = useState('')
  const [draggedKey, setDraggedKey] = useState<string | null>(null)
  const [indicator, setIndicator] = useState<DropIndicator | null>(null)
  const buttons = useRef(new Map<string, HTMLButtonElement>())
  /** The entry to focus once the outline is redrawn after a keyboard move. */
  const focusAfterRender = useRef<string | null>(null)
  const idPrefix = useId()

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const refresh = () => {
      timer = undefined
      if (editor.isDestroyed) return
      const next = entriesOf(editor)
      setEntries((previous) => (sameOutline(previous, next) ? previous : next))
    }
    const scheduleRefresh = () => {
      timer ??= setTimeout(refresh, REFRESH_DELAY_MS)
    }
    const refreshStatus = () => setStatusVersion((v) => v + 1)
    editor.on('update', scheduleRefresh)
    getClauses(doc).observe(refreshStatus)
    refresh()
    return () => {
      clearTimeout(timer)
      editor.off('update', scheduleRefresh)
      getClauses(doc).unobserve(refreshStatus)
    }
  }, [editor, doc])

  useLayoutEffect(() => {
    const key = focusAfterRender.current
    if (key === null) return
    focusAfterRender.current = null
    // Reordering the list's elements takes focus from the one that moved.
    const button = buttons.current.get(key)
    if (button !== undefined && document.activeElement !== button) button.focus()
  }, [entries])

  const tabStop = entries.some((entry) => entry.key === activeKey) ? activeKey : (entries[0]?.key ?? null)
  const dragged = entries.find((entry) => entry.key === draggedKey) ?? null

  const jump = (entry: OutlineEntry) => {
    const at = locate(editor.state.doc, entry)
    if (at !== null) editor.chain().focus().setTextSelection(at.pos + 2).scrollIntoView().run()
  }

  const focusEntry = (index: number) => {
    const entry = entries[Math.max(0, Math.min(entries.length - 1, index))]
    if (entry === undefined) return
    setActiveKey(entry.key)
    buttons.current.get(entry.key)?.focus()
  }

  /** Moves `entry`'s clause from `from` to `to`, announces where it went, and returns its new entry. */
  const move = (entry: OutlineEntry, from: number, to: number): OutlineEntry | null => {
    if (!moveClauseInEditor(editor, from, to)) return null
    // Redrawn at once (not after the usual delay): focus follows the moved entry.
    const next = entriesOf(editor)
    setEntries(next)
    const moved = next.find((candidate) => candidate.clauseId === entry.clauseId) ?? null
    if (moved !== null) {
      setAnnouncement(`${clauseLabel(entry)} moved to ${moved.number}`)
      setActiveKey(moved.key)
    }
    return moved
  }

  const moveAmongSiblings = (entry: OutlineEntry, direction: -1 | 1) => {
    const at = locate(editor.state.doc, entry)
    const target = at && siblingMoveTarget(at, direction)
    const moved = target !== null && wouldApply(editor.state, moveClauseTo(target.from, target.to)) ? move(entry, target.from, target.to) : null
    if (moved === null) {
      setAnnouncement(`${clauseLabel(entry)} cannot move ${direction < 0 ? 'up' : 'down'}`)
      return
    }
    focusAfterRender.current = moved.key
  }

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const entry = entries[index]!
    const isArrow = event.key === 'ArrowUp' || event.key === 'ArrowDown'
    if (isArrow && event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey) {
      if (!canReorder) return
      event.preventDefault()
      moveAmongSiblings(entry, event.key === 'ArrowUp' ? -1 : 1)
      return
    }
    if (onCommentOnClause !== undefined && (event.ctrlKey || event.metaKey) && event.altKey && !event.shiftKey && event.code === 'KeyM') {
      event.preventDefault()
      // Handled here: the page's own Ctrl+Alt+M would comment on the text's selection instead.
      event.stopPropagation()
      onCommentOnClause(entry.clauseId)
      return
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
    const next = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: entries.length - 1 }[event.key]
    if (next === undefined) return
    event.preventDefault()
    focusEntry(next)
  }

  const endDrag = () => {
    setDraggedKey(null)
    setIndicator(null)
  }

  const onDragStart = (event: DragEvent<HTMLLIElement>, entry: OutlineEntry) => {
    if (!canReorder) return
    event.dataTransfer.effectAllowed = 'move'
    // No text/plain: dropped on the document, an entry must not turn into typed text.
    event.dataTransfer.setData(OUTLINE_DRAG_TYPE, entry.clauseId)
    setDraggedKey(entry.key)
  }

  /** The drop an event over `entries[index]` points at, with the line that shows it, or null. */
  const dropAt = (event: DragEvent<HTMLLIElement>, index: number) => {
    const target = entries[index]!
    if (!canReorder || dragged === null || !event.dataTransfer.types.includes(OUTLINE_DRAG_TYPE)) return null
    const box = event.currentTarget.getBoundingClientRect()
    const edge = event.clientY < box.top + box.height / 2 ? 'before' : 'after'
    const placement = dropTarget(editor.state, dragged, target, edge)
    if (placement === null) return null
    const lineOn = edge === 'before' ? target : entries[lastWithin(entries, index)]!
    return { placement, indicator: { key: lineOn.key, edge, depth: target.depth } satisfies DropIndicator }
  }

  /** On entering an entry and while over it: accepts the drop and shows its line, or refuses it. */
  const onDragOver = (event: DragEvent<HTMLLIElement>, index: number) => {
    const drop = dropAt(event, index)
    if (drop === null) {
      // Not calling preventDefault refuses the drop; the effect shows it.
      event.dataTransfer.dropEffect = 'none'
      if (indicator !== null) setIndicator(null)
      return
    }
    event.preventDefault()
    event.dataTransfer.dropEffect = 'move'
    const { key, edge, depth } = drop.indicator
    if (indicator?.key !== key || indicator.edge !== edge || indicator.depth !== depth) setIndicator(drop.indicator)
  }

  const onDrop = (event: DragEvent<HTMLLIElement>, index: number) => {
    const drop = dropAt(event, index)
    endDrag()
    if (drop === null || dragged === null) return
    event.preventDefault()
    move(dragged, drop.placement.from, drop.placement.to)
  }

  const onListDragLeave = (event: DragEvent<HTMLOListElement>) => {
    if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setIndicator(null)
  }

  return (
    <nav className="outline" aria-label="Outline">
      <h2>Outline</h2>
      {canReorder ? (
        <p className="outline-hint" id={`${idPrefix}-hint`}>
          Drag to reorder, or Alt+Shift+↑/↓.
        </p>
      ) : null}
      <ol onDragLeave={onListDragLeave}>
        {entries.map((entry, index) => {
          const status = statusOf(doc, entry.clauseId)
          const statusId = `${idPrefix}-status-${index}`
          const threadCount = openThreads?.get(entry.clauseId) ?? 0
          const countId = `${idPrefix}-comments-${index}`
          const line = indicator?.key === entry.key ? indicator : null
          const className = [
            entry.key === draggedKey ? 'outline-dragged' : '',
            line !== null ? `outline-drop-${line.edge}` : '',
          ].filter(Boolean).join(' ')
          return (
            <li
              key={entry.key}
              className={className || undefined}
              style={entryStyle(entry, line)}
              draggable={canReorder || undefined}
              onDragStart={(event) => onDragStart(event, entry)}
              onDragEnter={(event) => onDragOver(event, index)}
              onDragOver={(event) => onDragOver(event, index)}
              onDrop={(event) => onDrop(event, index)}
              onDragEnd={endDrag}
            >
              <button
                type="button"
                ref={(button) => {
                  if (button) buttons.current.set(entry.key, button)
                  else buttons.current.delete(entry.key)
                }}
                tabIndex={entry.key === tabStop ? 0 : -1}
                aria-describedby={[statusId, threadCount > 0 ? countId : '', canReorder ? `${idPrefix}-hint` : ''].filter(Boolean).join(' ')}
                aria-keyshortcuts={
                  [canReorder ? 'Alt+Shift+ArrowUp Alt+Shift+ArrowDown' : '', onCommentOnClause !== undefined ? 'Control+Alt+M' : ''].filter(Boolean).join(' ') || undefined
                }
                onFocus={() => setActiveKey(entry.key)}
                onKeyDown={(event) => onKeyDown(event, index)}
                onClick={() => jump(entry)}
              >
                <span className="outline-number">{entry.number}</span> {entry.heading || 'Untitled clause'}
              </button>
              {threadCount > 0 ? (
                <span id={countId} className="outline-comments" data-testid="outline-comment-count" title={`${threadCount} open comment ${threadCount === 1 ? 'thread' : 'threads'}`}>
                  <CommentIcon /> {threadCount}
                  <span className="visually-hidden"> open comment {threadCount === 1 ? 'thread' : 'threads'}</span>
                </span>
              ) : null}
              <span id={statusId} className={`status-badge status-${status}`}>
                {STATUS_LABEL[status] ?? status}
              </span>
              {onCommentOnClause !== undefined ? (
                // A pointer's shortcut, out of the tab order and hidden from assistive technology: the
                // entries are one tab stop, and Ctrl+Alt+M on an entry (announced) does the same.
                <button
                  type="button"
                  className="outline-comment-button"
                  tabIndex={-1}
                  aria-hidden="true"
                  title={`Comment on ${clauseLabel(entry)} (Ctrl+Alt+M)`}
                  onClick={() => onCommentOnClause(entry.clauseId)}
                >
                  <CommentIcon />+
                </button>
              ) : null}
            </li>
          )
        })}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </nav>
  )
})
