/**
 * What the referee's validate step is given for an update, built outside a running server:
 * for unit tests of the rules themselves.
 */
import * as Y from 'yjs'
import type { UpdateContext, Principal } from '../../server/sync/hooks.ts'
import { inspectUpdate } from '../../server/sync/inspectUpdate.ts'
import { parseContractId } from '../../shared/domain/ids.ts'
import type { Role } from '../../shared/domain/roles.ts'

/**
 * The context of `update` from `principal` with `role`, against `doc` (the room's document),
 * where the clientIDs in `owned` are already bound to the principal.
 */
export function contextFor(doc: Y.Doc, update: Uint8Array, role: Role, principal: Principal, owned: ReadonlySet<number> = new Set()): UpdateContext {
  let after: Y.Doc | null = null
  return {
    principal,
    contractId: parseContractId('rules')!,
    doc,
    role,
    update,
    inspection: inspectUpdate(update, (client) => Y.getState(doc.store, client)),
    docAfter: () => {
      if (after === null) {
        after = new Y.Doc()
        Y.applyUpdate(after, Y.encodeStateAsUpdate(doc))
        Y.applyUpdate(after, update)
      }
      return after
    },
    ownsClient: (client) => owned.has(client),
  }
}
