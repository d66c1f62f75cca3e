import { describe, expect, it } from 'vitest'
import { BacktestConfig, type ClosedTrade } from '../../../src/shared/backtest'
import type { Candle } from '../../../src/shared/market-data'
import { runBacktest } from '../../../src/core/backtest/run'
import { seriesFromCandles } from '../../../src/core/backtest/series'
import type { StrategyDefinition } from '../../../src/core/strategy/contract'
import { walkCandles } from './fixtures'

const FEE = 0.001

/** SMA cross written as a user would: closes from ctx.candles, all-cash buys by cost, sell everything. */
const smaCross: StrategyDefinition = {
  name: 'test-sma-cross',
  params: { fast: { type: 'int', default: 5 }, slow: { type: 'int', default: 20 } },
  onCandle(ctx) {
    const fast = ctx.params.fast as number
    const slow = ctx.params.slow as number
    const closes = ctx.candles(slow + 1).map((c) => c.close)
    if (closes.length < slow + 1) return
    const mean = (from: number, to: number) => closes.slice(from, to).reduce((a, b) => a + b, 0) / (to - from)
    const fastNow = mean(closes.length - fast, closes.length)
    const slowNow = mean(closes.length - slow, closes.length)
    const fastPrev = mean(closes.length - 1 - fast, closes.length - 1)
    const slowPrev = mean(closes.length - 1 - slow, closes.length - 1)
    if (fastPrev <= slowPrev && fastNow > slowNow && ctx.position.amount === 0) {
      void ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', cost: ctx.balance('USDT').free } as never)
    } else if (fastPrev >= slowPrev && fastNow < slowNow && ctx.position.amount > 0) {
      void ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: ctx.position.amount })
    }
  }
}

/** The same rules as a plain loop over the candles, sharing nothing with Keel. */
function reference(candles: Candle[], fast: number, slow: number, cash: number): { trades: ClosedTrade[]; cash: number; units: number; equity: number[] } {
  const close = candles.map((c) => c[4])
  const mean = (from: number, to: number) => close.slice(from, to).reduce((a, b) => a + b, 0) / (to - from)
  const trades: ClosedTrade[] = []
  let units = 0
  let entry = { time: 0, price: 0, cost: 0, fee: 0 }
  // Equity at each close: nothing trades before the open after candle `slow`.
  const equity: number[] = close.map(() => cash)
  for (let i = slow; i + 1 < candles.length; i++) {
    act(i)
    equity[i + 1] = cash + units * close[i + 1]
  }
  return { trades, cash, units, equity }

  function act(i: number): void {
    const fastNow = mean(i + 1 - fast, i + 1)
    const slowNow = mean(i + 1 - slow, i + 1)
    const fastPrev = mean(i - fast, i)
    const slowPrev = mean(i - slow, i)
    const [time, open] = candles[i + 1]
    if (fastPrev <= slowPrev && fastNow > slowNow && units === 0) {
      const buy = Math.floor(cash / (open * (1 + FEE)))
      if (buy === 0) return
      const cost = buy * open
      const fee = cost * FEE
      cash -= cost + fee
      units = buy
      entry = { time, price: open, cost, fee }
    } else if (fastPrev >= slowPrev && fastNow < slowNow && units > 0) {
      const proceeds = units * open
      const fee = proceeds * FEE
      cash += proceeds - fee
      const pnl = proceeds - entry.cost - entry.fee - fee
      trades.push({
        entryTime: entry.time,
        exitTime: time,
        entryPrice: entry.price,
        exitPrice: open,
        size: units,
        pnl,
        returnPct: (pnl / (entry.cost + entry.fee)) * 100,
        fees: entry.fee + fee
      })
      units = 0
    }
  }
}

