/**
 * How controls far from the comments panel (the clause status menu in the toolbar) start a
 * thread: the contract page provides these actions when the person may comment, and null
 * otherwise, so such a control offers commenting exactly when it can be done.
 */
import { createContext, useContext } from 'react'

export interface CommentActions {
  /** Starts a thread on the whole clause `clauseId`. */
  readonly commentOnClause: (clauseId: string) => void
}

export const CommentActionsContext = createContext<CommentActions | null>(null)

/** The comment actions of the contract page, or null when the person may not comment. */
export function useCommentActions(): CommentActions | null {
  return useContext(CommentActionsContext)
}
