export interface BackoffOptions {
  initialMs?: number
  maxMs?: number
  factor?: number
  /** Share of the delay that is randomized (0..1): "full jitter" would be 1. */
  jitter?: number
  /** Uniform [0, 1) source; injected so tests are deterministic. */
  random?: () => number
}

/**
 * Exponential backoff with jitter, so many clients that lost the same server do not all
 * come back in the same millisecond.
 */
export class Backoff {
  private attempt = 0
  private readonly options: Required<BackoffOptions>

  constructor(options: BackoffOptions = {}) {
    this.options = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5, random: Math.random, ...options }
  }

  /** The delay before the next attempt; each call grows it. */
  next(): number {
    const { initialMs, maxMs, factor, jitter, random } = this.options
    const base = Math.min(maxMs, initialMs * factor ** this.attempt)
    this.attempt += 1
    return Math.round(base * (1 - jitter + jitter * random()))
  }

  get attempts(): number {
    return this.attempt
  }

  reset(): void {
    this.attempt = 0
  }
}
