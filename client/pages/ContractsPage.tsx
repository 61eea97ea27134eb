/** The signed-in person's contracts, each with their role in it. */
import { useEffect, useState } from 'react'
import { ROLE_LABEL } from '../../shared/domain/roles.ts'
import type { ContractListItem } from '../../shared/protocol/api.ts'
import { ApiError, listContracts } from '../api/api.ts'

export function ContractsPage({ onOpen }: { onOpen: (contractId: string) => void }) {
  const [contracts, setContracts] = useState<ContractListItem[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    let isCurrent = true
    listContracts().then(
      (list) => isCurrent && setContracts(list),
      (error) => isCurrent && setProblem(error instanceof ApiError ? error.message : 'Your contracts could not be loaded.'),
    )
    return () => {
      isCurrent = false
    }
  }, [])

  return (
    <main className="page">
      <h1>Your contracts</h1>
      {problem !== null ? <p role="alert">{problem}</p> : null}
      {contracts === null && problem === null ? <p>Loading…</p> : null}
      {contracts !== null && contracts.length === 0 ? <p>You are not a member of any contract yet. An owner can invite you.</p> : null}
      {contracts !== null && contracts.length > 0 ? (
        <ul className="contract-list">
          {contracts.map((contract) => (
            <li key={contract.id}>
              <a
                href={`/contracts/${contract.id}`}
                onClick={(event) => {
                  event.preventDefault()
                  onOpen(contract.id)
                }}
              >
                {contract.title}
              </a>
              <span className="role-badge">{ROLE_LABEL[contract.role]}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </main>
  )
}
