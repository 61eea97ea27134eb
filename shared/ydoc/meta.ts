/**
 * Typed operations on a contract's `meta` map: reading and writing its details (title and
 * description) and following changes to them. The map itself is named in `schema.ts`.
 */
import type * as Y from 'yjs'
import type { ContractDetails } from '../domain/contractDetails.ts'
import { getMeta } from './schema.ts'

/** The keys of `meta` that hold a contract's details. */
const DETAIL_KEYS = ['title', 'description'] as const satisfies ReadonlyArray<keyof ContractDetails>

/** The title and description in `meta`; a missing or non-string value reads as ''. */
export function readContractDetails(doc: Y.Doc): ContractDetails {
  const meta = getMeta(doc)
  const read = (key: keyof ContractDetails) => {
    const value = meta.get(key)
    return typeof value === 'string' ? value : ''
  }
  return { title: read('title'), description: read('description') }
}

/**
 * Writes the given details to `meta` in one transaction (one update for the server to check),
 * setting only the keys whose value differs. The caller has checked them (`contractDetails.ts`).
 */
export function writeContractDetails(doc: Y.Doc, details: Partial<ContractDetails>): void {
  const meta = getMeta(doc)
  doc.transact(() => {
    for (const key of DETAIL_KEYS) {
      const value = details[key]
      if (value !== undefined && meta.get(key) !== value) meta.set(key, value)
    }
  })
}

/**
 * Calls `listener` after every transaction that changes the title or description, with the
 * changed keys that now hold a string (a deleted or non-string value is not reported).
 * Returns the function that stops following.
 */
export function observeContractDetails(doc: Y.Doc, listener: (changed: Partial<ContractDetails>) => void): () => void {
  const meta = getMeta(doc)
  const observer = (event: Y.YMapEvent<unknown>) => {
    const changed: { -readonly [K in keyof ContractDetails]?: string } = {}
    for (const key of DETAIL_KEYS) {
      const value = meta.get(key)
      if (event.keysChanged.has(key) && typeof value === 'string') changed[key] = value
    }
    if (Object.keys(changed).length > 0) listener(changed)
  }
  meta.observe(observer)
  return () => meta.unobserve(observer)
}
