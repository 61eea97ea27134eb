/**
 * The Yjs layout of a contract: the one place that names the roots of a contract's Y.Doc.
 *
 * One Y.Doc per contract; the sync room's name is the contract id. Nobody else calls
 * `doc.getMap('…')` or `doc.getXmlFragment('…')` with a literal: they use the accessors below,
 * so a rename or a migration has exactly one place to change.
 */
import * as Y from 'yjs'
import { type ClauseState, type ClauseStatus, readClauseState } from '../domain/clauseStatus.ts'

/** Bumped whenever the layout changes in a way that needs a migration of stored documents. */
export const SCHEMA_VERSION = 1

/** The names of the roots, exported for code that must recognise them (e.g. the referee). */
export const ROOT = {
  /** `Y.XmlFragment`: the Tiptap/ProseMirror document, a sequence of clause nodes. */
  body: 'body',
  /** `Y.Map` keyed by clauseId: status, lead, young-person text, sign-offs. */
  clauses: 'clauses',
  /** `Y.Map` keyed by suggestionId: author, organisation, time, reason. */
  suggestions: 'suggestions',
  /** `Y.Map`: title, description, schemaVersion. */
  meta: 'meta',
} as const

export type RootName = (typeof ROOT)[keyof typeof ROOT]

/** The contract's text, bound to the editor by Tiptap's collaboration extension. */
export function getBody(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(ROOT.body)
}

/** Per-clause state keyed by clauseId. Values are plain JSON objects. */
export function getClauses(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.clauses)
}

/** Metadata of the tracked suggestions keyed by suggestionId. */
export function getSuggestions(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.suggestions)
}

/** The contract's metadata: title, description and the layout's schemaVersion. */
export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.meta)
}

/** Reads the contract title from `meta`, or an empty string when none has been set. */
export function getTitle(doc: Y.Doc): string {
  const title = getMeta(doc).get('title')
  return typeof title === 'string' ? title : ''
}

/** The state of the clause `clauseId` (drafting when nobody has set one). */
export function getClauseState(doc: Y.Doc, clauseId: string): ClauseState {
  return readClauseState(getClauses(doc).get(clauseId))
}

/** The ids of the clauses whose status is `locked`. */
export function lockedClauseIds(doc: Y.Doc): Set<string> {
  const locked = new Set<string>()
  for (const [clauseId, value] of getClauses(doc)) if (readClauseState(value).status === 'locked') locked.add(clauseId)
  return locked
}

/**
 * Gives every root of the layout its type up front. A root first created by applying an
 * update is an untyped placeholder until someone asks for it by type, and asking then swaps in
 * a new object; defining them first keeps one object per root for the document's life.
 */
export function defineRoots(doc: Y.Doc): void {
  getBody(doc)
  getClauses(doc)
  getSuggestions(doc)
  getMeta(doc)
}

/** Sets the status of the clause `clauseId` (checked by the server: see `canChangeStatus`). */
export function setClauseStatus(doc: Y.Doc, clauseId: string, status: ClauseStatus): void {
  getClauses(doc).set(clauseId, { ...getClauseState(doc, clauseId), status })
}
