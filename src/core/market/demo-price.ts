import type { Prng } from './prng'

/**
 * Price dynamics of the demo market: a geometric random walk whose volatility switches between
 * a calm and a volatile regime (a two-state Markov chain). Real markets cluster volatility like
 * this; a plain random walk looks too even on a chart.
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

export class PricePath {
  private logPrice: number
  regime: Regime = 'calm'

  constructor(
    startPrice: number,
    private readonly dailyVol: number,
    private readonly prng: Prng,
    private readonly regimeParams: RegimeParams = DEFAULT_REGIME
  ) {
    if (!(startPrice > 0)) throw new Error(`start price must be positive, got ${startPrice}`)
    this.logPrice = Math.log(startPrice)
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
    // Drift correction keeps the expected price flat (no slow decay of the median).
    const logReturn = sigma * this.prng.normal() - (sigma * sigma) / 2
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
