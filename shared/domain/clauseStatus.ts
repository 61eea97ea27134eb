/**
 * A clause's status in the negotiation: `drafting` → `proposed` → `agreed` → `locked`
 * (DESIGN.md). Editors move a clause between the first three and lock it; a locked clause
 * cannot be changed by anyone until an owner unlocks it. The server enforces this on every
 * update; the editor shows it and keeps people from typing into a locked clause.
 */
import { type Role, can } from './roles.ts'

export const CLAUSE_STATUSES = ['drafting', 'proposed', 'agreed', 'locked'] as const
export type ClauseStatus = (typeof CLAUSE_STATUSES)[number]

/** The state of one clause kept in the `clauses` map under its clauseId. */
export interface ClauseState {
  readonly status: ClauseStatus
}

export const CLAUSE_STATUS_LABEL: Readonly<Record<ClauseStatus, string>> = {
  drafting: 'Drafting',
  proposed: 'Proposed',
  agreed: 'Agreed',
  locked: 'Locked',
}

/** A clause nobody has set a status for is being drafted. */
export const DEFAULT_CLAUSE_STATE: ClauseState = { status: 'drafting' }

export function isClauseStatus(value: unknown): value is ClauseStatus {
  return typeof value === 'string' && (CLAUSE_STATUSES as readonly string[]).includes(value)
}

/** Whether `value` is a well-formed entry of the `clauses` map (plain data, a known status). */
export function isClauseState(value: unknown): value is ClauseState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === 'status' && isClauseStatus((value as { status: unknown }).status)
}

/** Reads a `clauses` map entry, treating a missing or unreadable one as drafting. */
export function readClauseState(value: unknown): ClauseState {
  return isClauseState(value) ? value : DEFAULT_CLAUSE_STATE
}

/**
 * Whether a member with `role` may move a clause from status `from` to `to`: editors set any
 * status but cannot take a clause out of `locked`; owners can (that is unlocking).
 */
export function canChangeStatus(role: Role, from: ClauseStatus, to: ClauseStatus): boolean {
  if (!can(role, 'edit')) return false
  if (from === 'locked' && to !== 'locked') return can(role, 'unlock')
  return true
}
