import { TIMEFRAME_MS, type Candle, type Timeframe } from '../../../shared/market-data'

export type SeriesChange = 'none' | 'last' | 'append' | 'reset'

/**
 * The chart's candles for one symbol and timeframe, oldest first. Live data arrives two ways:
 * candle events (authoritative for their period) and trades (folded into the current period
 * until the feed sends candles itself). Changes report how much of the chart must be touched.
 */
export class CandleSeries {
  readonly candles: Candle[] = []
  /** Once the feed sends candles for this timeframe, trades no longer build them. */
  private candleFeed = false

  constructor(readonly timeframe: Timeframe) {}

  get oldest(): number | undefined {
    return this.candles[0]?.[0]
  }

  get last(): Candle | undefined {
    return this.candles[this.candles.length - 1]
  }

  /** Replaces everything (first load). */
  reset(candles: readonly Candle[]): void {
    this.candles.length = 0
    this.candles.push(...dedupeSorted(candles))
  }

  /** Scroll-back: older candles go in front; returns how many were new. */
  prepend(older: readonly Candle[]): number {
    const first = this.oldest ?? Number.POSITIVE_INFINITY
    const fresh = dedupeSorted(older).filter((c) => c[0] < first)
    this.candles.unshift(...fresh)
    return fresh.length
  }

  applyCandle(candle: Candle, timeframe: Timeframe): SeriesChange {
    if (timeframe !== this.timeframe) return 'none'
    this.candleFeed = true
    const last = this.last
    if (!last || candle[0] > last[0]) {
      this.candles.push([...candle])
      return 'append'
    }
    if (candle[0] === last[0]) {
      this.candles[this.candles.length - 1] = [...candle]
      return 'last'
    }
    return 'none' // an older period: history has it already
  }

  applyTrade(timestamp: number, price: number, amount: number): SeriesChange {
    if (this.candleFeed) return 'none'
    const step = TIMEFRAME_MS[this.timeframe]
    const bucket = Math.floor(timestamp / step) * step
    const last = this.last
    if (!last || bucket > last[0]) {
      // Open the new period at the previous close so the bodies join up, as exchanges draw them.
      const open = last ? last[4] : price
      this.candles.push([bucket, open, Math.max(open, price), Math.min(open, price), price, amount])
      return 'append'
    }
    if (bucket < last[0]) return 'none'
    last[2] = Math.max(last[2], price)
    last[3] = Math.min(last[3], price)
    last[4] = price
    last[5] += amount
    return 'last'
  }

  /** The start of the period containing `timestamp` (fill markers snap to their candle). */
  bucketOf(timestamp: number): number {
    const step = TIMEFRAME_MS[this.timeframe]
    return Math.floor(timestamp / step) * step
  }
}

function dedupeSorted(candles: readonly Candle[]): Candle[] {
  const byTime = new Map<number, Candle>()
  for (const c of candles) byTime.set(c[0], [...c])
  return [...byTime.values()].sort((a, b) => a[0] - b[0])
}
