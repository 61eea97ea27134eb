/** The signed-in person's contracts, each with their role in it, and starting a new one. */
import { useEffect, useId, useRef, useState } from 'react'
import { ROLE_LABEL } from '../../shared/domain/roles.ts'
import type { ContractListItem } from '../../shared/protocol/api.ts'
import { ApiError, listContracts } from '../api/api.ts'
import { NewContractForm } from '../features/details/NewContractForm.tsx'

export function ContractsPage({ onOpen }: { onOpen: (contractId: string) => void }) {
  const [contracts, setContracts] = useState<ContractListItem[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [isStarting, setIsStarting] = useState(false)
  const formId = useId()
  const newContractButton = useRef<HTMLButtonElement>(null)

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
      <div className="page-heading">
        <h1>Your contracts</h1>
        <button ref={newContractButton} type="button" aria-expanded={isStarting} aria-controls={isStarting ? formId : undefined} onClick={() => setIsStarting(!isStarting)}>
          New contract
        </button>
      </div>
      {isStarting ? (
        <div id={formId}>
          <NewContractForm
            contracts={contracts ?? []}
            onCreated={(contract) => onOpen(contract.id)}
            onCancel={() => {
              setIsStarting(false)
              newContractButton.current?.focus()
            }}
          />
        </div>
      ) : null}
      {problem !== null ? <p role="alert">{problem}</p> : null}
      {contracts === null && problem === null ? <p>Loading…</p> : null}
      {contracts !== null && contracts.length === 0 ? <p>You are not a member of any contract yet. Start one with “New contract”, or ask an owner to invite you.</p> : null}
      {contracts !== null && contracts.length > 0 ? (
        <ul className="contract-list">
          {contracts.map((contract) => (
            <li key={contract.id}>
              <div className="contract-list-entry">
                <a
                  href={`/contracts/${contract.id}`}
                  onClick={(event) => {
                    event.preventDefault()
                    onOpen(contract.id)
                  }}
                >
                  {contract.title || contract.id}
                </a>
                {contract.description ? <p className="contract-list-description">{contract.description}</p> : null}
              </div>
              <span className="role-badge">{ROLE_LABEL[contract.role]}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </main>
  )
}
