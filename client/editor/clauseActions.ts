/**
 * The clause commands a person can choose from the toolbar or the slash menu: one list, so that
 * both name them, show their shortcuts and decide when they apply in the same way.
 */
import type { Editor } from '@tiptap/react'
import type { Command } from '@tiptap/pm/state'
import {
  clauseHasContent,
  deleteClause,
  demoteClause,
  insertClauseAfter,
  insertSubClause,
  moveClause,
  promoteClause,
  splitClause,
} from '../../shared/editor/clauseCommands.ts'

/** Stands in for a new clause's id when a command only needs to be tried. */
const probeId = () => 'probe'

export interface ClauseAction {
  readonly key: string
  readonly label: string
  /** Its keyboard shortcut as shown to people, if it has one. */
  readonly shortcut?: string
  /** The command tried (never applied) to tell whether the action applies, e.g. with `wouldApply`. */
  readonly probe: Command
  /** Does it in `editor`, with the editor focused; false when it did not happen. */
  readonly run: (editor: Editor) => boolean
}

/** Asks before deleting a clause that has text in it; true when the clause may go. */
function confirmDelete(editor: Editor): boolean {
  return !clauseHasContent(editor.state) || window.confirm('Delete this clause and everything in it?')
}

/** The clause actions, in the order the toolbar shows them. */
export const CLAUSE_ACTIONS: readonly ClauseAction[] = [
  {
    key: 'insert-after',
    label: 'New clause',
    shortcut: 'Ctrl+Enter',
    probe: insertClauseAfter(probeId),
    run: (editor) => editor.chain().focus().insertClauseAfter().run(),
  },
  {
    key: 'insert-sub',
    label: 'New sub-clause',
    shortcut: 'Ctrl+Shift+Enter',
    probe: insertSubClause(probeId),
    run: (editor) => editor.chain().focus().insertSubClause().run(),
  },
  {
    key: 'split',
    label: 'Split clause',
    shortcut: 'Ctrl+Alt+Enter',
    probe: splitClause(probeId),
    run: (editor) => editor.chain().focus().splitClause().run(),
  },
  { key: 'up', label: 'Move up', shortcut: 'Ctrl+Alt+↑', probe: moveClause(-1), run: (editor) => editor.chain().focus().moveClauseUp().run() },
  { key: 'down', label: 'Move down', shortcut: 'Ctrl+Alt+↓', probe: moveClause(1), run: (editor) => editor.chain().focus().moveClauseDown().run() },
  { key: 'demote', label: 'Demote', shortcut: 'Ctrl+]', probe: demoteClause, run: (editor) => editor.chain().focus().demoteClause().run() },
  { key: 'promote', label: 'Promote', shortcut: 'Ctrl+[', probe: promoteClause, run: (editor) => editor.chain().focus().promoteClause().run() },
  {
    key: 'delete',
    label: 'Delete clause',
    probe: deleteClause,
    run: (editor) => confirmDelete(editor) && editor.chain().focus().deleteClause().run(),
  },
]
