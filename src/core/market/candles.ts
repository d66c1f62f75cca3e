import type { Candle, Timeframe, Trade } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'

/** Candle arithmetic: bucketing, rolling up, merging series, finding holes. */

export const bucketStart = (timestamp: number, timeframe: Timeframe): number =>
  Math.floor(timestamp / TIMEFRAME_MS[timeframe]) * TIMEFRAME_MS[timeframe]

/** How many candles of `timeframe` start in [since, until): what a complete series holds. */
export function expectedCandles(timeframe: Timeframe, since: number, until: number): number {
  const step = TIMEFRAME_MS[timeframe]
  return Math.max(0, Math.ceil(until / step) - Math.ceil(since / step))
}

/** Rolls candles (any finer, sorted resolution) up into `timeframe` buckets. */
export function rollUpCandles(candles: readonly Candle[], timeframe: Timeframe): Candle[] {
  const out: Candle[] = []
  for (const [ts, open, high, low, close, volume] of candles) {
    const bucket = bucketStart(ts, timeframe)
    const last = out[out.length - 1]
    if (last && last[0] === bucket) {
      last[2] = Math.max(last[2], high)
      last[3] = Math.min(last[3], low)
      last[4] = close
      last[5] += volume
    } else {
      out.push([bucket, open, high, low, close, volume])
    }
  }
  return out
}

/**
 * Merges candle series by timestamp; on a clash the later series wins (fresher data replaces
 * what was stored). Output is sorted and free of duplicates.
 */
export function mergeCandles(...series: readonly (readonly Candle[])[]): Candle[] {
  const byTime = new Map<number, Candle>()
  for (const list of series) for (const candle of list) byTime.set(candle[0], candle)
  return [...byTime.values()].sort((a, b) => a[0] - b[0])
}

export interface CandleGap {
  /** First missing candle's timestamp. */
  from: number
  /** Last missing candle's timestamp (inclusive). */
  to: number
  missing: number
}

/**
 * Missing candles in [since, until) for a sorted series. Candles outside the range are ignored;
 * an empty series over the range is one gap covering all of it.
 */
export function findGaps(candles: readonly Candle[], timeframe: Timeframe, since: number, until: number): CandleGap[] {
  const times = candles.map((c) => c[0])
  return findGapsInTimes(times, timeframe, since, until)
}

/** findGaps over the candles' timestamps alone (sorted). */
export function findGapsInTimes(times: readonly number[], timeframe: Timeframe, since: number, until: number): CandleGap[] {
  const step = TIMEFRAME_MS[timeframe]
  const gaps: CandleGap[] = []
  let expected = Math.ceil(since / step) * step
  const pushGap = (nextPresent: number) => {
    if (nextPresent > expected) {
      const to = nextPresent - step
      gaps.push({ from: expected, to, missing: (to - expected) / step + 1 })
    }
  }
  for (const ts of times) {
    if (ts < expected) continue
    if (ts >= until) break
    pushGap(ts)
    expected = ts + step
  }
  pushGap(Math.ceil(until / step) * step)
  return gaps
}

/**
 * Builds candles from a trade stream for one symbol and timeframe. `add` returns the candles
 * that changed: the current one (open) and, when a trade starts a new period, the one it closed.
 */
export class CandleAggregator {
  private current: Candle | undefined

  constructor(
    readonly timeframe: Timeframe,
    /** A partial candle to continue (e.g. the last history candle of the current period). */
    seed?: Candle
  ) {
    this.current = seed ? [...seed] : undefined
  }

  add(trade: Pick<Trade, 'timestamp' | 'price' | 'amount'>): { closed?: Candle; open: Candle } {
    const bucket = bucketStart(trade.timestamp, this.timeframe)
    const current = this.current
    if (current && bucket < current[0]) {
      // A late trade for a period already closed: fold into nothing rather than reopen it.
      return { open: [...current] }
    }
    if (current && current[0] === bucket) {
      current[2] = Math.max(current[2], trade.price)
      current[3] = Math.min(current[3], trade.price)
      current[4] = trade.price
      current[5] += trade.amount
      return { open: [...current] }
    }
    const closed = current ? ([...current] as Candle) : undefined
    this.current = [bucket, trade.price, trade.price, trade.price, trade.price, trade.amount]
    return { closed, open: [...this.current] }
  }

  /** Closes the current candle when the clock passes its end with no trade. */
  closeIfDue(now: number): Candle | undefined {
    const current = this.current
    if (!current || now < current[0] + TIMEFRAME_MS[this.timeframe]) return undefined
    this.current = undefined
    return [...current]
  }

  get openCandle(): Candle | undefined {
    return this.current ? [...this.current] : undefined
  }
}

/** The timeframe of a series from its smallest spacing; undefined if it matches none. */
export function inferTimeframe(candles: readonly Candle[]): Timeframe | undefined {
  let spacing = Infinity
  for (let i = 1; i < candles.length; i++) spacing = Math.min(spacing, candles[i][0] - candles[i - 1][0])
  const entries = Object.entries(TIMEFRAME_MS) as [Timeframe, number][]
  return entries.find(([, ms]) => ms === spacing)?.[0]
}
