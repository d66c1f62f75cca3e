import { describe, expect, it } from 'vitest'
import { computeMetrics, drawdownCurve, maxDrawdown, profitFactor, sharpe, sortino } from '../../../src/core/backtest/metrics'
import type { ClosedTrade } from '../../../src/shared/backtest'

const trade = (pnl: number): ClosedTrade => ({ entryTime: 0, exitTime: 1, entryPrice: 1, exitPrice: 1, size: 1, pnl, returnPct: pnl, fees: 0 })

describe('metrics against hand-computed values', () => {
  it('max drawdown is the largest fall from a running peak', () => {
    // Peaks 100 → 120, trough 90: 1 − 90/120 = 0.25; the later fall 130 → 117 is 0.1.
    expect(maxDrawdown([100, 120, 90, 130, 117], 100)).toBeCloseTo(0.25, 12)
    expect(Array.from(drawdownCurve([100, 120, 90, 130, 117], 100))).toEqual([0, 0, 90 / 120 - 1, 0, 117 / 130 - 1])
    expect(maxDrawdown([101, 102, 103], 100)).toBe(0)
  })

  it('Sharpe: mean over sample sd, annualised', () => {
    // Returns 0.01, −0.02, 0.03: mean 0.00666…, sample variance ((0.00333)² + (−0.02666)² + (0.02333)²)/2 = 0.000633…
    const r = [0.01, -0.02, 0.03]
    const mean = 0.02 / 3
    const sd = Math.sqrt(((0.01 - mean) ** 2 + (-0.02 - mean) ** 2 + (0.03 - mean) ** 2) / 2)
    expect(sd).toBeCloseTo(0.025166114784235832, 15)
    expect(sharpe(r, 365)).toBeCloseTo((mean / 0.025166114784235832) * Math.sqrt(365), 10)
    expect(sharpe([0.01, 0.01], 365)).toBeNull()
  })

  it('Sortino: mean over downside deviation √(Σ min(r,0)²/n)', () => {
    // Downside: only −0.02 → √(0.0004/3) = 0.011547…
    expect(sortino([0.01, -0.02, 0.03], 1)).toBeCloseTo(0.02 / 3 / Math.sqrt(0.0004 / 3), 12)
    expect(sortino([0.01, 0.02], 1)).toBeNull()
  })

  it('profit factor: gross profit over gross loss', () => {
    expect(profitFactor([trade(10), trade(-5), trade(20), trade(-10)])).toBe(2)
    expect(profitFactor([trade(10)])).toBeNull()
  })

  it('computeMetrics puts them together: return, CAGR over the span, win rate, exposure, Calmar', () => {
    const day = 86_400_000
    const m = computeMetrics(
      { equity: [100, 120, 90, 110], startEquity: 100, startTime: 0, endTime: 365.25 * day, timeframe: '1d', exposedCandles: 3, feesPaid: 1.5 },
      [trade(10), trade(-5), trade(20), trade(-10)]
    )
    expect(m.totalReturn).toBeCloseTo(0.1, 12)
    expect(m.cagr).toBeCloseTo(0.1, 12) // exactly one year
    expect(m.maxDrawdown).toBeCloseTo(0.25, 12)
    expect(m.calmar).toBeCloseTo(0.4, 12)
    expect(m.winRate).toBe(0.5)
    expect(m.averageTrade).toBe(3.75)
    expect(m.exposure).toBe(0.75)
    expect(m.feesPaid).toBe(1.5)
    expect(m.trades).toBe(4)
    // Handed the run's drawdown curve, it reads the same max drawdown off it.
    const withCurve = computeMetrics(
      { equity: [100, 120, 90, 110], startEquity: 100, startTime: 0, endTime: 365.25 * day, timeframe: '1d', exposedCandles: 3, feesPaid: 1.5, drawdown: drawdownCurve([100, 120, 90, 110], 100) },
      []
    )
    expect(withCurve.maxDrawdown).toBeCloseTo(0.25, 12)
    expect(withCurve.sharpe).toBe(m.sharpe)
  })
})
