/**
 * The clause toolbar: each button is enabled exactly when its command applies to the clause
 * around the cursor and would not change a locked clause (the command is run without applying
 * it, and its transaction checked), with its keyboard shortcut in the title; and the clause's
 * status menu. In Suggesting mode the clause commands are off (their changes cannot be
 * suggested yet); the status menu stays.
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

  return (
    <div className="clause-toolbar" role="toolbar" aria-label="Clause">
      {CLAUSE_ACTIONS.map((action, index) => (
        <button
          key={action.key}
          type="button"
          disabled={isSuggesting || !applies[index]}
          title={isSuggesting ? 'Not available in Suggesting mode' : action.shortcut}
          onClick={() => action.run(editor)}
        >
          {action.label}
        </button>
      ))}
      <ClauseStatusMenu editor={editor} doc={doc} role={role} />
    </div>
  )
}
