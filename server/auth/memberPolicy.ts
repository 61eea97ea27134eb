/**
 * The referee's policy for members of contracts: who is connecting (token or session), their
 * role in the contract, and what that role may change in the document.
 */
import { can } from '../../shared/domain/roles.ts'
import { ROOT } from '../../shared/ydoc/schema.ts'
import type { AccountStore } from '../store/Store.ts'
import type { RefereeHooks, UpdateContext } from '../sync/hooks.ts'
import { changesOf } from '../sync/changes.ts'
import { checkClauseEntries, checkLockedClauses, checkMetaEntries } from '../sync/documentRules.ts'
import { checkSuggestions } from '../sync/suggestionRules.ts'
import { SyncRefusal } from '../sync/SyncRefusal.ts'
import type { Authenticator } from './Authenticator.ts'

const KNOWN_ROOTS: ReadonlySet<string> = new Set(Object.values(ROOT))

/**
 * What each role may change, checked on the changes the update makes:
 * - nobody creates roots outside the schema (junk would live in the document for ever);
 * - editors and owners change any root, within the document's rules (`documentRules.ts`:
 *   well-formed clause status and metadata, only owners unlock, locked clauses stay as they are);
 * - suggesters change the text only by their own tracked suggestions (`suggestionRules.ts`);
 * - commenters and viewers never reach this step (the pipeline's authorize step refuses them).
 */
export function validateByRole(context: UpdateContext): void {
  const { doc, role } = context
  const changes = changesOf(doc, context.inspection)
  const roots = new Set(changes.map((change) => change.root))
  for (const root of roots) {
    if (!KNOWN_ROOTS.has(root)) throw SyncRefusal.rejected('The update changes a part of the document that does not exist.')
  }
  if (roots.size > 0 && !can(role, 'edit')) {
    // Suggesters: their own tracked suggestions and nothing else.
    checkSuggestions(context, changes)
  } else {
    checkClauseEntries(changes, doc, role)
    checkMetaEntries(changes)
  }
  checkLockedClauses(changes, doc)
}

export function memberPolicy(accounts: AccountStore, authenticator: Authenticator): RefereeHooks {
  return {
    async authenticate(request, url) {
      const userId = await authenticator.userForUpgrade(request, url)
      return userId === null ? null : authenticator.principalOf(userId)
    },
    authorize: (principal, contractId) => accounts.getRole(contractId, principal.userId),
    attribute: () => {},
    validate: validateByRole,
  }
}
