/**
 * The clause toolbar: each button is enabled exactly when its command applies to the clause
 * around the cursor (the command answers "can I?"), with its keyboard shortcut in the title.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import { clauseHasContent } from '../../shared/editor/clauseCommands.ts'

export function ClauseToolbar({ editor }: { editor: Editor }) {
  const can = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      insertAfter: e.can().insertClauseAfter(),
      insertSub: e.can().insertSubClause(),
      up: e.can().moveClauseUp(),
      down: e.can().moveClauseDown(),
      demote: e.can().demoteClause(),
      promote: e.can().promoteClause(),
      remove: e.can().deleteClause(),
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
    </div>
  )
}
