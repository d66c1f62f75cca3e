import type { Candle } from '../../shared/market-data'
import { ensembleSignal, type EnsembleSignal } from './ensemble'
import { assess, type Quality } from './evaluate'
import { FeatureState } from './features'
import { IndicatorState } from './indicators'

/** Judged ensemble calls kept per series (the newest), and how often the quality is recomputed. */
const QUALITY_WINDOW = 5000
const QUALITY_EVERY = 50
const MIN_JUDGED = 100

export interface SeriesStep extends EnsembleSignal {
  time: number
  close: number
  /** The model feature row of this candle (null during warm-up). */
  features: number[] | null
}

/**
 * Everything the AI computes per series on each closed candle, pure and streaming: the
 * indicator votes and score, the model feature row, and the ensemble's own track record —
 * the sign of the score as a call on the next candle, judged like a model (hit rate, Wilson
 * interval, baselines, permutation p-value). Strategies and backtests can run it on any
 * candle sequence: feed closed candles in order, read `update`'s result and `quality`.
 */
export class SeriesSignals {
  private readonly indicators = new IndicatorState()
  private readonly features = new FeatureState()
  private readonly calls: number[] = []
  private readonly outcomes: number[] = []
  private pending: { close: number; call: number } | undefined
  private lastTime = -Infinity
  private sinceQuality = 0
  quality: Quality | null = null

  /** Null for a candle not newer than the last one (a replay or a duplicate). */
  update(candle: Candle): SeriesStep | null {
    const [time, , , , close] = candle
    if (time <= this.lastTime) return null
    this.lastTime = time
    this.judge(close)
    const signal = ensembleSignal(this.indicators.update(candle))
    const features = this.features.update(candle)
    this.pending = signal.score === 0 ? undefined : { close, call: signal.score > 0 ? 1 : 0 }
    return { ...signal, time, close, features }
  }

  /** Feeds history in order; returns the last step. */
  warm(candles: readonly Candle[]): SeriesStep | null {
    let last: SeriesStep | null = null
    for (const c of candles) last = this.update(c) ?? last
    this.refreshQuality()
    return last
  }

  private judge(close: number): void {
    if (!this.pending || close === this.pending.close) return
    this.calls.push(this.pending.call)
    this.outcomes.push(close > this.pending.close ? 1 : 0)
    if (this.calls.length > QUALITY_WINDOW) {
      this.calls.shift()
      this.outcomes.shift()
    }
    if (++this.sinceQuality >= QUALITY_EVERY) this.refreshQuality()
  }

  private refreshQuality(): void {
    this.sinceQuality = 0
    if (this.calls.length >= MIN_JUDGED) this.quality = assess(this.calls, this.outcomes, { horizon: 1, rounds: 199 })
  }
}
