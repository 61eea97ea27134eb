/**
 * Clause status in the editor: every clause shows its status (`data-status` on its section),
 * and a locked clause cannot be changed from this editor — a key that would type into it is
 * stopped, and any local transaction that would change it (deleting across it, a command, a
 * paste, a drop) is dropped, with `onRefused` told why. It can still be read, selected and
 * copied. The server refuses such changes anyway (see the
 * referee's document rules); this keeps people from typing work that would be refused.
 *
 * Status lives in the contract's `clauses` map, outside the ProseMirror document: the
 * extension observes the map and redraws when a status changes, locally or remotely.
 */
import { Extension } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { type Command, type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'
import { type ClauseStatus, DEFAULT_CLAUSE_STATE, readClauseState } from '../domain/clauseStatus.ts'
import { textblockEdit } from './textblockEdit.ts'

export interface ClauseLockingOptions {
  /** The contract's `clauses` map; null for an editor without one (every clause is drafting). */
  clauses: Y.Map<unknown> | null
  /** Told when a local change was dropped because it would change a locked clause. */
  onRefused: (message: string) => void
}

/** Where the locked clauses are, and how every clause is drawn. */
interface LockState {
  /** `[from, to)` document ranges of the locked clauses, outermost first. */
  readonly locked: ReadonlyArray<readonly [number, number]>
  readonly decorations: DecorationSet
}

export const clauseLockingKey = new PluginKey<LockState>('clauseLocking')

/** A transaction meta telling the plugin that statuses changed. */
const STATUS_CHANGED = 'clauseStatusChanged'

export const LOCKED_CLAUSE_MESSAGE = 'This clause is locked. An owner can unlock it from the clause’s status menu.'

function lockState(doc: ProseMirrorNode, statusOf: (clauseId: string) => ClauseStatus): LockState {
  const locked: Array<readonly [number, number]> = []
  const decorations: Decoration[] = []
  doc.descendants((node, pos) => {
    // Clauses are blocks: no need to look inside paragraphs and headings.
    if (node.type.name !== 'clause') return !node.isTextblock
    const status = statusOf(String(node.attrs.clauseId ?? ''))
    const end = pos + node.nodeSize
    if (status === 'locked') {
      locked.push([pos, end])
      decorations.push(Decoration.node(pos, end, { 'data-status': status, 'aria-readonly': 'true' }))
      // Nothing inside can change; no need to look at the sub-clauses.
      return false
    }
    decorations.push(Decoration.node(pos, end, { 'data-status': status }))
    return true
  })
  return { locked, decorations: DecorationSet.create(doc, decorations) }
}

/** Whether `[from, to)` (empty for an insertion at `from`) changes something inside `[start, end)`. */
function overlaps(from: number, to: number, [start, end]: readonly [number, number]): boolean {
  return from < end && (to > start || (from === to && from > start))
}

/**
 * Whether `tr` would change a locked clause of the document it starts from. Each step is
 * checked against the locked ranges mapped to the document that step applies to; steps that
 * change a node's attributes in place (no replaced range) are checked at their position.
 */
export function changesLockedClause(tr: Transaction, locked: ReadonlyArray<readonly [number, number]>): boolean {
  if (locked.length === 0 || !tr.docChanged) return false
  let ranges = locked
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i]!
    const map = tr.mapping.maps[i]!
    const at = (step as { pos?: unknown }).pos
    if (typeof at === 'number' && ranges.some((range) => overlaps(at, at + 1, range))) return true
    let hit = false
    map.forEach((from, to) => {
      if (!hit && ranges.some((range) => overlaps(from, to, range))) hit = true
    })
    if (hit) return true
    ranges = ranges.map(([start, end]) => [map.map(start, 1), map.map(end, -1)] as const)
  }
  return false
}

/** Whether typing over the selection would change a locked clause of `state`. */
export function isSelectionLocked(state: EditorState): boolean {
  const locked = clauseLockingKey.getState(state)?.locked ?? []
  const { from, to } = state.selection
  return locked.some((range) => overlaps(from, to, range))
}

/**
 * Whether `command` applies in `state` and leaves every locked clause as it is: the command is
 * run with a dispatch that only keeps its transaction, which is then checked. For a control's
 * enabled state (or a drop target) that must agree with what the editor would let through.
 */
export function wouldApply(state: EditorState, command: Command): boolean {
  let tr: Transaction | null = null
  if (!command(state, (made) => (tr = made))) return false
  return tr === null || !changesLockedClause(tr, clauseLockingKey.getState(state)?.locked ?? [])
}

/** Whether a key press would type, delete or break a line, rather than move or copy. */
function isEditingKey(event: KeyboardEvent): boolean {
  if (event.key === 'Backspace' || event.key === 'Delete' || event.key === 'Enter') return true
  return event.key.length === 1 && !event.ctrlKey && !event.metaKey
}

export const ClauseLocking = Extension.create<ClauseLockingOptions>({
  name: 'clauseLocking',

  addOptions() {
    return { clauses: null, onRefused: () => {} }
  },

  onCreate() {
    const { clauses } = this.options
    if (clauses === null) return
    const redraw = () => {
      if (!this.editor.isDestroyed) this.editor.view.dispatch(this.editor.state.tr.setMeta(STATUS_CHANGED, true))
    }
    clauses.observe(redraw)
    this.storage.stopObserving = () => clauses.unobserve(redraw)
  },

  onDestroy() {
    this.storage.stopObserving?.()
  },

  addStorage() {
    return { stopObserving: null as null | (() => void) }
  },

  addProseMirrorPlugins() {
    const { clauses, onRefused } = this.options
    const statusOf = (clauseId: string): ClauseStatus => (clauses ? readClauseState(clauses.get(clauseId)) : DEFAULT_CLAUSE_STATE).status
    return [
      new Plugin<LockState>({
        key: clauseLockingKey,
        state: {
          init: (_, state) => lockState(state.doc, statusOf),
          apply: (tr, previous) => {
            if (tr.getMeta(STATUS_CHANGED)) return lockState(tr.doc, statusOf)
            if (!tr.docChanged) return previous
            // Typing in a paragraph or heading only moves the clauses' bounds along.
            const edit = textblockEdit(tr.before, tr.doc)
            if (edit === null) return lockState(tr.doc, statusOf)
            const locked = previous.locked.map(([start, end]) => [edit.map.map(start, 1), edit.map.map(end, -1)] as const)
            return { locked, decorations: previous.decorations.map(edit.map, tr.doc) }
          },
        },
        props: {
          decorations: (state) => clauseLockingKey.getState(state)?.decorations,
          // The browser types into the page before ProseMirror sees a transaction: stop the
          // key itself when it would land in a locked clause.
          handleKeyDown: (view, event) => {
            if (!isEditingKey(event) || !isSelectionLocked(view.state)) return false
            onRefused(LOCKED_CLAUSE_MESSAGE)
            return true
          },
        },
        filterTransaction: (tr, state) => {
          // Changes from the shared document are the server's to judge, and already accepted.
          if (tr.getMeta(ySyncPluginKey)) return true
          if (!changesLockedClause(tr, clauseLockingKey.getState(state)?.locked ?? [])) return true
          onRefused(LOCKED_CLAUSE_MESSAGE)
          return false
        },
      }),
    ]
  },
})
