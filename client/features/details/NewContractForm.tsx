/**
 * The form that starts a contract: its title and description, and what it starts from, an
 * empty contract or a copy of one the person owns or edits (the only ones the server lets them
 * copy). The server checks everything again; the form only saves a round trip.
 */
import { useId, useState, type FormEvent } from 'react'
import { checkDescription, checkTitle } from '../../../shared/domain/contractDetails.ts'
import { can } from '../../../shared/domain/roles.ts'
import type { ContractListItem } from '../../../shared/protocol/api.ts'
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../../../shared/protocol/limits.ts'
import { ApiError, createContract } from '../../api/api.ts'

export interface NewContractFormProps {
  /** The person's contracts: those they own or edit are offered as a starting point. */
  contracts: readonly ContractListItem[]
  /** Called with the contract once the server has started it. */
  onCreated: (contract: ContractListItem) => void
  /** Called when the person closes the form (Cancel or Escape) without starting one. */
  onCancel: () => void
}

export function NewContractForm({ contracts, onCreated, onCancel }: NewContractFormProps) {
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  const [copyOf, setCopyOf] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [isCreating, setIsCreating] = useState(false)
  const ids = { heading: useId(), title: useId(), description: useId(), source: useId(), problem: useId() }
  const sources = contracts.filter((contract) => can(contract.role, 'edit'))

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (isCreating) return
    const checkedTitle = checkTitle(title)
    const checkedDescription = checkDescription(description)
    if (checkedTitle.problem !== null || checkedDescription.problem !== null) {
      setProblem(checkedTitle.problem ?? checkedDescription.problem)
      return
    }
    setProblem(null)
    setIsCreating(true)
    try {
      const created = await createContract({ title: checkedTitle.value, description: checkedDescription.value, ...(copyOf ? { copyOf } : {}) })
      onCreated(created)
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The contract could not be started. Please try again.')
      setIsCreating(false)
    }
  }

  return (
    <form
      className="new-contract-form"
      aria-labelledby={ids.heading}
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel()
      }}
    >
      <h2 id={ids.heading}>New contract</h2>
      <label htmlFor={ids.title}>Title</label>
      <input
        id={ids.title}
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        maxLength={TITLE_MAX_LENGTH}
        required
        // Opened by the person's own click, so moving focus into it is expected.
        autoFocus
        aria-describedby={problem !== null ? ids.problem : undefined}
      />
      <label htmlFor={ids.description}>Description</label>
      <textarea id={ids.description} value={description} onChange={(event) => setDescription(event.target.value)} maxLength={DESCRIPTION_MAX_LENGTH} rows={3} />
      <label htmlFor={ids.source}>Start from</label>
      <select id={ids.source} value={copyOf} onChange={(event) => setCopyOf(event.target.value)}>
        <option value="">Empty contract</option>
        {sources.map((contract) => (
          <option key={contract.id} value={contract.id}>
            Copy of {contract.title || contract.id}
          </option>
        ))}
      </select>
      {problem !== null ? (
        <p id={ids.problem} className="field-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={isCreating}>
          {isCreating ? 'Creating…' : 'Create contract'}
        </button>
        <button type="button" className="secondary-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