describe('SMA cross, next-open fills, fee 0.001, whole units, all cash', () => {
  const candles = walkCandles(3_000)
  /** Keel's run of the same job: SMA 5/20, all cash, whole units, next-open fills. */
  const runSmaCross = () =>
    runBacktest({
      definition: smaCross,
      params: { fast: 5, slow: 20 },
      series: seriesFromCandles(candles),
      config: BacktestConfig.parse({ symbol: 'BTC/USDT', timeframe: '1m', cash: 10_000, fee: FEE, amountStep: 1, priceTick: 0.01, fill: 'next-open' }),
      data: { source: 'test', symbol: 'BTC/USDT', timeframe: '1m', gaps: [] },
      indicators: undefined as never
    })

  it('reproduces the reference loop trade for trade', async () => {
    const report = await runSmaCross()
    const expected = reference(candles, 5, 20, 10_000)
    expect(expected.trades.length).toBeGreaterThan(20)
    expect(report.trades.length).toBe(expected.trades.length)
    report.trades.forEach((trade, k) => {
      const want = expected.trades[k]
      expect([trade.entryTime, trade.exitTime, trade.entryPrice, trade.exitPrice, trade.size]).toEqual([
        want.entryTime,
        want.exitTime,
        want.entryPrice,
        want.exitPrice,
        want.size
      ])
      expect(trade.pnl).toBeCloseTo(want.pnl, 8)
      expect(trade.fees).toBeCloseTo(want.fees, 8)
      expect(trade.returnPct).toBeCloseTo(want.returnPct, 8)
    })
    const last = candles[candles.length - 1][4]
    expect(report.metrics.endEquity).toBeCloseTo(expected.cash + expected.units * last, 6)
    expect(report.openTrades.length).toBe(expected.units > 0 ? 1 : 0)
  })

  it('gives the reference loop equity and drawdown at every close, and its risk ratios', async () => {
    const report = await runSmaCross()
    const { equity } = reference(candles, 5, 20, 10_000)
    expect(report.curve.time).toEqual(candles.map((c) => c[0]))
    expect(report.curve.equity.length).toBe(equity.length)
    report.curve.equity.forEach((e, i) => expect(e).toBeCloseTo(equity[i], 6))
    // Drawdown from the running peak, the start counting as one; returns from the starting cash.
    let peak = 10_000
    const drawdown = equity.map((e) => ((peak = Math.max(peak, e)), e / peak - 1))
    report.curve.drawdown.forEach((d, i) => expect(d).toBeCloseTo(drawdown[i], 9))
    expect(report.metrics.maxDrawdown).toBeCloseTo(-Math.min(...drawdown), 9)
    const returns = equity.map((e, i) => e / (i === 0 ? 10_000 : equity[i - 1]) - 1)
    const n = returns.length
    const mean = returns.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1))
    const downside = Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n)
    const perYear = (365.25 * 86_400_000) / 60_000
    expect(report.metrics.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(perYear), 6)
    expect(report.metrics.sortino).toBeCloseTo((mean / downside) * Math.sqrt(perYear), 6)
  })
})

describe('the built-in sma-cross', () => {
  it('trades where a plain loop over the same candles says it should', async () => {
    const candles = walkCandles(2_000, 11)
    const { backtest } = await import('./harness')
    const { builtinStrategy } = await import('../../../src/core/strategy/builtins')
    const definition = builtinStrategy('sma-cross')
    if (!definition) throw new Error('sma-cross missing')
    const report = await backtest(definition, candles, { fill: 'next-open', fee: FEE, amountStep: 1, priceTick: 0.01, warmup: 20 }, { fast: 5, slow: 20, amount: 3 })
    // Reference: fast > slow changes between closes i−1 and i (i ≥ 20, the first candle after warm-up) → act at open i+1.
    const close = candles.map((c) => c[4])
    const mean = (from: number, to: number) => close.slice(from, to).reduce((a, b) => a + b, 0) / (to - from)
    const above = (i: number) => mean(i + 1 - 5, i + 1) > mean(i + 1 - 20, i + 1)
    const expected: { entryTime: number; exitTime: number; entryPrice: number; exitPrice: number }[] = []
    let entry: [number, number] | undefined
    for (let i = 20; i + 1 < candles.length; i++) {
      const [time, open] = candles[i + 1]
      if (above(i) && !above(i - 1) && !entry) entry = [time, open]
      else if (!above(i) && above(i - 1) && entry) {
        expected.push({ entryTime: entry[0], exitTime: time, entryPrice: entry[1], exitPrice: open })
        entry = undefined
      }
    }
    expect(expected.length).toBeGreaterThan(10)
    expect(report.trades.map(({ entryTime, exitTime, entryPrice, exitPrice }) => ({ entryTime, exitTime, entryPrice, exitPrice }))).toEqual(expected)
    for (const t of report.trades) {
      expect(t.size).toBe(3)
      expect(t.pnl).toBeCloseTo(3 * (t.exitPrice - t.entryPrice) - 3 * (t.exitPrice + t.entryPrice) * FEE, 9)
    }
  })
})
