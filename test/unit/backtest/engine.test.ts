import { describe, expect, it } from 'vitest'
import type { StrategyDefinition } from '../../../src/core/strategy/contract'
import type { Fill } from '../../../src/shared/trading'
import { backtest, bar, MINUTE, T0 } from './harness'

/** A bracket buy at the first candle's close (→ entry at the second open): stop-loss 95, take-profit 105. */
const bracket: StrategyDefinition = {
  name: 'bracket',
  onCandle(ctx) {
    if (ctx.state.entered) return
    ctx.state.entered = true
    void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'bracket', amount: 10, bracket: { stopLoss: 95, takeProfit: 105 } })
  }
}

// Candle 1 opens at 100 (the entry), candle 2 reaches both 94 and 106: which exit fills depends on the path.
const candles = [bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 100, 106, 94, 101), bar(3, 101, 101, 101, 101)]

describe('intrabar order', () => {
  it('pessimistic (long): the low comes first, so the stop fills at its trigger and the target is cancelled', async () => {
    const report = await backtest(bracket, candles, { fill: 'next-open', fee: 0 })
    expect(report.trades).toHaveLength(1)
    const [trade] = report.trades
    expect(trade.entryPrice).toBe(100)
    expect(trade.exitPrice).toBe(95)
    expect(trade.pnl).toBeCloseTo(-50, 9)
    // The stop triggered on the way down to 94, between candle 2's open and its low (first third of the minute).
    expect(trade.exitTime).toBeGreaterThan(T0 + 2 * MINUTE)
    expect(trade.exitTime).toBeLessThan(T0 + 2 * MINUTE + MINUTE / 3)
  })

  it('high-first: the target fills at its limit price before the low is reached', async () => {
    const sellLimitAndStop = await backtest(bracket, candles, { fill: 'next-open', fee: 0, intrabar: 'high-first' })
    const [trade] = sellLimitAndStop.trades
    expect(trade.exitPrice).toBe(105)
    expect(trade.pnl).toBeCloseTo(50, 9)
    expect(sellLimitAndStop.trades).toHaveLength(1)
  })

  it('direction: a rising candle (close ≥ open) goes to its low first', async () => {
    const report = await backtest(bracket, candles, { fill: 'next-open', fee: 0, intrabar: 'direction' })
    expect(report.trades[0].exitPrice).toBe(95)
  })

  it('a gap through the stop fills at the open, not at the trigger', async () => {
    const gapDown = [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100), bar(2, 90, 91, 89, 90), bar(3, 90, 90, 90, 90)]
    const report = await backtest(bracket, gapDown, { fill: 'next-open', fee: 0 })
    expect(report.trades[0].exitPrice).toBe(90)
  })
})

