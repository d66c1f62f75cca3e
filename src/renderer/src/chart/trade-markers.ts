import type { BacktestReport } from '../../../shared/backtest'
import type { Fill } from '../../../shared/trading'

/**
 * Trades marked on a price chart, one way for every chart that shows them: a buy is a ▲ whose
 * tip sits on the price from below, a sell a ▼ whose tip sits on it from above, on the candle
 * the trade happened in. Live fills of an account and a backtest's entries and exits become
 * the same marks.
 */

export interface TradeMark {
  /** When the trade happened (ms). */
  time: number
  price: number
  side: 'buy' | 'sell'
  label: string
}

/** A chart.js point: x is the candle's open time (a time-series axis has a slot per candle), y the price. */
export interface MarkerPoint {
  x: number
  y: number
  time: number
  label: string
}

export interface MarkerColors {
  buy: string
  sell: string
  outline: string
}

export function marksOfFills(fills: readonly Fill[]): TradeMark[] {
  return fills.map((f) => ({ time: f.timestamp, price: f.price, side: f.side, label: `${f.side} ${f.amount} @ ${f.price}` }))
}

/** Each round trip's entry (a buy) and exit (a sell); a position still open has its entry only. */
export function marksOfBacktest(report: Pick<BacktestReport, 'trades' | 'openTrades'>): TradeMark[] {
  const marks: TradeMark[] = []
  for (const t of report.trades) {
    marks.push({ time: t.entryTime, price: t.entryPrice, side: 'buy', label: `entry ${t.size} @ ${t.entryPrice}` })
    marks.push({ time: t.exitTime, price: t.exitPrice, side: 'sell', label: `exit ${t.size} @ ${t.exitPrice} (${t.pnl.toFixed(2)})` })
  }
  for (const t of report.openTrades) marks.push({ time: t.entryTime, price: t.entryPrice, side: 'buy', label: `entry ${t.size} @ ${t.entryPrice} (open)` })
  return marks
}

/**
 * The points of the marks that fall inside the loaded candles (a point outside them would
 * stretch the time axis), split by side.
 */
export function markerPoints(marks: readonly TradeMark[], bucketOf: (time: number) => number, loaded: { from: number; to: number } | undefined): { buys: MarkerPoint[]; sells: MarkerPoint[] } {
  const buys: MarkerPoint[] = []
  const sells: MarkerPoint[] = []
  if (!loaded) return { buys, sells }
  for (const m of marks) {
    const x = bucketOf(m.time)
    if (x < loaded.from || x > loaded.to) continue
    ;(m.side === 'buy' ? buys : sells).push({ x, y: m.price, time: m.time, label: m.label })
  }
  return { buys, sells }
}

const W = 12
const H = 10

/**
 * A triangle drawn in one half of a canvas twice its height: chart.js centres a point's image
 * on the point, so the tip lands on the price and the body below (buy) or above (sell) it.
 */
function triangleImage(side: 'buy' | 'sell', fill: string, outline: string): HTMLCanvasElement | string {
  if (typeof document === 'undefined') return 'triangle'
  // chart.js draws the image at its pixel size: one canvas pixel per CSS pixel.
  const scale = 1
  const canvas = document.createElement('canvas')
  canvas.width = W * scale
  canvas.height = 2 * H * scale + 2 * scale
  const ctx = canvas.getContext('2d')
  if (!ctx) return 'triangle'
  const tip = H + 1
  const base = side === 'buy' ? tip + H : tip - H
  ctx.beginPath()
  ctx.moveTo(W / 2, tip)
  ctx.lineTo(W - 0.5, base)
  ctx.lineTo(0.5, base)
  ctx.closePath()
  ctx.fillStyle = fill
  ctx.fill()
  ctx.lineWidth = 1
  ctx.strokeStyle = outline
  ctx.stroke()
  return canvas
}

/** The scatter dataset of one side's marks (data filled in by the chart). */
export function markerDataset(side: 'buy' | 'sell', label: string, colors: MarkerColors, yAxisID = 'y'): Record<string, unknown> {
  const color = side === 'buy' ? colors.buy : colors.sell
  return {
    type: 'scatter',
    label,
    data: [],
    yAxisID,
    pointStyle: triangleImage(side, color, colors.outline),
    pointRadius: 6,
    pointHoverRadius: 6,
    backgroundColor: color,
    borderColor: colors.outline,
    borderWidth: 1
  }
}
