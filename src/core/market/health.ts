import type { ExchangeHealth, ExchangeHealthStatus } from '../../shared/market'

export interface HealthOptions {
  /** How many recent requests the error rate and latency median look at. */
  window?: number
  /** Last-message age past which the exchange counts as down (no data at all). */
  downAfterMs?: number
  /** Error rate from which the exchange counts as degraded / down. */
  degradedErrorRate?: number
  downErrorRate?: number
}

const DEFAULTS: Required<HealthOptions> = { window: 50, downAfterMs: 30_000, degradedErrorRate: 0.1, downErrorRate: 0.5 }

/**
 * Per-exchange health from what the feed sees: request outcomes and latencies over a sliding
 * window, time since the last message, and counters for rate-limit hits and reconnects. Pure:
 * every call takes `now`.
 */
export class ExchangeHealthTracker {
  private readonly options: Required<HealthOptions>
  private readonly outcomes: boolean[] = []
  private readonly latencies: number[] = []
  private lastMessageAt: number | undefined
  private rateLimitHits = 0
  private reconnects = 0
  private lastError: string | undefined
  private connectionDown = false

  constructor(
    readonly exchange: string,
    options: HealthOptions = {}
  ) {
    this.options = { ...DEFAULTS, ...options }
  }

  /** A REST request or WebSocket round finished. */
  recordSuccess(now: number, latencyMs?: number): void {
    this.push(this.outcomes, true)
    if (latencyMs !== undefined && Number.isFinite(latencyMs)) this.push(this.latencies, Math.max(0, latencyMs))
    this.lastMessageAt = now
    this.connectionDown = false
  }

  /** Data arrived without a request of ours (a pushed WebSocket message). */
  recordMessage(now: number): void {
    this.lastMessageAt = now
    this.connectionDown = false
  }

  recordFailure(message: string, options: { rateLimited?: boolean } = {}): void {
    this.push(this.outcomes, false)
    this.lastError = message
    if (options.rateLimited) this.rateLimitHits += 1
  }

  recordReconnect(): void {
    this.reconnects += 1
  }

  /** The connection is known to be gone (between a drop and the next successful data). */
  markDisconnected(reason: string): void {
    this.connectionDown = true
    this.lastError = reason
  }

  snapshot(now: number): ExchangeHealth {
    const failures = this.outcomes.filter((ok) => !ok).length
    const errorRate = this.outcomes.length ? failures / this.outcomes.length : 0
    const lastMessageAgeMs = this.lastMessageAt === undefined ? null : Math.max(0, now - this.lastMessageAt)
    return {
      exchange: this.exchange,
      latencyMs: median(this.latencies),
      errorRate,
      lastMessageAgeMs,
      rateLimitHits: this.rateLimitHits,
      reconnects: this.reconnects,
      status: this.status(errorRate, lastMessageAgeMs),
      ...(this.lastError ? { lastError: this.lastError } : {})
    }
  }

  private status(errorRate: number, ageMs: number | null): ExchangeHealthStatus {
    const { downAfterMs, downErrorRate, degradedErrorRate } = this.options
    if (errorRate >= downErrorRate || (ageMs !== null && ageMs > downAfterMs)) return 'down'
    if (this.connectionDown || errorRate >= degradedErrorRate) return 'degraded'
    return 'ok'
  }

  private push<T>(list: T[], value: T): void {
    list.push(value)
    if (list.length > this.options.window) list.shift()
  }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
