import type { BacktestMetrics, ClosedTrade } from '../../shared/backtest'
import type { Timeframe } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'

/** Performance measures of an equity curve and its trades. Pure arithmetic, no engine. */

const YEAR_MS = 365.25 * 86_400_000

export interface CurveInput {
  /** Equity at each candle's close. */
  equity: ArrayLike<number>
  startEquity: number
  /** First candle's open time and last candle's close time. */
  startTime: number
  endTime: number
  timeframe: Timeframe
  /** Candles that closed with a position. */
  exposedCandles: number
  feesPaid: number
  /** The run's drawdown curve, when it keeps one: max drawdown is read off it. */
  drawdown?: ArrayLike<number>
}

/** Largest fall from a running peak, as a positive fraction (0.25 = 25 %); the start counts as a peak. */
export function maxDrawdown(equity: ArrayLike<number>, start: number): number {
  let peak = start
  let worst = 0
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]
    if (e > peak) peak = e
    else if (peak > 0) worst = Math.max(worst, 1 - e / peak)
  }
  return worst
}

/** drawdown[i] = equity[i] / running peak − 1 (0 at a new high, negative below it). A plain
 * array: it goes into the report as it is, without a typed copy beside it. */
export function drawdownCurve(equity: ArrayLike<number>, start: number): number[] {
  const out = new Array<number>(equity.length)
  let peak = start
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] > peak) peak = equity[i]
    out[i] = peak > 0 ? equity[i] / peak - 1 : 0
  }
  return out
}

/** maxDrawdown read off a drawdown curve: the same number (1 − e/peak is −(e/peak − 1) exactly),
 * no division; a NaN in the curve gives NaN, as maxDrawdown's Math.max does. */
function deepest(drawdown: ArrayLike<number>): number {
  let low = 0
  for (let i = 0; i < drawdown.length; i++) {
    const d = drawdown[i]
    if (d < low) low = d
    else if (d !== d) return Number.NaN
  }
  return low < 0 ? -low : 0
}

/** What Sharpe and Sortino need of a run of per-period returns, gathered in two passes. */
interface ReturnStats {
  n: number
  mean: number
  /** Σ (r − mean)², for the sample standard deviation. */
  squares: number
  /** Σ min(r, 0)². */
  downside: number
}

/** Per-period returns: `values` themselves, or, given the starting equity, those of the equity
 * curve `values` (equity[i] / previous − 1, from the start). Computed where they are used, so a
 * million-candle run keeps no array of returns beside its equity. */
function returnStats(values: ArrayLike<number>, start: number | undefined): ReturnStats {
  const n = values.length
  let sum = 0
  let downside = 0
  let previous = start ?? 0
  for (let i = 0; i < n; i++) {
    const r = start === undefined ? values[i] : previous > 0 ? values[i] / previous - 1 : 0
    previous = values[i]
    sum += r
    if (r < 0) downside += r ** 2
  }
  const mean = sum / n
  let squares = 0
  previous = start ?? 0
  for (let i = 0; i < n; i++) {
    const r = start === undefined ? values[i] : previous > 0 ? values[i] / previous - 1 : 0
    previous = values[i]
    squares += (r - mean) ** 2
  }
  return { n, mean, squares, downside }
}

/** Mean over sample standard deviation (n − 1), times √periodsPerYear; null without variation. */
function sharpeOf({ n, mean, squares }: ReturnStats, periodsPerYear: number): number | null {
  if (n < 2) return null
  const sd = Math.sqrt(squares / (n - 1))
  return sd > 1e-15 ? (mean / sd) * Math.sqrt(periodsPerYear) : null
}

/** Mean over downside deviation √(Σ min(r, 0)² / n), times √periodsPerYear; null with no losing period. */
function sortinoOf({ n, mean, downside }: ReturnStats, periodsPerYear: number): number | null {
  if (n < 2) return null
  const dd = Math.sqrt(downside / n)
  return dd > 1e-15 ? (mean / dd) * Math.sqrt(periodsPerYear) : null
}

/** Sharpe of per-period returns, or (given `start`) of the equity curve `values`. */
export function sharpe(values: ArrayLike<number>, periodsPerYear: number, start?: number): number | null {
  return values.length < 2 ? null : sharpeOf(returnStats(values, start), periodsPerYear)
}

/** Sortino of per-period returns, or (given `start`) of the equity curve `values`. */
export function sortino(values: ArrayLike<number>, periodsPerYear: number, start?: number): number | null {
  return values.length < 2 ? null : sortinoOf(returnStats(values, start), periodsPerYear)
}

/** Gross profit over gross loss of closed trades; null with no losing trade. */
export function profitFactor(trades: readonly ClosedTrade[]): number | null {
  let won = 0
  let lost = 0
  for (const t of trades) {
    if (t.pnl > 0) won += t.pnl
    else lost -= t.pnl
  }
  return lost > 0 ? won / lost : null
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

export function computeMetrics(curve: CurveInput, trades: readonly ClosedTrade[]): BacktestMetrics {
  const { equity, startEquity } = curve
  const endEquity = equity.length > 0 ? equity[equity.length - 1] : startEquity
  const totalReturn = endEquity / startEquity - 1
  const years = (curve.endTime - curve.startTime) / YEAR_MS
  const cagr = years > 0 && endEquity > 0 ? finiteOrNull((endEquity / startEquity) ** (1 / years) - 1) : null
  const drawdown = curve.drawdown ? deepest(curve.drawdown) : maxDrawdown(equity, startEquity)
  const periodsPerYear = YEAR_MS / TIMEFRAME_MS[curve.timeframe]
  const returns = equity.length < 2 ? undefined : returnStats(equity, startEquity)
  const wins = trades.filter((t) => t.pnl > 0).length
  const pnlSum = trades.reduce((sum, t) => sum + t.pnl, 0)
  const returnSum = trades.reduce((sum, t) => sum + t.returnPct, 0)
  return {
    startEquity,
    endEquity,
    totalReturn,
    cagr,
    maxDrawdown: drawdown,
    sharpe: returns ? sharpeOf(returns, periodsPerYear) : null,
    sortino: returns ? sortinoOf(returns, periodsPerYear) : null,
    calmar: cagr !== null && drawdown > 0 ? cagr / drawdown : null,
    winRate: trades.length > 0 ? wins / trades.length : null,
    profitFactor: profitFactor(trades),
    exposure: equity.length > 0 ? curve.exposedCandles / equity.length : 0,
    feesPaid: curve.feesPaid,
    trades: trades.length,
    averageTrade: trades.length > 0 ? pnlSum / trades.length : null,
    averageReturnPct: trades.length > 0 ? returnSum / trades.length : null
  }
}
