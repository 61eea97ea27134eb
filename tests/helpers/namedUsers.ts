/**
 * A referee policy for tests that need several people without accounts: the open policy
 * (everyone may edit), except that each connection is the person named by its `?user=`
 * parameter, so presences and clientIDs have distinct owners.
 */
import { type RefereeHooks, openPolicy } from '../../server/sync/hooks.ts'
import { asUserId } from '../../shared/domain/ids.ts'

export const namedUsers: RefereeHooks = {
  ...openPolicy,
  authenticate: async (_request, url) => {
    const name = url.searchParams.get('user') ?? 'guest'
    return { userId: asUserId(name), name }
  },
}
