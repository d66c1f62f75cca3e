import { BollingerBands, EMA, RSI } from 'trading-signals'
import type { StrategyIndicators, StreamingIndicator } from './contract'

/**
 * StrategyIndicators over trading-signals (streaming: O(1) per update, no history re-scan).
 * Values are undefined until the indicator is stable: SMA and Bollinger after `period`
 * inputs, EMA after `period` inputs (seeded with the first price), RSI (Wilder) after
 * `period + 1` inputs.
 */

interface Series {
  add(value: number): unknown
  readonly isStable: boolean
  getResult(): unknown
}

function positivePeriod(name: string, period: number): number {
  if (!Number.isInteger(period) || period < 1 || period > 100_000) throw new RangeError(`${name}: period must be a whole number from 1 to 100000 (got ${period})`)
  return period
}

/** The input itself, or a RangeError naming it: every indicator refuses NaN and ±Infinity. */
export function finiteInput(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`indicator input must be a finite number (got ${String(value)})`)
  return value
}

function streaming(series: Series): StreamingIndicator {
  let value: number | undefined
  return {
    update(input: number) {
      series.add(finiteInput(input))
      value = series.isStable ? (series.getResult() as number) : undefined
      return value
    },
    get value() {
      return value
    }
  }
}

/**
 * The mean of the last `period` inputs, bit for bit what trading-signals' SMA gives (it sums its
 * window oldest first from 0 on every update, and so does this), on a ring of doubles instead of
 * an array that shifts: no allocation per update, a tight loop. A running sum would be O(1) but
 * drift from that sum in the last bits, and a cross decided on equal averages would then differ.
 */
export class WindowMean implements StreamingIndicator {
  private readonly ring: Float64Array
  private next = 0
  private count = 0
  // A number from the start (with a flag for "none yet"): a field that began as undefined holds
  // each new double in a fresh heap box, one allocation per update.
  private latest = 0
  private ready = false

  constructor(private readonly period: number) {
    this.ring = new Float64Array(period)
  }

  update(input: number): number | undefined {
    const ring = this.ring
    const period = this.period
    ring[this.next] = finiteInput(input)
    this.next = this.next + 1 === period ? 0 : this.next + 1
    if (this.count < period && ++this.count < period) return undefined
    // `next` is now the oldest input.
    let sum = 0
    for (let k = this.next; k < period; k++) sum += ring[k]
    for (let k = 0; k < this.next; k++) sum += ring[k]
    this.latest = sum / period
    this.ready = true
    return this.latest
  }

  get value(): number | undefined {
    return this.ready ? this.latest : undefined
  }
}

export const indicators: StrategyIndicators = {
  sma: (period) => new WindowMean(positivePeriod('sma', period)),
  ema: (period) => streaming(new EMA(positivePeriod('ema', period))),
  rsi: (period) => streaming(new RSI(positivePeriod('rsi', period))),
  bollinger(period, deviation = 2) {
    if (!Number.isFinite(deviation) || deviation <= 0) throw new RangeError(`bollinger: deviation must be a positive number (got ${deviation})`)
    const bands = new BollingerBands(positivePeriod('bollinger', period), deviation)
    return {
      update(input: number) {
        bands.add(finiteInput(input))
        const result = bands.isStable ? bands.getResult() : null
        return result ? { upper: result.upper, middle: result.middle, lower: result.lower } : undefined
      }
    }
  }
}
