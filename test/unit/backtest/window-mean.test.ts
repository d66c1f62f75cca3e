import { describe, expect, it } from 'vitest'
import { SMA } from 'trading-signals'
import { indicators } from '../../../src/core/strategy/indicators'

/** The strategies' SMA is a faster ring over the same sum as trading-signals' SMA: the same
 * doubles, so a cross decided on (near-)equal averages comes out the same. */
describe('indicators.sma', () => {
  it('gives exactly what trading-signals SMA gives, input by input', () => {
    let state = 12345
    const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32)
    for (const period of [1, 2, 3, 10, 30, 97]) {
      const ours = indicators.sma(period)
      const theirs = new SMA(period)
      let price = 100
      for (let i = 0; i < 3_000; i++) {
        // Flat runs (equal averages) and awkward decimals both appear.
        if (rand() > 0.2) price = Math.round(price * (1 + (rand() - 0.5) * 0.01) * 1e6) / 1e6
        theirs.add(price)
        const want = theirs.isStable ? (theirs.getResult() as number) : undefined
        expect(ours.update(price)).toBe(want)
        expect(ours.value).toBe(want)
      }
    }
  })

  it('refuses a non-finite input and keeps its window', () => {
    const sma = indicators.sma(2)
    sma.update(1)
    expect(() => sma.update(Number.NaN)).toThrow(/finite/)
    expect(sma.update(3)).toBe(2)
  })
})
