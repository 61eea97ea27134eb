/**
 * Branded id types, so a ContractId is never passed where a UserId belongs. The brands are
 * erased at run time: an id is a plain string on the wire and in the store.
 */
declare const brand: unique symbol
type Brand<T, B extends string> = T & { readonly [brand]: B }

export type ContractId = Brand<string, 'ContractId'>
export type UserId = Brand<string, 'UserId'>

/**
 * Contract ids appear in URLs and as room names: letters, digits, `-` and `_`, 1–64 long.
 * Anything else is refused before a room is looked up.
 */
const CONTRACT_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Returns the id branded when it is well formed, else null. */
export function parseContractId(value: string): ContractId | null {
  return CONTRACT_ID.test(value) ? (value as ContractId) : null
}

/** Brands a trusted user id (from the server's own records). */
export function asUserId(value: string): UserId {
  return value as UserId
}
