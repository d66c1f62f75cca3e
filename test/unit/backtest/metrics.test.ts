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

/** The measures as written before they shared passes (the reference): one loop each. */
const reference = {
  maxDrawdown(equity: number[], start: number): number {
    let peak = start
    let worst = 0
    for (const e of equity) {
      if (e > peak) peak = e
      else if (peak > 0) worst = Math.max(worst, 1 - e / peak)
    }
    return worst
  },
  returns(equity: number[], start: number): number[] {
    return equity.map((e, i) => {
      const previous = i === 0 ? start : equity[i - 1]
      return previous > 0 ? e / previous - 1 : 0
    })
  },
  sharpe(r: number[], perYear: number): number | null {
    if (r.length < 2) return null
    let sum = 0
    for (const x of r) sum += x
    const mean = sum / r.length
    let squares = 0
    for (const x of r) squares += (x - mean) ** 2
    const sd = Math.sqrt(squares / (r.length - 1))
    return sd > 1e-15 ? (mean / sd) * Math.sqrt(perYear) : null
  },
  sortino(r: number[], perYear: number): number | null {
    if (r.length < 2) return null
    let sum = 0
    let downside = 0
    for (const x of r) {
      sum += x
      if (x < 0) downside += x ** 2
    }
    const dd = Math.sqrt(downside / r.length)
    return dd > 1e-15 ? (sum / r.length / dd) * Math.sqrt(perYear) : null
  }
}

describe('metrics in shared passes', () => {
  it('give the one-loop-each numbers bit for bit, with or without the drawdown curve, on curves with zeros, negatives and NaN', () => {
    let state = 5
    const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32)
    for (let trial = 0; trial < 2_000; trial++) {
      const start = trial % 50 === 0 ? 0 : 1_000
      let e = start
      const equity = Array.from({ length: 1 + Math.floor(rand() * 300) }, () => {
        const pick = rand()
        e = pick < 0.01 ? 0 : pick < 0.02 ? -e : pick < 0.025 ? Number.NaN : Math.abs(e || 1) * (1 + (rand() - 0.5) * 0.05)
        return e
      })
      const curve = { equity, startEquity: start, startTime: 0, endTime: 86_400_000 * 30, timeframe: '1h' as const, exposedCandles: 1, feesPaid: 0 }
      const plain = computeMetrics(curve, [])
      const withCurve = computeMetrics({ ...curve, drawdown: drawdownCurve(equity, start) }, [])
      const r = reference.returns(equity, start)
      const perYear = (365.25 * 24)
      for (const m of [plain, withCurve]) {
        expect(Object.is(m.maxDrawdown, reference.maxDrawdown(equity, start))).toBe(true)
        expect(Object.is(m.sharpe, reference.sharpe(r, perYear))).toBe(true)
        expect(Object.is(m.sortino, reference.sortino(r, perYear))).toBe(true)
      }
    }
  })
})

