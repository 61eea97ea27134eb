/**
 * Password hashing with Argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).
 * A hash made with other parameters still verifies, and is reported for rehashing so stored
 * hashes follow the parameters when they change.
 */
import argon2 from 'argon2'

export const PASSWORD_PARAMETERS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

/** Shortest password accepted when a person sets one. */
export const MIN_PASSWORD_LENGTH = 10

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_PARAMETERS)
}

/** A hash to verify against when the account does not exist, so timing does not tell. */
let decoyHash: Promise<string> | null = null

/**
 * Checks a password. `hash` null (unknown account, or no password set yet) verifies against a
 * decoy so the answer takes as long either way. `needsRehash` is true when a correct password's
 * hash was made with other parameters.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<{ isValid: boolean; needsRehash: boolean }> {
  decoyHash ??= hashPassword('decoy password that matches nothing')
  const target = hash ?? (await decoyHash)
  let isValid = false
  try {
    isValid = await argon2.verify(target, password)
  } catch {
    isValid = false
  }
  if (hash === null) return { isValid: false, needsRehash: false }
  return { isValid, needsRehash: isValid && argon2.needsRehash(hash, PASSWORD_PARAMETERS) }
}
