import type { Candle, Timeframe } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'
import { rollUpCandles } from './candles'
import { PricePath } from './demo-price'
import type { DemoSymbolSpec } from './demo-symbols'
import { Prng, hashString } from './prng'
import { roundToTick } from './ticks'

const MINUTE = 60_000
const HOUR = 3_600_000
/** Minute-resolution history reaches this far back; beyond it history is hourly. */
const MINUTE_HISTORY_MS = 30 * 86_400_000
/** Hourly history reaches this far back (enough for 5,000 daily candles). */
const HOUR_HISTORY_MS = 14 * 365 * 86_400_000

/**
 * Candles walked backwards from an anchor (time, price): the candle ending at the anchor closes
 * at the anchor price, so history joins the live market without a jump. Extended lazily and
 * cached; deterministic for (seed, symbol, anchor).
 */
class BackwardCandles {
  /** Oldest first once reversed on read; stored newest first while extending. */
  private readonly newestFirst: Candle[] = []
  private readonly path: PricePath
  private readonly prng: Prng

  constructor(
    private readonly anchorTime: number,
    private readonly anchorPrice: number,
    private readonly stepMs: number,
    private readonly oldestAllowed: number,
    private readonly spec: DemoSymbolSpec,
    seed: number
  ) {
    this.prng = new Prng(seed)
    this.path = new PricePath(anchorPrice, spec.dailyVol, this.prng.fork(1))
  }

  /** The oldest time generated so far (the anchor before any extension). */
  get oldestTime(): number {
    const last = this.newestFirst[this.newestFirst.length - 1]
    return last ? last[0] : this.anchorTime
  }

  get oldestOpen(): number {
    const last = this.newestFirst[this.newestFirst.length - 1]
    return last ? last[1] : this.anchorPrice
  }

  /** Candles with timestamps in [since, until), oldest first. */
  range(since: number, until: number): Candle[] {
    this.extendTo(since)
    const out: Candle[] = []
    for (let i = this.oldestIndexFrom(since); i >= 0; i--) {
      const candle = this.newestFirst[i]
      if (candle[0] >= until) break
      out.push(candle)
    }
    return out
  }

  /** The index of the oldest candle at or after `since` (newestFirst runs newest to oldest); -1 if none. */
  private oldestIndexFrom(since: number): number {
    let lo = 0
    let hi = this.newestFirst.length // answer in [lo - 1, hi - 1]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.newestFirst[mid][0] >= since) lo = mid + 1
      else hi = mid
    }
    return lo - 1
  }

  /**
   * Walks the path back towards `since` (never past the oldest allowed time), at most `budget`
   * steps; true once it is there. A budget lets callers generate years of candles in slices.
   */
  extendTo(since: number, budget = Infinity): boolean {
    const target = Math.max(since, this.oldestAllowed)
    const stepSeconds = this.stepMs / 1000
    const tick = this.spec.priceTick
    const volumePerStep = (this.spec.medianTradeNotional * this.spec.tradesPerSecond * stepSeconds) / this.spec.startPrice
    for (let steps = 0; this.oldestTime - this.stepMs >= target; steps++) {
      if (steps >= budget) return false
      const ts = this.oldestTime - this.stepMs
      const close = this.path.price
      const sigma = this.path.sigmaPerSqrtSecond * Math.sqrt(stepSeconds)
      this.path.step(stepSeconds)
      const open = this.path.price
      const wickUp = Math.exp(Math.abs(this.prng.normal()) * sigma * 0.6)
      const wickDown = Math.exp(Math.abs(this.prng.normal()) * sigma * 0.6)
      // Every price is at least one tick: a rounded price is never 0, and high/low bracket o/c.
      const o = Math.max(tick, roundToTick(open, tick))
      const c = Math.max(tick, roundToTick(close, tick))
      const high = Math.max(o, c, roundToTick(Math.max(open, close) * wickUp, tick))
      const low = Math.max(tick, Math.min(o, c, roundToTick(Math.min(open, close) / wickDown, tick)))
      const volumeScale = this.path.regime === 'volatile' ? 2.5 : 1
      const volume = Number(this.prng.logNormal(volumePerStep * volumeScale, 0.5).toFixed(6))
      this.newestFirst.push([ts, o, high, low, c, volume])
    }
    return true
  }
}

/**
 * Deterministic demo history for one symbol, ending at `startTime` at the symbol's start price:
 * minute candles for the last 30 days (so every timeframe rolls up from the same path and they
 * agree), hourly candles before that.
 */
export class DemoHistory {
  private readonly minutes: BackwardCandles
  private hours: BackwardCandles | undefined
  private readonly boundary: number

  constructor(
    private readonly spec: DemoSymbolSpec,
    private readonly seed: number,
    startTime: number
  ) {
    const anchor = Math.floor(startTime / MINUTE) * MINUTE
    // Hour-aligned so hourly and minute candles never share an hour bucket.
    this.boundary = Math.floor((anchor - MINUTE_HISTORY_MS) / HOUR) * HOUR
    this.minutes = new BackwardCandles(anchor, spec.startPrice, MINUTE, this.boundary, spec, this.subSeed('1m'))
  }

  /** The oldest candle time the demo has for `timeframe` (minute data is kept 30 days, hourly 14 years). */
  earliest(timeframe: Timeframe): number {
    const step = TIMEFRAME_MS[timeframe]
    const oldest = step >= HOUR ? this.boundary - HOUR_HISTORY_MS : this.boundary
    return Math.ceil(oldest / step) * step
  }

  /**
   * Generates the path back to `since` for `timeframe`, at most `budget` steps per call; true
   * once done. Years of history take ~100k steps: callers slice them between event-loop turns.
   */
  prepare(timeframe: Timeframe, since: number, budget: number): boolean {
    const step = TIMEFRAME_MS[timeframe]
    if (!this.minutes.extendTo(Math.max(since, this.boundary), budget)) return false
    if (since >= this.boundary || step < HOUR) return true
    return this.hourly().extendTo(since, budget)
  }

  /** Candles of `timeframe` with timestamps in [since, until), oldest first. */
  candles(timeframe: Timeframe, since: number, until: number): Candle[] {
    const step = TIMEFRAME_MS[timeframe]
    const from = Math.floor(since / step) * step
    const recent = this.minutes.range(Math.max(from, this.boundary), until)
    const older = from < this.boundary && step >= HOUR ? this.hourly().range(from, Math.min(until, this.boundary)) : []
    return rollUpCandles([...older, ...recent], timeframe).filter((c) => c[0] >= since && c[0] < until)
  }

  private hourly(): BackwardCandles {
    if (!this.hours) {
      // The hourly path continues from where the minute path ends (its oldest open).
      this.minutes.range(this.boundary, this.boundary + MINUTE)
      this.hours = new BackwardCandles(
        this.boundary,
        this.minutes.oldestOpen,
        HOUR,
        this.boundary - HOUR_HISTORY_MS,
        this.spec,
        this.subSeed('1h')
      )
    }
    return this.hours
  }

  private subSeed(label: string): number {
    return (hashString(`${this.spec.symbol}|${label}`) ^ Math.imul(this.seed, 0x9e3779b1)) >>> 0
  }
}
