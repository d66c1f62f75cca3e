/**
 * Technical indicators over a close series. Pure and allocation-light: each returns an array
 * aligned with the input where warm-up positions are `null` (chart.js leaves a gap there).
 */
export type Series = (number | null)[]

export function sma(values: readonly number[], period: number): Series {
  assertPeriod(period)
  const out: Series = new Array<number | null>(values.length).fill(null)
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    sum += values[i]
    if (i >= period) sum -= values[i - period]
    if (i >= period - 1) out[i] = sum / period
  }
  return out
}

/** Exponential moving average seeded with the SMA of the first `period` values (the usual convention). */
export function ema(values: readonly number[], period: number): Series {
  assertPeriod(period)
  const out: Series = new Array<number | null>(values.length).fill(null)
  if (values.length < period) return out
  const k = 2 / (period + 1)
  let prev = 0
  for (let i = 0; i < period; i++) prev += values[i]
  prev /= period
  out[period - 1] = prev
  for (let i = period; i < values.length; i++) {
    prev = values[i] * k + prev * (1 - k)
    out[i] = prev
  }
  return out
}

export interface Bands {
  middle: Series
  upper: Series
  lower: Series
}

/** Bollinger bands: SMA ± `mult` population standard deviations over `period`. */
export function bollinger(values: readonly number[], period = 20, mult = 2): Bands {
  const middle = sma(values, period)
  const upper: Series = new Array<number | null>(values.length).fill(null)
  const lower: Series = new Array<number | null>(values.length).fill(null)
  for (let i = period - 1; i < values.length; i++) {
    const mean = middle[i] as number
    let squares = 0
    for (let j = i - period + 1; j <= i; j++) squares += (values[j] - mean) ** 2
    const sd = Math.sqrt(squares / period)
    upper[i] = mean + mult * sd
    lower[i] = mean - mult * sd
  }
  return { middle, upper, lower }
}

/** RSI with Wilder's smoothing; the first value appears at index `period`. */
export function rsi(values: readonly number[], period = 14): Series {
  assertPeriod(period)
  const out: Series = new Array<number | null>(values.length).fill(null)
  if (values.length <= period) return out
  let gain = 0
  let loss = 0
  for (let i = 1; i <= period; i++) {
    const change = values[i] - values[i - 1]
    if (change > 0) gain += change
    else loss -= change
  }
  gain /= period
  loss /= period
  out[period] = rsiOf(gain, loss)
  for (let i = period + 1; i < values.length; i++) {
    const change = values[i] - values[i - 1]
    gain = (gain * (period - 1) + Math.max(change, 0)) / period
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period
    out[i] = rsiOf(gain, loss)
  }
  return out
}

function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100
  return 100 - 100 / (1 + gain / loss)
}

export interface Macd {
  macd: Series
  signal: Series
  histogram: Series
}

/** MACD line (fast EMA − slow EMA), its signal EMA and the histogram between them. */
export function macd(values: readonly number[], fast = 12, slow = 26, signalPeriod = 9): Macd {
  if (fast >= slow) throw new RangeError('MACD fast period must be shorter than the slow one')
  const fastEma = ema(values, fast)
  const slowEma = ema(values, slow)
  const line: Series = values.map((_, i) => (fastEma[i] === null || slowEma[i] === null ? null : (fastEma[i] as number) - (slowEma[i] as number)))
  const start = slow - 1
  const defined = line.slice(start) as number[]
  const signalTail = ema(defined, signalPeriod)
  const signal: Series = new Array<number | null>(values.length).fill(null)
  const histogram: Series = new Array<number | null>(values.length).fill(null)
  for (let i = 0; i < signalTail.length; i++) {
    const s = signalTail[i]
    if (s === null) continue
    signal[start + i] = s
    histogram[start + i] = (line[start + i] as number) - s
  }
  return { macd: line, signal, histogram }
}

function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`indicator period must be a positive integer, got ${period}`)
}
