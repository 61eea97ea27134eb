/**
 * Rules about what a contract's Y.Doc may contain and how its parts may change, checked on the
 * changes of an update before it is stored (see `changesOf`). They hold for every role:
 * - the `clauses` and `meta` maps hold plain values of a known shape, never nested types;
 * - a clause's status changes only as `canChangeStatus` allows (editors lock, owners unlock);
 * - nothing inside a locked clause changes: not its text, attributes or sub-clauses, and it is
 *   not deleted or moved (a move deletes it where it was), whoever sends the update.
 */
import * as Y from 'yjs'
import { type ClauseStatus, canChangeStatus, isClauseState, readClauseState } from '../../shared/domain/clauseStatus.ts'
import type { Role } from '../../shared/domain/roles.ts'
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../../shared/protocol/limits.ts'
import { ROOT, getClauses, lockedClauseIds } from '../../shared/ydoc/schema.ts'
import type { Change } from './changes.ts'
import { SyncRefusal } from './SyncRefusal.ts'

/** The value a new map entry sets; undefined when it sets none (deleted on arrival). */
function valueOf(item: Y.Item): { value: unknown } | undefined {
  const content = item.content
  if (content instanceof Y.ContentAny) return { value: content.getContent()[0] }
  if (content instanceof Y.ContentDeleted) return undefined
  // Strings, binaries, embedded types …: not plain values of a known shape.
  return { value: content }
}

/** What an update does to one key of a map: the values it sets, or that it removes the key. */
export interface EntryChange {
  readonly key: string
  /** The values set (normally one); empty when the key is only removed. */
  readonly values: readonly unknown[]
}

/**
 * What the update does to each key of the root map `root`, refusing anything nested. Setting
 * a key deletes its previous value: that is a change of value, not a removal; a value set and
 * deleted in the same update sets nothing.
 */
export function entryChanges(changes: readonly Change[], root: string): EntryChange[] {
  const deleted = new Set<Y.Item>()
  const keys = new Map<string, unknown[]>()
  for (const change of changes) {
    if (change.root !== root) continue
    // Directly in the root map itself, not in a type nested in one of its values.
    if (!change.isDirect || change.key === null || (change.container !== null && change.container._item !== null)) {
      throw SyncRefusal.rejected(`The update puts something other than plain values into the contract’s ${root}.`)
    }
    if (change.kind === 'delete' && change.item !== null) deleted.add(change.item)
    if (!keys.has(change.key)) keys.set(change.key, [])
  }
  for (const change of changes) {
    if (change.root !== root || change.kind !== 'insert' || change.item === null || deleted.has(change.item)) continue
    const set = valueOf(change.item)
    if (set !== undefined) keys.get(change.key!)!.push(set.value)
  }
  return [...keys].map(([key, values]) => ({ key, values }))
}

/** Clause status entries: well formed, and each change of status one the role may make. */
export function checkClauseEntries(changes: readonly Change[], doc: Y.Doc, role: Role): void {
  const clauses = getClauses(doc)
  for (const { key, values } of entryChanges(changes, ROOT.clauses)) {
    const from = readClauseState(clauses.get(key)).status
    // Removing an entry puts the clause back to the default, drafting.
    const targets: ClauseStatus[] = values.length === 0 ? ['drafting'] : []
    for (const value of values) {
      if (!isClauseState(value)) throw SyncRefusal.rejected('The update sets a clause status that does not exist.')
      targets.push(value.status)
    }
    for (const to of targets) {
      if (!canChangeStatus(role, from, to)) {
        throw SyncRefusal.rejected(from === 'locked' ? 'Only an owner can unlock a locked clause.' : 'Your role does not let you change a clause’s status.')
      }
    }
  }
}

const META_RULES: Readonly<Record<string, (value: unknown) => boolean>> = {
  title: (value) => typeof value === 'string' && value.trim().length > 0 && value.length <= TITLE_MAX_LENGTH,
  description: (value) => typeof value === 'string' && value.length <= DESCRIPTION_MAX_LENGTH,
}

/**
 * Metadata entries: a non-empty title and a description of bounded length. Other keys (the
 * layout's `schemaVersion`) are the server's to write.
 */
export function checkMetaEntries(changes: readonly Change[]): void {
  for (const { key, values } of entryChanges(changes, ROOT.meta)) {
    const rule = META_RULES[key]
    if (rule === undefined) throw SyncRefusal.rejected(`The contract’s “${key}” cannot be changed.`)
    if (values.length === 0 && key === 'title') throw SyncRefusal.rejected('A contract needs a title.')
    if (!values.every(rule)) {
      throw SyncRefusal.rejected(
        key === 'title'
          ? `A contract’s title is 1 to ${TITLE_MAX_LENGTH} characters of text.`
          : `A contract’s description is at most ${DESCRIPTION_MAX_LENGTH} characters of text.`,
      )
    }
  }
}

const LOCKED = 'This clause is locked: an owner must unlock it before it can be changed.'

/** Whether `type` is a clause element whose id is in `locked`. */
function isLockedClause(type: unknown, locked: ReadonlySet<string>): boolean {
  if (!(type instanceof Y.XmlElement) || type.nodeName !== 'clause') return false
  const clauseId = type.getAttribute('clauseId')
  return typeof clauseId === 'string' && locked.has(clauseId)
}

/** Whether `type` or any element nested in it is a locked clause. */
function containsLockedClause(type: Y.XmlElement, locked: ReadonlySet<string>): boolean {
  if (isLockedClause(type, locked)) return true
  for (const child of type.toArray()) {
    if (child instanceof Y.XmlElement && containsLockedClause(child, locked)) return true
  }
  return false
}

/**
 * No change lands inside a locked clause, and no deletion removes one (or a clause containing
 * one). Inserting next to a locked clause, or changing any other clause, is fine.
 */
export function checkLockedClauses(changes: readonly Change[], doc: Y.Doc): void {
  const locked = lockedClauseIds(doc)
  if (locked.size === 0) return
  for (const change of changes) {
    if (change.root !== ROOT.body) continue
    for (let type = change.container; type !== null; type = (type._item?.parent ?? null) as typeof type) {
      if (isLockedClause(type, locked)) throw SyncRefusal.rejected(LOCKED)
    }
    const content = change.kind === 'delete' ? change.item?.content : undefined
    if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement && containsLockedClause(content.type, locked)) {
      throw SyncRefusal.rejected(LOCKED)
    }
  }
}
