import { describe, expect, it } from 'vitest'
import { heatColor, heatmap } from '../../../src/renderer/src/components/backtest/heatmap'
import type { BacktestMetrics, SweepPointResult } from '../../../src/shared/backtest'

const metrics = (totalReturn: number, maxDrawdown = 0.1): BacktestMetrics => ({
  startEquity: 1,
  endEquity: 1 + totalReturn,
  totalReturn,
  cagr: null,
  maxDrawdown,
  sharpe: null,
  sortino: null,
  calmar: null,
  winRate: null,
  profitFactor: null,
  exposure: 0,
  feesPaid: 0,
  trades: 0,
  averageTrade: null,
  averageReturnPct: null
})

describe('sweep heatmap layout', () => {
  // 2 × 2 × 2 grid over a, b, c: each (a, b) cell holds the best over c.
  const returns = [0.1, 0.3, -0.2, 0.05, 0.4, 0.0, -0.1, -0.3]
  const points: SweepPointResult[] = returns.map((r, index) => ({
    index,
    params: { a: index < 4 ? 1 : 2, b: index % 4 < 2 ? 10 : 20, c: index % 2 ? 'y' : 'x' },
    metrics: metrics(r)
  }))

  it('one cell per pair, rows by y and columns by x, each the best over the other params', () => {
    const map = heatmap(points, 'b', 'a', 'totalReturn')
    expect(map.xs).toEqual([10, 20])
    expect(map.ys).toEqual([1, 2])
    expect(map.cells.map((c) => [c.y, c.x, c.value, c.point.index])).toEqual([
      [1, 10, 0.3, 1],
      [1, 20, 0.05, 3],
      [2, 10, 0.4, 4],
      [2, 20, -0.1, 6]
    ])
    expect([map.min, map.max]).toEqual([-0.1, 0.4])
  })

  it('maxDrawdown ranks lower drawdowns higher; a failed or pending point leaves a grey cell', () => {
    const dd = heatmap(
      [
        { index: 0, params: { x: 1, y: 1 }, metrics: metrics(0, 0.3) },
        { index: 1, params: { x: 2, y: 1 }, metrics: null, error: 'boom' }
      ],
      'x',
      'y',
      'maxDrawdown'
    )
    expect(dd.cells.map((c) => c.value)).toEqual([-0.3, null])
    expect(heatColor(null, dd.min, dd.max)).toMatch(/rgba/)
    expect(heatColor(0.4, -0.1, 0.4)).toBe('hsl(120, 65%, 42%)')
    expect(heatColor(-0.1, -0.1, 0.4)).toBe('hsl(0, 65%, 42%)')
  })
})
