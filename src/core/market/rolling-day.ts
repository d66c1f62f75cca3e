import type { Candle } from '../../shared/market-data'

const MINUTE = 60_000
const BUCKETS = 24 * 60

/**
 * 24-hour open/high/low/volume from minute buckets in a fixed ring: constant memory, and a
 * ticker read costs one pass over 1,440 slots, not over every trade of the day.
 */
export class RollingDayStats {
  private readonly minute = new Float64Array(BUCKETS).fill(-1)
  private readonly open = new Float64Array(BUCKETS)
  private readonly high = new Float64Array(BUCKETS)
  private readonly low = new Float64Array(BUCKETS)
  private readonly volume = new Float64Array(BUCKETS)

  /** Records a price (and traded amount) at a time. */
  record(timestamp: number, price: number, amount = 0): void {
    const minute = Math.floor(timestamp / MINUTE)
    const slot = minute % BUCKETS
    if (this.minute[slot] !== minute) {
      this.minute[slot] = minute
      this.open[slot] = price
      this.high[slot] = price
      this.low[slot] = price
      this.volume[slot] = 0
    }
    this.high[slot] = Math.max(this.high[slot], price)
    this.low[slot] = Math.min(this.low[slot], price)
    this.volume[slot] += amount
  }

  /** Seeds the window from minute candles (e.g. the demo history). */
  recordCandle([ts, open, high, low, close, volume]: Candle): void {
    this.record(ts, open, volume)
    this.record(ts, high)
    this.record(ts, low)
    this.record(ts, close)
  }

  /** Stats over the 24 hours ending at `now`; undefined before any data. */
  summary(now: number): { open: number; high: number; low: number; volume: number } | undefined {
    const newest = Math.floor(now / MINUTE)
    let oldest = Infinity
    let open = 0
    let high = -Infinity
    let low = Infinity
    let volume = 0
    for (let slot = 0; slot < BUCKETS; slot++) {
      const minute = this.minute[slot]
      if (minute < 0 || minute > newest || minute <= newest - BUCKETS) continue
      if (minute < oldest) {
        oldest = minute
        open = this.open[slot]
      }
      high = Math.max(high, this.high[slot])
      low = Math.min(low, this.low[slot])
      volume += this.volume[slot]
    }
    return oldest === Infinity ? undefined : { open, high, low, volume }
  }
}
