/**
 * Latencies kept as a histogram with buckets 1 % wide (from 1 µs to ~20 min), so load workers
 * can record millions of samples cheaply and the benchmark can merge their histograms exactly.
 */

const GROWTH = Math.log(1.01)
const BUCKETS = 2200

export class LatencyHistogram {
  readonly counts: Float64Array

  constructor(counts?: Float64Array) {
    this.counts = counts ?? new Float64Array(BUCKETS)
  }

  /** Records one latency in milliseconds (negative clock noise counts as 1 µs). */
  record(ms: number): void {
    const us = Math.max(1, ms * 1000)
    this.counts[Math.min(BUCKETS - 1, Math.floor(Math.log(us) / GROWTH))]! += 1
  }

  get count(): number {
    let total = 0
    for (const c of this.counts) total += c
    return total
  }

  /** Adds another histogram's samples to this one. */
  merge(other: LatencyHistogram | Float64Array): void {
    const counts = other instanceof LatencyHistogram ? other.counts : other
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += counts[i]!
  }

  /** The latency in ms below which a fraction `q` (0..1) of the samples lie; null if none. */
  quantile(q: number): number | null {
    const total = this.count
    if (total === 0) return null
    const rank = q * total
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!
      // The bucket's geometric middle.
      if (seen >= rank) return Math.exp((i + 0.5) * GROWTH) / 1000
    }
    return null
  }
}
