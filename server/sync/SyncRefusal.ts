/**
 * A refusal by the referee: the connection is closed with `code` (one of the shared close codes)
 * and the person is told `reason`. Thrown by any pipeline step; nothing of the refused message
 * has been applied when it is thrown.
 */
import { CloseCode } from '../../shared/protocol/closeCodes.ts'

export class SyncRefusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    /** True when the update only lacks changes the sender has not delivered yet. */
    readonly isMissingDependency = false,
  ) {
    super(reason)
    this.name = 'SyncRefusal'
  }

  static malformed(reason: string): SyncRefusal {
    return new SyncRefusal(CloseCode.malformed, reason)
  }

  static rejected(reason: string): SyncRefusal {
    return new SyncRefusal(CloseCode.updateRejected, reason)
  }

  static missingDependency(reason: string): SyncRefusal {
    return new SyncRefusal(CloseCode.updateRejected, reason, true)
  }
}
