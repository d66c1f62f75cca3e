import type { FeedStatusEvent } from '../../shared/market'

export const DEFAULT_STALE_AFTER_MS = { live: 10_000, demo: 3_000 } as const

interface Watched {
  lastDataAt: number
  stale: boolean
}

/**
 * Says when a symbol's data can no longer be trusted. Pure: the owner passes the clock in.
 * A watched symbol with no data for `staleAfterMs` turns `stale`; the next data turns it
 * `connected` again. Only transitions are reported, so a flapping check costs nothing.
 */
export class StalenessWatchdog {
  private readonly watched = new Map<string, Watched & { exchange: string; symbol: string }>()

  constructor(readonly staleAfterMs: number = DEFAULT_STALE_AFTER_MS.live) {
    if (!(staleAfterMs > 0)) throw new Error(`staleAfterMs must be positive, got ${staleAfterMs}`)
  }

  /** Starts watching (e.g. on subscribe): no data from now on counts towards staleness. */
  watch(exchange: string, symbol: string, now: number): void {
    const key = keyOf(exchange, symbol)
    if (!this.watched.has(key)) this.watched.set(key, { exchange, symbol, lastDataAt: now, stale: false })
  }

  unwatch(exchange: string, symbol: string): void {
    this.watched.delete(keyOf(exchange, symbol))
  }

  /** Data arrived. Returns the recovery transition if the symbol was stale. */
  markFresh(exchange: string, symbol: string, now: number): FeedStatusEvent | undefined {
    const key = keyOf(exchange, symbol)
    const entry = this.watched.get(key)
    if (!entry) {
      this.watched.set(key, { exchange, symbol, lastDataAt: now, stale: false })
      return undefined
    }
    entry.lastDataAt = Math.max(entry.lastDataAt, now)
    if (!entry.stale) return undefined
    entry.stale = false
    return { exchange, symbol, status: 'connected', reason: 'fresh data', timestamp: now }
  }

  /** Call periodically (e.g. every second): returns symbols that just went stale. */
  check(now: number): FeedStatusEvent[] {
    const transitions: FeedStatusEvent[] = []
    for (const entry of this.watched.values()) {
      if (entry.stale || now - entry.lastDataAt < this.staleAfterMs) continue
      entry.stale = true
      transitions.push({ exchange: entry.exchange, symbol: entry.symbol, status: 'stale', reason: this.describe(entry, now), timestamp: now })
    }
    return transitions
  }

  isStale(exchange: string, symbol: string, now: number): boolean {
    return this.staleReason(exchange, symbol, now) !== undefined
  }

  /**
   * Why the symbol is stale (for execution's refusal message), or undefined if it is fresh.
   * Evaluated against `now`, so it is right even between two `check` calls.
   */
  staleReason(exchange: string, symbol: string, now: number): string | undefined {
    const entry = this.watched.get(keyOf(exchange, symbol))
    if (!entry) return `no market data for ${symbol} on ${exchange} (not subscribed)`
    if (!entry.stale && now - entry.lastDataAt < this.staleAfterMs) return undefined
    return this.describe(entry, now)
  }

  private describe(entry: Watched & { exchange: string; symbol: string }, now: number): string {
    const age = ((now - entry.lastDataAt) / 1000).toFixed(1)
    return `market data for ${entry.symbol} on ${entry.exchange} is stale: no update for ${age} s (limit ${this.staleAfterMs / 1000} s)`
  }
}

const keyOf = (exchange: string, symbol: string) => `${exchange}|${symbol}`
