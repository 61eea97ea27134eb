/**
 * A contract's details — its title and description — as people write them: the limits and
 * the checks that the server (creating a contract over HTTP) and the client (its forms)
 * share, so a form never accepts what the server would refuse.
 *
 * Lengths count UTF-16 code units (`String.length`), as every check of them does.
 */

import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../protocol/limits.ts'

/** Title and description as kept in a contract's `meta` and in the contract list. */
export interface ContractDetails {
  readonly title: string
  readonly description: string
}

/** The outcome of a check: the normalised value, or a sentence for the person. */
export type Checked<T> = { readonly value: T; readonly problem: null } | { readonly value: null; readonly problem: string }

const TITLE_RULE = `Give the contract a title of 1 to ${TITLE_MAX_LENGTH} characters.`
const DESCRIPTION_RULE = `Keep the description to ${DESCRIPTION_MAX_LENGTH} characters or fewer.`

/** A title: a string of 1 to `TITLE_MAX_LENGTH` characters once trimmed. Returns it trimmed. */
export function checkTitle(input: unknown): Checked<string> {
  if (typeof input !== 'string') return { value: null, problem: TITLE_RULE }
  const title = input.trim()
  if (title.length === 0 || title.length > TITLE_MAX_LENGTH) return { value: null, problem: TITLE_RULE }
  return { value: title, problem: null }
}

/** A description: at most `DESCRIPTION_MAX_LENGTH` characters once trimmed (empty is fine). Returns it trimmed. */
export function checkDescription(input: unknown): Checked<string> {
  if (typeof input !== 'string') return { value: null, problem: DESCRIPTION_RULE }
  const description = input.trim()
  if (description.length > DESCRIPTION_MAX_LENGTH) return { value: null, problem: DESCRIPTION_RULE }
  return { value: description, problem: null }
}
