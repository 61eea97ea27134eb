/**
 * The members of a contract, fetched once when it opens (for @mentions and for telling
 * constituencies apart in the comments). Empty while loading, and when they cannot be fetched
 * (offline): mentions then offer nobody, and nothing else depends on them.
 */
import { useEffect, useState } from 'react'
import type { MemberView } from '../../../shared/protocol/api.ts'
import { listMembers } from '../../api/api.ts'

export function useContractMembers(contractId: string): readonly MemberView[] {
  const [members, setMembers] = useState<readonly MemberView[]>([])
  useEffect(() => {
    let isCurrent = true
    listMembers(contractId).then(
      (list) => {
        if (isCurrent) setMembers(list)
      },
      (error: unknown) => console.warn('The members of this contract could not be fetched:', error),
    )
    return () => {
      isCurrent = false
    }
  }, [contractId])
  return members
}