describe('fills', () => {
  it('an order decided at a close fills at the next open; the strategy only ever sees closed candles', async () => {
    const seen: { candle: number; visible: number[]; now: number }[] = []
    const fills: Fill[] = []
    const report = await backtest(
      {
        name: 'probe',
        onCandle(ctx, candle) {
          seen.push({ candle: candle.time, visible: ctx.candles(10).map((c) => c.time), now: ctx.now() })
          if (seen.length === 2) void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 1 })
        },
        onFill(_ctx, fill) {
          fills.push(fill)
        }
      },
      [bar(0, 100, 101, 99, 100), bar(1, 100, 102, 99, 101), bar(2, 103, 104, 102, 103), bar(3, 103, 103, 103, 103)],
      { fill: 'next-open', fee: 0.001 }
    )
    expect(seen[1]).toEqual({ candle: T0 + MINUTE, visible: [T0, T0 + MINUTE], now: T0 + 2 * MINUTE })
    expect(fills).toHaveLength(1)
    expect(fills[0]).toMatchObject({ price: 103, amount: 1, timestamp: T0 + 2 * MINUTE, fee: 0.103 })
    // Open at the end, marked at the last close 103: value 103 − cost 103 − fee 0.103.
    expect(report.openTrades).toEqual([
      { entryTime: T0 + 2 * MINUTE, entryPrice: 103, size: 1, markPrice: 103, unrealizedPnl: -0.103, returnPct: (-0.103 / 103.103) * 100, fees: 0.103 }
    ])
    expect(report.metrics.endEquity).toBeCloseTo(10_000 - 0.103, 9)
  })

  it('an async strategy awaiting its order resumes at the next open with the filled order', async () => {
    const statuses: string[] = []
    await backtest(
      {
        name: 'awaits',
        async onCandle(ctx) {
          if (ctx.state.done) return
          ctx.state.done = true
          const order = await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 2 })
          statuses.push(`${order.status} ${order.avgFillPrice} at ${ctx.now() - T0}`)
          const exit = await ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: 2 })
          statuses.push(`${exit.status} ${exit.avgFillPrice} at ${ctx.now() - T0}`)
        }
      },
      [bar(0, 100, 100, 100, 100), bar(1, 110, 110, 110, 110), bar(2, 120, 120, 120, 120)],
      { fill: 'next-open' }
    )
    // Both orders execute at the same instant (the next open), the second right after the first was acknowledged.
    expect(statuses).toEqual([`filled 110 at ${MINUTE}`, `filled 110 at ${MINUTE}`])
  })

  it('a refused order rejects the promise with the engine reason and is listed in the report', async () => {
    let reason = ''
    const report = await backtest(
      {
        name: 'too-big',
        async onCandle(ctx) {
          if (ctx.state.tried) return
          ctx.state.tried = true
          await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 1_000 }).catch((err: Error) => (reason = err.message))
        }
      },
      [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100)],
      { fill: 'next-open' }
    )
    expect(reason).toMatch(/insufficient balance: need 100100 USDT/)
    expect(report.orders.rejected).toHaveLength(1)
    expect(report.orders.rejected[0].reason).toBe(reason)
  })

  it('book mode: a market buy walks the synthetic levels built from the candle volume', async () => {
    // Volume 1000, bookShare 0.25, 10 levels → 25 base per level; half-spread 2 bps, 5 bps between levels, tick 0.01.
    // Buying 60 at an open of 100 takes 25 @ 100.02, 25 @ 100.07 and 10 @ 100.12.
    const report = await backtest(
      {
        name: 'walk',
        onCandle(ctx) {
          if (ctx.candles(2).length === 1) void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 60 })
        }
      },
      [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100)],
      { fee: 0, priceTick: 0.01 }
    )
    const [open] = report.openTrades
    expect(open.size).toBe(60)
    expect(open.entryPrice).toBeCloseTo((25 * 100.02 + 25 * 100.07 + 10 * 100.12) / 60, 9)
  })

  it('book mode: a buy larger than the book fills what the depth holds; the rest is cancelled', async () => {
    const report = await backtest(
      {
        name: 'too-deep',
        onCandle(ctx) {
          if (ctx.candles(2).length === 1) void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 80 })
        }
      },
      [bar(0, 100, 100, 100, 100, 100), bar(1, 100, 100, 100, 100, 100)],
      { fee: 0, priceTick: 0.01 }
    )
    // Volume 100 → 2.5 per level × 10 levels = 25 base on the ask side.
    expect(report.openTrades[0].size).toBe(25)
  })

  it('a resting limit fills partially, by the volume traded through it', async () => {
    // tradeShare 0.25 of volume 400 over 4 path points → 25 per point. The buy limit at 99 rests from the open of
    // candle 1 (100); only each low (98, 98.5) trades through it: 25 of 60 fill at each, 10 stay resting.
    const report = await backtest(
      {
        name: 'rest',
        onCandle(ctx) {
          if (ctx.candles(3).length === 1) void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'limit', amount: 60, price: 99 })
        }
      },
      [bar(0, 100, 100, 100, 100, 400), bar(1, 100, 101, 98, 100, 400), bar(2, 100, 101, 98.5, 100, 400), bar(3, 100, 100, 100, 100, 400)],
      { fee: 0, priceTick: 0.01 }
    )
    expect(report.orders.fills).toBe(2)
    expect(report.openTrades[0].size).toBe(50)
    expect(report.openTrades[0].entryPrice).toBe(99)
    expect(report.openTrades[0].entryTime).toBeGreaterThan(T0 + MINUTE)
  })
})

describe('strategy failures', () => {
  it('a throwing onCandle stops the run with the time and the error', async () => {
    await expect(
      backtest(
        {
          name: 'throws',
          onCandle() {
            throw new Error('boom')
          }
        },
        [bar(0, 100, 100, 100, 100)]
      )
    ).rejects.toThrow(/strategy onCandle failed at .*Error: boom/s)
  })
})
