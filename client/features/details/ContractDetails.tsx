/**
 * The contract's title and description at the top of its page, read from the document's
 * `meta` and kept live as others change them. Editors and owners change them in place with
 * "Edit details": Enter (or leaving the fields) saves, Shift+Enter starts a new line of the
 * description, Escape cancels. A save is one transaction on the Y.Doc, which the server checks
 * like any other change and the contract list follows. Everyone else reads them.
 */
import { useEffect, useId, useRef, useState, type FocusEvent, type FormEvent, type KeyboardEvent } from 'react'
import type * as Y from 'yjs'
import { type ContractDetails as Details, checkDescription, checkTitle } from '../../../shared/domain/contractDetails.ts'
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../../../shared/protocol/limits.ts'
import { observeContractDetails, readContractDetails, writeContractDetails } from '../../../shared/ydoc/meta.ts'

export interface ContractDetailsProps {
  /** The contract's document; null while it is being (re)opened. */
  doc: Y.Doc | null
  /** Shown as the title until the document has one. */
  contractId: string
  /** Whether the person may change the details (editors and owners; the server decides too). */
  canEdit: boolean
}

const NO_DETAILS: Details = { title: '', description: '' }

/** What is being edited: the fields as typed, and the details they started from. */
interface Draft extends Details {
  readonly initial: Details
}

export function ContractDetails({ doc, contractId, canEdit }: ContractDetailsProps) {
  const [details, setDetails] = useState<Details>(NO_DETAILS)
  const [draft, setDraft] = useState<Draft | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const editButton = useRef<HTMLButtonElement>(null)
  /** Whether closing the form should put focus back on "Edit details" (not when focus left). */
  const shouldRefocus = useRef(false)
  const ids = { title: useId(), description: useId(), hint: useId(), problem: useId() }

  useEffect(() => {
    // A new document (the contract reopened) ends any editing of the old one.
    setDraft(null)
    if (doc === null) {
      setDetails(NO_DETAILS)
      return
    }
    setDetails(readContractDetails(doc))
    return observeContractDetails(doc, () => setDetails(readContractDetails(doc)))
  }, [doc])

  useEffect(() => {
    if (draft === null && shouldRefocus.current) {
      shouldRefocus.current = false
      editButton.current?.focus()
    }
  }, [draft])

  const close = (refocus: boolean) => {
    shouldRefocus.current = refocus
    setProblem(null)
    setDraft(null)
  }

  /** Writes what the person changed (only that, so a concurrent change of the other field stays). */
  const save = (refocus: boolean) => {
    if (draft === null || doc === null) return
    const title = checkTitle(draft.title)
    const description = checkDescription(draft.description)
    if (title.problem !== null || description.problem !== null) {
      setProblem(title.problem ?? description.problem)
      return
    }
    writeContractDetails(doc, {
      ...(title.value !== draft.initial.title ? { title: title.value } : {}),
      ...(description.value !== draft.initial.description ? { description: description.value } : {}),
    })
    close(refocus)
  }

  if (draft === null) {
    return (
      <div className="contract-details">
        <p className="contract-kicker">Contract</p>
        <h1 className="contract-id">{details.title || contractId}</h1>
        {details.description ? <p className="contract-description">{details.description}</p> : null}
        {canEdit && doc !== null ? (
          <button ref={editButton} type="button" className="quiet-button" onClick={() => setDraft({ ...details, initial: details })}>
            Edit details
          </button>
        ) : null}
      </div>
    )
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    save(true)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== 'Escape') return
    event.preventDefault()
    close(true)
  }
  const onBlur = (event: FocusEvent<HTMLFormElement>) => {
    // Moving between the fields and buttons is not leaving.
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) save(false)
  }
  const onDescriptionKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      save(true)
    }
  }
  const describedBy = problem !== null ? `${ids.hint} ${ids.problem}` : ids.hint

  return (
    <form className="contract-details contract-details-form" aria-label="Contract details" onSubmit={onSubmit} onKeyDown={onKeyDown} onBlur={onBlur}>
      <h1 className="visually-hidden">{details.title || contractId}</h1>
      <label htmlFor={ids.title}>Title</label>
      <input
        id={ids.title}
        value={draft.title}
        onChange={(event) => setDraft({ ...draft, title: event.target.value })}
        maxLength={TITLE_MAX_LENGTH}
        required
        // Opened by the person's own click on "Edit details".
        autoFocus
        aria-describedby={describedBy}
      />
      <label htmlFor={ids.description}>Description</label>
      <textarea
        id={ids.description}
        value={draft.description}
        onChange={(event) => setDraft({ ...draft, description: event.target.value })}
        onKeyDown={onDescriptionKeyDown}
        maxLength={DESCRIPTION_MAX_LENGTH}
        rows={2}
        aria-describedby={describedBy}
      />
      <p id={ids.hint} className="field-hint">
        Enter saves, Shift+Enter starts a new line, Escape cancels.
      </p>
      {problem !== null ? (
        <p id={ids.problem} className="field-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="form-actions">
        {/* Keeping focus in the fields on press: a browser that does not focus a clicked button
            would otherwise report leaving the form, which saves, before the click lands. */}
        <button type="submit" onMouseDown={(event) => event.preventDefault()}>
          Save
        </button>
        <button type="button" className="secondary-button" onMouseDown={(event) => event.preventDefault()} onClick={() => close(true)}>
          Cancel
        </button>
      </div>
    </form>
  )
}
