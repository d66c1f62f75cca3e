import type { Prng } from './prng'

/**
 * Price dynamics of the demo market: a geometric random walk whose volatility switches between
 * a calm and a volatile regime (a two-state Markov chain). Real markets cluster volatility like
 * this; a plain random walk looks too even on a chart.
 *
 * The log price is pulled gently towards the start price (an Ornstein-Uhlenbeck walk with a
 * months-long time constant): invisible over minutes or days, but over the 14 years of demo
 * history it keeps the price within about one order of magnitude of its start, where a free
 * walk's volatility drag would take it down to the tick (and a rounded price to 0).
 */

export type Regime = 'calm' | 'volatile'

export interface RegimeParams {
  /** Volatility multiplier in the volatile regime. */
  volatileMultiplier: number
  /** Mean time spent in each regime before switching, seconds. */
  meanCalmSeconds: number
  meanVolatileSeconds: number
}

export const DEFAULT_REGIME: RegimeParams = {
  volatileMultiplier: 3,
  meanCalmSeconds: 1_800,
  meanVolatileSeconds: 300
}

const SECONDS_PER_DAY = 86_400
/** Time constant of the pull towards the start price. */
export const MEAN_REVERSION_SECONDS = 180 * SECONDS_PER_DAY

export class PricePath {
  private logPrice: number
  private readonly homeLogPrice: number
  regime: Regime = 'calm'

  constructor(
    startPrice: number,
    private readonly dailyVol: number,
    private readonly prng: Prng,
    private readonly regimeParams: RegimeParams = DEFAULT_REGIME
  ) {
    if (!(startPrice > 0)) throw new Error(`start price must be positive, got ${startPrice}`)
    this.logPrice = Math.log(startPrice)
    this.homeLogPrice = this.logPrice
  }

  get price(): number {
    return Math.exp(this.logPrice)
  }

  /** Current volatility per √second. */
  get sigmaPerSqrtSecond(): number {
    const multiplier = this.regime === 'volatile' ? this.regimeParams.volatileMultiplier : 1
    return (this.dailyVol * multiplier) / Math.sqrt(SECONDS_PER_DAY)
  }

  /** Moves the price by one step of `dtSeconds`; returns the log return. */
  step(dtSeconds: number): number {
    this.maybeSwitchRegime(dtSeconds)
    const sigma = this.sigmaPerSqrtSecond * Math.sqrt(dtSeconds)
    // The pull replaces a drift correction: it keeps the median near the start at any horizon.
    const pull = -(this.logPrice - this.homeLogPrice) * Math.min(1, dtSeconds / MEAN_REVERSION_SECONDS)
    const logReturn = sigma * this.prng.normal() + pull
    this.logPrice += logReturn
    return logReturn
  }

  private maybeSwitchRegime(dtSeconds: number): void {
    const mean = this.regime === 'calm' ? this.regimeParams.meanCalmSeconds : this.regimeParams.meanVolatileSeconds
    if (this.prng.chance(1 - Math.exp(-dtSeconds / mean))) {
      this.regime = this.regime === 'calm' ? 'volatile' : 'calm'
    }
  }
}
