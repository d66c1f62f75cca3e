import { describe, expect, it } from 'vitest'
import { BUILTIN_STRATEGIES, builtinStrategy } from '../../../src/core/strategy/builtins'
import { validateDefinition } from '../../../src/core/strategy/validate'
import { candlesFrom, runOnCandles } from './tiny-context'

// Each reference below is worked out by hand in the comments, independently of the indicator
// library: the strategy must place exactly those orders on exactly those candles.

describe('built-in strategies', () => {
  it('are all valid definitions, registered by id', () => {
    expect(Object.keys(BUILTIN_STRATEGIES).sort()).toEqual(['bollinger-breakout', 'dca', 'rsi-reversion', 'sma-cross'])
    for (const def of Object.values(BUILTIN_STRATEGIES)) expect(validateDefinition(def)).toEqual([])
    expect(builtinStrategy('nope')).toBeUndefined()
    expect(builtinStrategy('toString')).toBeUndefined()
  })

  it('SMA cross (fast 2, slow 3) buys on the cross up and sells on the cross down', async () => {
    // warmup 10,10,10: fast 10 = slow 10 → not above.
    // i3 11: fast 10.5 > slow 10.33 → cross up → buy   i4..i6 stay above (11.5>11, 12.5>12, 12.5>12.33)
    // i7 10: fast 11 < slow 11.67 → cross down → sell   i8, i9 below (9.5<10.33, 9<9.33)
    // i10 11: fast 10 > slow 9.67 → buy                  i11 above (12>11)
    const candles = candlesFrom([10, 10, 10, 11, 12, 13, 12, 10, 9, 9, 11, 13])
    const run = await runOnCandles(builtinStrategy('sma-cross')!, { candles, warmup: 3, params: { fast: 2, slow: 3, amount: 0.5 } })
    expect(run.orders.map((o) => [o.candle, o.side, o.amount])).toEqual([
      [3, 'buy', 0.5],
      [7, 'sell', 0.5],
      [10, 'buy', 0.5]
    ])
  })

  it('SMA cross refuses fast >= slow', async () => {
    const candles = candlesFrom([1, 2, 3, 4])
    await expect(runOnCandles(builtinStrategy('sma-cross')!, { candles, warmup: 0, params: { fast: 5, slow: 5 } })).rejects.toThrow(/fast must be shorter/)
  })

  it('RSI mean reversion (period 2, 30/70) buys oversold and sells overbought', async () => {
    // Wilder: first avg = mean of 2 changes, then avg += (x − avg) / 2.
    // closes 10, 11 (warmup) → c2 12: gains 1,1 losses 0,0 → RSI 100 (flat: nothing to sell)
    // c3 11: g .5 l .5 → 50      c4 9: g .25 l 1.25 → 16.7 < 30 → buy
    // c5 8: g .125 l 1.125 → 10 (already long)   c6 10: g 1.0625 l .5625 → 65.4
    // c7 12: g 1.53125 l .28125 → 84.5 > 70 → sell   c8 13: g 1.265625 l .140625 → 90 (flat)
    const candles = candlesFrom([10, 11, 12, 11, 9, 8, 10, 12, 13])
    const run = await runOnCandles(builtinStrategy('rsi-reversion')!, { candles, warmup: 2, params: { period: 2, oversold: 30, overbought: 70, amount: 1 } })
    expect(run.orders.map((o) => [o.candle, o.side, o.amount])).toEqual([
      [4, 'buy', 1],
      [7, 'sell', 1]
    ])
  })

  it('Bollinger breakout (period 3, 1 sd) buys above the upper band and sells below the middle', async () => {
    // population sd over the last 3 closes, current included
    // c2 10: [10,10,10] m 10 sd 0 → 10 is not above 10        c3 13: m 11 sd 1.414 up 12.41 → buy
    // c4 14: m 12.33 sd 1.70 up 14.03 → hold                    c5 12: m 13 → 12 < 13 → sell
    // c6 12: m 12.67 → below middle but flat                    c7 15: m 13 sd 1.414 up 14.41 → buy
    const candles = candlesFrom([10, 10, 10, 13, 14, 12, 12, 15])
    const run = await runOnCandles(builtinStrategy('bollinger-breakout')!, { candles, warmup: 2, params: { period: 3, deviation: 1, amount: 2 } })
    expect(run.orders.map((o) => [o.candle, o.side, o.amount])).toEqual([
      [3, 'buy', 2],
      [5, 'sell', 2],
      [7, 'buy', 2]
    ])
  })

  it('DCA buys every N candles up to maxBuys, and a restart from its state neither repeats nor skips', async () => {
    const candles = candlesFrom([5, 6, 7, 8, 9, 10, 11, 12])
    const params = { everyCandles: 2, amount: 0.25, maxBuys: 3 }
    const whole = await runOnCandles(builtinStrategy('dca')!, { candles, warmup: 0, params })
    // candles 0, 2, 4; then maxBuys is reached
    expect(whole.orders.map((o) => [o.candle, o.side, o.amount, o.price])).toEqual([
      [0, 'buy', 0.25, 5],
      [2, 'buy', 0.25, 7],
      [4, 'buy', 0.25, 9]
    ])
    // The same run cut after candle 2 and resumed from the persisted state (JSON round trip).
    const first = await runOnCandles(builtinStrategy('dca')!, { candles: candles.slice(0, 3), warmup: 0, params })
    const second = await runOnCandles(builtinStrategy('dca')!, { candles, warmup: 3, params, state: JSON.parse(JSON.stringify(first.state)) })
    expect([...first.orders, ...second.orders].map((o) => o.candle)).toEqual([0, 2, 4])
  })
})
