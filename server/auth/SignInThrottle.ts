/**
 * Throttling of failed sign-ins, per account and per address. Only failures count: a person
 * who signs in correctly is never slowed, and a success clears their account's count.
 */
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible'

export interface ThrottleLimits {
  /** Failed attempts on one account before it is paused (default 5 per 15 minutes). */
  readonly perAccount: number
  /** Failed attempts from one address before it is paused (default 30 per hour). */
  readonly perAddress: number
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perAccount: 5, perAddress: 30 }

export class SignInThrottle {
  readonly #byAccount: RateLimiterMemory
  readonly #byAddress: RateLimiterMemory

  constructor(limits: ThrottleLimits = DEFAULT_THROTTLE) {
    this.#byAccount = new RateLimiterMemory({ keyPrefix: 'account', points: limits.perAccount, duration: 15 * 60, blockDuration: 15 * 60 })
    this.#byAddress = new RateLimiterMemory({ keyPrefix: 'address', points: limits.perAddress, duration: 60 * 60, blockDuration: 60 * 60 })
  }

  /** Seconds to wait before another attempt for this account or address, or 0 if allowed. */
  async retryAfter(email: string, address: string): Promise<number> {
    const [account, from] = await Promise.all([this.#byAccount.get(email.toLowerCase()), this.#byAddress.get(address)])
    const wait = (res: RateLimiterRes | null, limit: number) =>
      res !== null && res.consumedPoints >= limit ? Math.ceil(res.msBeforeNext / 1000) : 0
    return Math.max(wait(account, this.#byAccount.points), wait(from, this.#byAddress.points))
  }

  /** Counts a failed attempt. */
  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.allSettled([this.#byAccount.consume(email.toLowerCase()), this.#byAddress.consume(address)])
  }

  /** Clears the account's failures after a successful sign-in. */
  async recordSuccess(email: string): Promise<void> {
    await this.#byAccount.delete(email.toLowerCase())
  }
}
