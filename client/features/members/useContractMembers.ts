/**
 * The members of a contract, fetched once when it opens (for @mentions, for the names of those
 * who resolved threads, and for telling constituencies apart in the comments). Given a device
 * copy name, the last list fetched is kept on the device (localStorage) and used while the
 * server cannot be reached; else the list is empty until fetched (mentions then offer nobody).
 */
import { useEffect, useState } from 'react'
import type { MemberView } from '../../../shared/protocol/api.ts'
import { listMembers } from '../../api/api.ts'

function readKept(key: string | null): readonly MemberView[] {
  if (key === null) return []
  try {
    const kept = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown
    return Array.isArray(kept) ? (kept as MemberView[]).filter((member) => typeof member?.id === 'string' && typeof member.name === 'string' && typeof member.organisation === 'object') : []
  } catch {
    return []
  }
}

/** The members of `contractId`; `keptAs` names the copy kept on this device, or null for none. */
export function useContractMembers(contractId: string, keptAs: string | null = null): readonly MemberView[] {
  const [members, setMembers] = useState<readonly MemberView[]>(() => readKept(keptAs))
  useEffect(() => {
    let isCurrent = true
    listMembers(contractId).then(
      (list) => {
        if (!isCurrent) return
        setMembers(list)
        try {
          if (keptAs !== null) localStorage.setItem(keptAs, JSON.stringify(list))
        } catch {
          // Storage full or disabled: the list is only not kept.
        }
      },
      (error: unknown) => console.warn('The members of this contract could not be fetched:', error),
    )
    return () => {
      isCurrent = false
    }
  }, [contractId, keptAs])
  return members
}
