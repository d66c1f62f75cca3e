import { describe, expect, it } from 'vitest'
import type { BacktestConfigInput } from '../../../src/shared/backtest'
import type { Fill } from '../../../src/shared/trading'
import type { StrategyDefinition } from '../../../src/core/strategy/contract'
import { backtest } from './harness'
import { walkCandles } from './fixtures'

/**
 * The backtest skips candles and path points where nothing can react (no order resting,
 * waiting or queued). `feedIdle: true` turns that off and feeds every path point to the
 * engine. Both must give the same run, fill for fill, on a strategy that keeps limits resting
 * across many candles, fills them partially by volume, and keeps stops waiting.
 */

function restingTrader(fills: Fill[]): StrategyDefinition {
  return {
    name: 'resting-trader',
    onFill(_ctx, fill) {
      fills.push(fill)
    },
    onCandle(ctx, candle) {
      const k = ctx.candles(1_000).length
      const held = ctx.position.amount
      const open = ctx.openOrders()
      if (k % 40 === 5 && open.length === 0) {
        // A buy below the close: rests for a while, then fills in parts as lows trade through it.
        void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'limit', amount: 30, price: Math.round(candle.close * 0.995 * 100) / 100 }).catch(() => 0)
      }
      if (k % 40 === 25 && held > 0) {
        for (const o of open) void ctx.cancel(o.id).catch(() => 0)
        // Half out with a resting sell above, the rest guarded by a stop below.
        const half = Math.floor(held / 2)
        if (half > 0) void ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'limit', amount: half, price: Math.round(candle.close * 1.004 * 100) / 100 }).catch(() => 0)
        void ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'stop_market', amount: held - half, stopPrice: Math.round(candle.close * 0.99 * 100) / 100 }).catch(() => 0)
      }
      if (k % 40 === 39) {
        for (const o of open) void ctx.cancel(o.id).catch(() => 0)
        if (held > 0) void ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: held }).catch(() => 0)
      }
    }
  }
}

async function both(config: BacktestConfigInput) {
  // Volumes of 10…100 with tradeShare 0.25 → 0.6…6 per path point: a 30-unit limit takes many points.
  const candles = walkCandles(2_000, 23)
  const fast: Fill[] = []
  const full: Fill[] = []
  const a = await backtest(restingTrader(fast), candles, { ...config, amountStep: 0.1, priceTick: 0.01, fee: 0.001, cash: 100_000 })
  const b = await backtest(restingTrader(full), candles, { ...config, amountStep: 0.1, priceTick: 0.01, fee: 0.001, cash: 100_000, feedIdle: true })
  return { a, b, fast, full }
}

describe('the idle fast path changes nothing', () => {
  for (const fill of ['book', 'next-open'] as const) {
    it(`${fill}: same fills, trades, equity and orders with every path point fed`, async () => {
      const { a, b, fast, full } = await both({ fill })
      // The scenario exercises what the fast path must not disturb.
      expect(fast.filter((f) => f.liquidity === 'maker').length).toBeGreaterThan(20)
      const orderIds = new Set(fast.filter((f) => f.liquidity === 'maker').map((f) => f.orderId))
      expect(orderIds.size).toBeLessThan(fast.filter((f) => f.liquidity === 'maker').length) // partial fills
      expect(b.engineInputs).toBeGreaterThan(a.engineInputs * 2) // the full run really fed the idle points
      expect(fast).toEqual(full)
      expect(a.trades).toEqual(b.trades)
      expect(a.openTrades).toEqual(b.openTrades)
      expect(a.curve.equity).toEqual(b.curve.equity)
      expect(a.orders).toEqual(b.orders)
      expect(a.metrics).toEqual(b.metrics)
    })
  }
})
