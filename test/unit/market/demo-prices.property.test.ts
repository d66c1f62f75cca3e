import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DemoMarket } from '../../../src/core/market/demo-market'
import { DEMO_SYMBOLS } from '../../../src/core/market/demo-symbols'
import { Candle, TIMEFRAME_MS, Timeframe } from '../../../src/shared/market-data'

const Candles = Candle.array()

const DAY = 86_400_000
const START = Date.UTC(2026, 0, 1)

/** A candle is sound when every price is > 0 and high/low bracket open and close. */
function unsound(c: readonly number[]): boolean {
  const [, o, h, l, cl, v] = c
  return !(o > 0 && h > 0 && l > 0 && cl > 0 && v >= 0 && h >= Math.max(o, cl) && l <= Math.min(o, cl))
}

describe('demo prices over any range', () => {
  it('5,000 daily candles of every symbol (the whole 14 years) are positive and well-formed', () => {
    for (const seed of [1, 7, 42, 1234]) {
      const market = new DemoMarket({ seed, startTime: START })
      for (const { symbol } of DEMO_SYMBOLS) {
        const candles = market.historicalCandles(symbol, '1d', START - 5_000 * DAY)
        expect(candles.length).toBeGreaterThanOrEqual(4_999)
        expect(candles.filter(unsound)).toEqual([])
        expect(Candles.safeParse(candles).success).toBe(true)
      }
    }
  })

  it('any seed, symbol, timeframe and window gives positive, schema-valid candles', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(...DEMO_SYMBOLS.map((s) => s.symbol)),
        fc.constantFrom(...Timeframe.options),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, symbol, timeframe, back, count) => {
          const step = TIMEFRAME_MS[timeframe]
          const market = new DemoMarket({ seed, startTime: START })
          const since = START - back * step
          const candles = market.historicalCandles(symbol, timeframe, since, since + count * step)
          return candles.every((c) => !unsound(c)) && Candles.safeParse(candles).success
        }
      ),
      { numRuns: 60 }
    )
  })
})
