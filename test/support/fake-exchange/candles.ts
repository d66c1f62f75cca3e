/** Deterministic OHLCV for the fake exchange: any timestamp gives the same candle every time. */

export const TF_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 }
export const KRAKEN_INTERVAL_MINUTES: Record<number, string> = { 1: '1m', 5: '5m', 15: '15m', 60: '1h', 240: '4h', 1440: '1d' }

export interface OhlcvPlan {
  /** No candles before this time (the pair's listing). */
  listedSince: number
  /** Ranges [from, to] (inclusive) the exchange never has (downtime). */
  missingAlways?: [number, number][]
  /** Ranges omitted from the first response that covers them, served afterwards (a flaky page). */
  missingOnce?: [number, number][]
  now: () => number
}

export function fakeCandle(ts: number): [number, number, number, number, number, number] {
  const wave = Math.sin(ts / 3_600_000) * 500 + Math.sin(ts / 600_000) * 60
  const open = round(64_000 + wave)
  const close = round(open + Math.cos(ts / 420_000) * 25)
  return [ts, open, round(Math.max(open, close) + 12.5), round(Math.min(open, close) - 11.25), close, round(3 + Math.abs(Math.sin(ts / 777_777)) * 10)]
}

const round = (x: number) => Math.round(x * 100) / 100
const within = (ts: number, ranges: [number, number][] = []) => ranges.some(([from, to]) => ts >= from && ts <= to)

/** Candles from `since` (inclusive), at most `limit`, only those that have started by now. */
export class OhlcvBook {
  private readonly servedOnce = new Set<string>()

  constructor(private readonly plan: OhlcvPlan) {}

  page(timeframe: string, since: number, limit: number): [number, number, number, number, number, number][] {
    const step = TF_MS[timeframe]
    if (!step) throw new Error(`fake exchange: unknown timeframe ${timeframe}`)
    const out: [number, number, number, number, number, number][] = []
    let ts = Math.max(Math.ceil(since / step) * step, Math.ceil(this.plan.listedSince / step) * step)
    const now = this.plan.now()
    for (; out.length < limit && ts <= now; ts += step) {
      if (within(ts, this.plan.missingAlways)) continue
      const onceKey = `${timeframe}:${ts}`
      if (within(ts, this.plan.missingOnce) && !this.servedOnce.has(onceKey)) {
        this.servedOnce.add(onceKey) // next time it is there
        continue
      }
      out.push(fakeCandle(ts))
    }
    return out
  }
}
