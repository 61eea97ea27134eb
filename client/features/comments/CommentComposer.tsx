/**
 * The box a comment is written in: a labelled text area with @mention completion (type `@` and
 * a few letters of a member's name; ↑/↓ choose, Enter or Tab insert `@[Name](userId)`, Escape
 * closes the list), a preview that draws mentions as chips, Ctrl+Enter to send, and the
 * server's refusal shown in words when sending fails. The text stays when sending fails.
 */
import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from 'react'
import { formatMention, mentionedUserIds } from '../../../shared/domain/mentions.ts'
import type { MemberView } from '../../../shared/protocol/api.ts'
import { MAX_COMMENT_LENGTH } from '../../../shared/protocol/comments.ts'
import { CommentBody } from './CommentBody.tsx'

/** The `@` being typed before the caret, and what follows it so far. */
const MENTION_QUERY = /(^|\s)@([^\s@[\]()]{0,40})$/

/** How many members the completion list offers at once. */
const MAX_SUGGESTIONS = 6

export interface CommentComposerProps {
  /** The text area's label, e.g. "Reply" or "Comment". */
  readonly label: string
  readonly submitLabel: string
  readonly initial?: string
  /** The contract's members, offered for @mentions. */
  readonly members: readonly MemberView[]
  /** Sends the text; a rejection's message is shown to the person. */
  readonly onSubmit: (body: string) => Promise<void>
  readonly onCancel?: () => void
  readonly autoFocus?: boolean
  /** More controls, shown between the text and the buttons (e.g. who may see a new thread). */
  readonly children?: ReactNode
  /** Whether the label is shown (or only read out). */
  readonly showLabel?: boolean
}

/** The members whose name starts a word matching `query`, best first. */
export function mentionCandidates(members: readonly MemberView[], query: string): MemberView[] {
  const wanted = query.toLowerCase()
  const words = (member: MemberView) => member.name.toLowerCase().split(/\s+/)
  return members
    .filter((member) => wanted === '' || member.name.toLowerCase().startsWith(wanted) || words(member).some((word) => word.startsWith(wanted)))
    .sort((a, b) => Number(!a.name.toLowerCase().startsWith(wanted)) - Number(!b.name.toLowerCase().startsWith(wanted)) || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS)
}

export function CommentComposer({ label, submitLabel, initial = '', members, onSubmit, onCancel, autoFocus, children, showLabel = false }: CommentComposerProps) {
  const [text, setText] = useState(initial)
  const [caret, setCaret] = useState(initial.length)
  const [active, setActive] = useState(0)
  const [isDismissed, setDismissed] = useState(false)
  const [isSending, setSending] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const area = useRef<HTMLTextAreaElement>(null)
  const id = useId()

  const query = MENTION_QUERY.exec(text.slice(0, caret))
  const candidates = query !== null && !isDismissed ? mentionCandidates(members, query[2]!) : []
  const isListOpen = candidates.length > 0
  const chosen = Math.min(active, candidates.length - 1)
  const trimmed = text.trim()
  const isTooLong = trimmed.length > MAX_COMMENT_LENGTH

  const follow = (element: HTMLTextAreaElement) => {
    setText(element.value)
    setCaret(element.selectionStart)
    setDismissed(false)
  }

  const insertMention = (member: MemberView) => {
    if (query === null) return
    const start = caret - query[2]!.length - 1
    const mention = `${formatMention(member.name, member.id)} `
    const next = text.slice(0, start) + mention + text.slice(caret)
    setText(next)
    const at = start + mention.length
    setCaret(at)
    setActive(0)
    requestAnimationFrame(() => {
      area.current?.focus()
      area.current?.setSelectionRange(at, at)
    })
  }

  const send = async () => {
    if (trimmed === '' || isTooLong || isSending) return
    setSending(true)
    setProblem(null)
    try {
      await onSubmit(trimmed)
      setText('')
      setCaret(0)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The comment was not saved. Please try again.')
    } finally {
      setSending(false)
    }
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isListOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const step = event.key === 'ArrowDown' ? 1 : -1
        setActive((chosen + step + candidates.length) % candidates.length)
        return
      }
      if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') {
        event.preventDefault()
        insertMention(candidates[chosen]!)
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        event.stopPropagation()
        setDismissed(true)
        return
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      void send()
    } else if (event.key === 'Escape' && onCancel !== undefined) {
      event.preventDefault()
      onCancel()
    }
  }

  const hasMentions = mentionedUserIds(text).length > 0
  return (
    <form
      className="comment-composer"
      onSubmit={(event) => {
        event.preventDefault()
        void send()
      }}
    >
      <label htmlFor={`${id}-text`} className={showLabel ? 'comment-composer-label' : 'visually-hidden'}>
        {label}
      </label>
      <div className="comment-composer-field">
        <textarea
          id={`${id}-text`}
          ref={area}
          value={text}
          rows={2}
          autoFocus={autoFocus}
          placeholder="Comment, or @mention someone"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={isListOpen}
          aria-controls={isListOpen ? `${id}-mentions` : undefined}
          aria-activedescendant={isListOpen ? `${id}-mention-${chosen}` : undefined}
          aria-invalid={isTooLong || undefined}
          aria-describedby={problem !== null ? `${id}-problem` : undefined}
          onChange={(event) => follow(event.currentTarget)}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => setDismissed(true)}
          onFocus={() => setDismissed(false)}
        />
        {isListOpen ? (
          <ul className="mention-list" role="listbox" id={`${id}-mentions`} aria-label="Members to mention">
            {candidates.map((member, index) => (
              <li
                key={member.id}
                id={`${id}-mention-${index}`}
                role="option"
                aria-selected={index === chosen}
                className={index === chosen ? 'mention-option is-active' : 'mention-option'}
                // Keeps focus (and the caret) in the text area.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => insertMention(member)}
              >
                <span className="mention-option-name">{member.name}</span> <span className="mention-option-organisation">{member.organisation.name}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {hasMentions ? (
        <div className="comment-preview" aria-label="Preview">
          <CommentBody body={text} />
        </div>
      ) : null}
      {isTooLong ? <p className="comment-problem">At most {MAX_COMMENT_LENGTH.toLocaleString('en')} characters.</p> : null}
      {children}
      {problem !== null ? (
        <p className="comment-problem" role="alert" id={`${id}-problem`}>
          {problem}
        </p>
      ) : null}
      <div className="comment-composer-actions">
        <button type="submit" disabled={trimmed === '' || isTooLong || isSending}>
          {submitLabel}
        </button>
        {onCancel !== undefined ? (
          <button type="button" className="secondary-button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  )
}
