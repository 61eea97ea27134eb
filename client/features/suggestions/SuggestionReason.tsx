/**
 * The reason on the card of one's own suggestion: shown as it stands, and added or edited in a
 * short form ("Why this amendment?", at most `REASON_MAX_LENGTH` characters) that writes it into
 * the suggestion's record. What people type is always shown as text, never as markup.
 */
import { type FormEvent, type KeyboardEvent, useId, useState } from 'react'
import type * as Y from 'yjs'
import { REASON_MAX_LENGTH, type SuggestionRecord } from '../../../shared/domain/suggestions.ts'
import { setSuggestionReason } from './suggestionRecords.ts'

export interface SuggestionReasonProps {
  /** The contract's `suggestions` map. */
  records: Y.Map<unknown>
  /** The suggestion, which must be the signed-in person's own. */
  id: string
  record: SuggestionRecord
  /** Called when the form closes (saved or cancelled), e.g. to give the text its focus back. */
  onDone?: () => void
}

export function SuggestionReason({ records, id, record, onDone }: SuggestionReasonProps) {
  // The text being edited, or null while the reason is only shown.
  const [draft, setDraft] = useState<string | null>(null)
  const fieldId = useId()
  const close = () => {
    setDraft(null)
    onDone?.()
  }

  if (draft === null) {
    return (
      <div className="suggestion-reason">
        {record.reason ? <p className="suggestion-card-reason">{record.reason}</p> : null}
        <button type="button" className="suggestion-reason-edit" onClick={() => setDraft(record.reason ?? '')}>
          {record.reason ? 'Edit reason' : 'Add a reason'}
        </button>
      </div>
    )
  }

  const save = (event?: FormEvent) => {
    event?.preventDefault()
    setSuggestionReason(records, id, draft)
    close()
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      save(event)
    }
  }
  return (
    <form className="suggestion-reason-form" onSubmit={save}>
      <label htmlFor={fieldId}>Why this amendment?</label>
      <textarea
        id={fieldId}
        value={draft}
        rows={3}
        maxLength={REASON_MAX_LENGTH}
        autoFocus
        aria-describedby={`${fieldId}-count`}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <p className="suggestion-reason-count" id={`${fieldId}-count`}>
        {draft.length} / {REASON_MAX_LENGTH} characters
      </p>
      <div className="suggestion-card-actions">
        <button type="submit">Save reason</button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  )
}
