/**
 * The clause toolbar: each button is enabled exactly when its command applies to the clause
 * around the cursor and would not change a locked clause (the command is run without applying
 * it, and its transaction checked), with its keyboard shortcut in the title; and the clause's
 * status menu.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import type * as Y from 'yjs'
import type { Role } from '../../shared/domain/roles.ts'
import {
  clauseHasContent,
  deleteClause,
  demoteClause,
  insertClauseAfter,
  insertSubClause,
  moveClause,
  promoteClause,
} from '../../shared/editor/clauseCommands.ts'
import { wouldApply } from '../../shared/editor/ClauseLocking.ts'
import { ClauseStatusMenu } from '../features/status/ClauseStatusMenu.tsx'

/** Stands in for a new clause's id when a command only needs to be tried. */
const probeId = () => 'probe'

export function ClauseToolbar({ editor, doc, role }: { editor: Editor; doc: Y.Doc; role: Role }) {
  const can = useEditorState({
    editor,
    selector: ({ editor: { state } }) => ({
      insertAfter: wouldApply(state, insertClauseAfter(probeId)),
      insertSub: wouldApply(state, insertSubClause(probeId)),
      up: wouldApply(state, moveClause(-1)),
      down: wouldApply(state, moveClause(1)),
      demote: wouldApply(state, demoteClause),
      promote: wouldApply(state, promoteClause),
      remove: wouldApply(state, deleteClause),
    }),
  })

  const remove = () => {
    if (clauseHasContent(editor.state) && !window.confirm('Delete this clause and everything in it?')) return
    editor.chain().focus().deleteClause().run()
  }

  return (
    <div className="clause-toolbar" role="toolbar" aria-label="Clause">
      <button type="button" disabled={!can.insertAfter} title="Ctrl+Enter" onClick={() => editor.chain().focus().insertClauseAfter().run()}>
        New clause
      </button>
      <button type="button" disabled={!can.insertSub} title="Ctrl+Shift+Enter" onClick={() => editor.chain().focus().insertSubClause().run()}>
        New sub-clause
      </button>
      <button type="button" disabled={!can.up} title="Ctrl+Alt+↑" onClick={() => editor.chain().focus().moveClauseUp().run()}>
        Move up
      </button>
      <button type="button" disabled={!can.down} title="Ctrl+Alt+↓" onClick={() => editor.chain().focus().moveClauseDown().run()}>
        Move down
      </button>
      <button type="button" disabled={!can.demote} title="Ctrl+]" onClick={() => editor.chain().focus().demoteClause().run()}>
        Demote
      </button>
      <button type="button" disabled={!can.promote} title="Ctrl+[" onClick={() => editor.chain().focus().promoteClause().run()}>
        Promote
      </button>
      <button type="button" disabled={!can.remove} onClick={remove}>
        Delete clause
      </button>
      <ClauseStatusMenu editor={editor} doc={doc} role={role} />
    </div>
  )
}
