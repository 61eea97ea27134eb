/**
 * The status menu of the clause around the cursor: drafting, proposed, agreed, locked. Editors
 * choose any of them; once a clause is locked only an owner can choose another (unlock). The
 * server enforces the same rule (`canChangeStatus`), so the menu only offers what will be kept.
 * For those who may comment it also starts a comment thread on the clause.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import { useEffect, useState } from 'react'
import type * as Y from 'yjs'
import { CLAUSE_STATUSES, CLAUSE_STATUS_LABEL, canChangeStatus } from '../../../shared/domain/clauseStatus.ts'
import { type Role, can } from '../../../shared/domain/roles.ts'
import { clauseAtSelection } from '../../../shared/editor/clauseCommands.ts'
import { getClauseState, getClauses, setClauseStatus } from '../../../shared/ydoc/schema.ts'
import { MenuButton } from '../../components/MenuButton.tsx'
import { useCommentActions } from '../comments/commentActions.ts'

export function ClauseStatusMenu({ editor, doc, role }: { editor: Editor; doc: Y.Doc; role: Role }) {
  const clauseId = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const id = clauseAtSelection(e.state)?.node.attrs.clauseId
      return typeof id === 'string' ? id : null
    },
  })
  const commentActions = useCommentActions()
  // Redraw when any status changes (here or by someone else).
  const [, setVersion] = useState(0)
  useEffect(() => {
    const redraw = () => setVersion((v) => v + 1)
    getClauses(doc).observe(redraw)
    return () => getClauses(doc).unobserve(redraw)
  }, [doc])

  if (clauseId === null) return null
  const current = getClauseState(doc, clauseId).status
  const choices = CLAUSE_STATUSES.map((status) => {
    const allowed = status === current || canChangeStatus(role, current, status)
    return {
      key: status,
      label: current === 'locked' && status !== 'locked' ? `Unlock as ${CLAUSE_STATUS_LABEL[status].toLowerCase()}` : CLAUSE_STATUS_LABEL[status],
      checked: status === current,
      disabled: !allowed,
      hint: allowed ? undefined : can(role, 'edit') ? 'Only an owner can unlock a clause' : 'Only editors set a clause’s status',
      onChoose: () => {
        if (status !== current) setClauseStatus(doc, clauseId, status)
      },
    }
  })
  return (
    <MenuButton
      className={`status-menu status-${current}`}
      ariaLabel={`Clause status: ${CLAUSE_STATUS_LABEL[current]}`}
      label={<>Status: {CLAUSE_STATUS_LABEL[current]}</>}
      choices={
        commentActions === null
          ? choices
          : // First, so that the statuses keep their places at the end (End reaches Locked).
            [{ key: 'comment', label: 'Comment on this clause…', onChoose: () => commentActions.commentOnClause(clauseId) }, ...choices]
      }
    />
  )
}
