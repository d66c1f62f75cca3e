import type { Candle } from '../../shared/market-data'
import { IndicatorState } from './indicators'

export const RETURN_HORIZONS = [1, 3, 6, 12, 24] as const
export const VOLATILITY_WINDOWS = [12, 48] as const

export const FEATURE_NAMES: readonly string[] = [
  ...RETURN_HORIZONS.map((h) => `ret_${h}`),
  ...VOLATILITY_WINDOWS.map((w) => `vol_${w}`),
  'rsi',
  'macd_hist',
  'bb_position',
  'ema_trend',
  'close_vs_ema26',
  'volume_z',
  'range',
  'hour_sin',
  'hour_cos'
]

/** Candles a series needs before its first feature row (the longest look-back, plus one). */
export const FEATURE_WARMUP = Math.max(...RETURN_HORIZONS, ...VOLATILITY_WINDOWS, 26) + 1
const DAY_MS = 86_400_000

/**
 * Features of each closed candle, computed in one streaming pass: the same code builds the
 * training matrix from history and the live row on every new candle, so training and
 * inference cannot drift apart. Everything is scale-free (returns, ratios, z-scores).
 */
export class FeatureState {
  private readonly indicators = new IndicatorState()
  private readonly closes: number[] = []
  private readonly logReturns: number[] = []

  /** The feature row for this candle, or null during warm-up. */
  update(candle: Candle): number[] | null {
    const [time, , high, low, close] = candle
    const v = this.indicators.update(candle)
    const previous = this.closes.at(-1)
    if (previous !== undefined) push(this.logReturns, Math.log(close / previous), FEATURE_WARMUP)
    push(this.closes, close, FEATURE_WARMUP)
    if (this.closes.length < FEATURE_WARMUP || v.rsi === null || v.macdHistogram === null || !v.bollinger || v.emaFast === null || v.emaSlow === null || v.volumeZ === null) return null
    const n = this.closes.length
    const width = v.bollinger.upper - v.bollinger.lower
    const angle = (2 * Math.PI * (((time % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS
    return [
      ...RETURN_HORIZONS.map((h) => Math.log(close / this.closes[n - 1 - h]!)),
      ...VOLATILITY_WINDOWS.map((w) => stdev(this.logReturns, w)),
      (v.rsi - 50) / 50,
      v.macdHistogram / close,
      width > 0 ? (close - v.bollinger.middle) / (width / 2) : 0,
      v.emaFast / v.emaSlow - 1,
      close / v.emaSlow - 1,
      clamp(v.volumeZ, -10, 10),
      (high - low) / close,
      Math.sin(angle),
      Math.cos(angle)
    ]
  }
}

export interface FeatureMatrix {
  names: readonly string[]
  /** One row per candle from the first warm candle on. */
  rows: number[][]
  /** Index into the candle array of each row. */
  index: number[]
}

export function buildFeatures(candles: readonly Candle[]): FeatureMatrix {
  const state = new FeatureState()
  const rows: number[][] = []
  const index: number[] = []
  candles.forEach((c, i) => {
    const row = state.update(c)
    if (row) {
      rows.push(row)
      index.push(i)
    }
  })
  return { names: FEATURE_NAMES, rows, index }
}

function push(buffer: number[], value: number, capacity: number): void {
  buffer.push(value)
  if (buffer.length > capacity) buffer.shift()
}

function stdev(values: readonly number[], window: number): number {
  const slice = values.slice(-window)
  const mean = slice.reduce((s, v) => s + v, 0) / slice.length
  return Math.sqrt(slice.reduce((s, v) => s + (v - mean) ** 2, 0) / slice.length)
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))
