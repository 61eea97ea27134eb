/**
 * Secrets handed to people (session ids, API tokens, invitation links) are random, and only
 * their SHA-256 is stored: a copy of the database does not let anyone sign in.
 */
import { createHash, randomBytes } from 'node:crypto'

/** 32 random bytes, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** A short random id for records (users, organisations, contracts). */
export function newId(): string {
  return randomBytes(12).toString('base64url')
}

/** What the store keeps in place of a secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
