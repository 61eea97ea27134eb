/**
 * The clause toolbar: each button is enabled exactly when its command applies to the clause
 * around the cursor and would not change a locked clause (the command is run without applying
 * it, and its transaction checked), with its keyboard shortcut in the title; and the clause's
 * status menu. In Suggesting mode it offers what can be suggested of a clause instead: a new
 * clause, or deleting this one, each proposed as a whole; the status menu stays.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import type * as Y from 'yjs'
import type { Role } from '../../shared/domain/roles.ts'
import { wouldApply } from '../../shared/editor/ClauseLocking.ts'
import { ClauseStatusMenu } from '../features/status/ClauseStatusMenu.tsx'
import { CLAUSE_ACTIONS } from './clauseActions.ts'

export function ClauseToolbar({ editor, doc, role, isSuggesting = false }: { editor: Editor; doc: Y.Doc; role: Role; isSuggesting?: boolean }) {
  const applies = useEditorState({
    editor,
    selector: ({ editor: { state } }) => CLAUSE_ACTIONS.map((action) => wouldApply(state, action.probe)),
  })
  // Asked of the editor's own state each time it changes, so the buttons follow the cursor.
  const proposals = useEditorState({
    editor,
    selector: ({ editor: current }) => (isSuggesting ? { clause: current.can().proposeClause(), deletion: current.can().proposeClauseDeletion() } : null),
  })

  if (isSuggesting) {
    return (
      <div className="clause-toolbar" role="toolbar" aria-label="Clause">
        <button type="button" disabled={!proposals?.clause} title="Ctrl+Enter" onClick={() => editor.chain().focus().proposeClause().run()}>
          Propose new clause
        </button>
        <button type="button" disabled={!proposals?.deletion} onClick={() => editor.chain().focus().proposeClauseDeletion().run()}>
          Propose deleting clause
        </button>
        <span className="clause-toolbar-note">Moving, splitting and re-levelling clauses are for editors.</span>
        <ClauseStatusMenu editor={editor} doc={doc} role={role} />
      </div>
    )
  }

  return (
    <div className="clause-toolbar" role="toolbar" aria-label="Clause">
      {CLAUSE_ACTIONS.map((action, index) => (
        <button key={action.key} type="button" disabled={!applies[index]} title={action.shortcut} onClick={() => action.run(editor)}>
          {action.label}
        </button>
      ))}
      <ClauseStatusMenu editor={editor} doc={doc} role={role} />
    </div>
  )
}
