/**
 * Who may see a comment thread: the one rule, used for every read, every push and the inbox's
 * query alike. Members of the contract (any role) see `everyone` threads; a `constituency`
 * thread is seen only by members whose organisation is of the thread's constituency — the
 * steering group included, so it does not see providers-only threads. Scope means scope.
 */
import type { Constituency } from '../../shared/domain/roles.ts'
import type { ThreadScope } from '../../shared/protocol/comments.ts'

/** What visibility depends on. */
export interface ScopedThread {
  readonly scope: ThreadScope
  readonly constituency: Constituency | null
}

/** Whether a member of the thread's contract whose constituency is `constituency` may see it. */
export function isThreadVisibleTo(thread: ScopedThread, constituency: Constituency): boolean {
  return thread.scope === 'everyone' || thread.constituency === constituency
}
