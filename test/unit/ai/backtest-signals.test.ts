import { describe, expect, it } from 'vitest'
import type { Candle } from '../../../src/shared/market-data'
import type { StrategyDefinition, StrategySignals } from '../../../src/core/strategy/contract'
import { backtest } from '../backtest/harness'
import { walkCandles } from '../backtest/fixtures'

// ctx.signals in a backtest: the indicator ensemble over the backtest's own closed candles,
// never a later candle's, the same on every run, and only paid for by strategies that read it.

function recorder(seen: Array<{ candle: number; signals: StrategySignals | undefined }>): StrategyDefinition {
  return {
    name: 'record-signals',
    onCandle(ctx, candle) {
      seen.push({ candle: candle.time, signals: ctx.signals })
      const s = ctx.signals
      if (s && s.score > 0.5 && ctx.position.amount === 0) void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 1 })
      else if (s && s.score < -0.5 && ctx.position.amount > 0) void ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: ctx.position.amount })
    }
  }
}

/** EMA 12 over 26 of the closes, as a plain loop (seeded with the first close: the seed is long forgotten by candle 300). */
function emaTrend(candles: Candle[]): number[] {
  const out: number[] = []
  let fast = candles[0]![4]
  let slow = fast
  for (const c of candles) {
    fast += (2 / 13) * (c[4] - fast)
    slow += (2 / 27) * (c[4] - slow)
    out.push(fast / slow - 1)
  }
  return out
}

describe('ctx.signals in a backtest', () => {
  const candles = walkCandles(1500, 11)

  it('is the signal on the candle being seen, with the EMA trend vote a plain loop computes', async () => {
    const seen: Array<{ candle: number; signals: StrategySignals | undefined }> = []
    await backtest(recorder(seen), candles)
    expect(seen).toHaveLength(candles.length)
    const trend = emaTrend(candles)
    let compared = 0
    seen.forEach(({ candle, signals }, i) => {
      expect(signals, `candle ${i}`).toBeDefined()
      expect(signals!.time).toBe(candle)
      expect(signals!.close).toBe(candles[i]![4])
      expect(signals!.models).toEqual([])
      expect(signals!.score).toBeGreaterThanOrEqual(-1)
      expect(signals!.score).toBeLessThanOrEqual(1)
      const vote = signals!.votes.find((v) => v.rule === 'emaTrend')!
      if (i >= 300 && Math.abs(trend[i]!) > 1e-6) {
        expect(vote.vote, `emaTrend at ${i}`).toBe(Math.sign(trend[i]!))
        compared++
      }
    })
    expect(compared).toBeGreaterThan(1000)
    // The ensemble's own record appears once enough calls are judged.
    expect(seen.at(-1)!.signals!.ensembleQuality?.n).toBeGreaterThan(100)
  })

  it('never looks ahead: changing later candles leaves earlier signals as they were', async () => {
    const a: Array<{ candle: number; signals: StrategySignals | undefined }> = []
    const b: Array<{ candle: number; signals: StrategySignals | undefined }> = []
    const cut = 900
    const altered = candles.map((c, i): Candle => (i <= cut ? c : [c[0], c[1] * 2, c[2] * 2, c[3] * 2, c[4] * 2, c[5] * 5]))
    await backtest(recorder(a), candles)
    await backtest(recorder(b), altered)
    expect(b.slice(0, cut + 1)).toEqual(a.slice(0, cut + 1))
    expect(b[cut + 1]).not.toEqual(a[cut + 1])
  })

  it('is deterministic: the same candles give the same signals and the same trades', async () => {
    const a: Array<{ candle: number; signals: StrategySignals | undefined }> = []
    const b: Array<{ candle: number; signals: StrategySignals | undefined }> = []
    const ra = await backtest(recorder(a), candles)
    const rb = await backtest(recorder(b), candles)
    expect(b).toEqual(a)
    expect(rb.trades).toEqual(ra.trades)
    expect(ra.trades.length).toBeGreaterThan(0)
  })
})
