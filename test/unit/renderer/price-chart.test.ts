import type { Chart } from 'chart.js'
import { describe, expect, it, vi } from 'vitest'
import type { Candle } from '../../../src/shared/market-data'
import { CandleSeries } from '../../../src/renderer/src/chart/candle-series'
import { PriceChart, type ChartTheme } from '../../../src/renderer/src/chart/price-chart'

// chartjs-chart-financial is a UMD bundle that needs a global Chart; under Node plain bars stand in.
vi.mock('chartjs-chart-financial', async () => {
  const { BarController, BarElement } = await import('chart.js')
  class CandlestickController extends BarController {
    static override id = 'candlestick'
  }
  class CandlestickElement extends BarElement {
    static override id = 'candlestick'
  }
  return { CandlestickController, CandlestickElement }
})

/** A canvas whose 2D context accepts every call: chart.js runs on its basic (non-DOM) platform. */
function fakeCanvas(): HTMLCanvasElement {
  const ctx: Record<PropertyKey, unknown> = {}
  const context = new Proxy(ctx, { get: (t, k) => (k in t ? t[k] : k === 'measureText' ? () => ({ width: 0 }) : () => undefined) })
  const canvas = { getContext: () => context, width: 800, height: 400, style: {} }
  ctx.canvas = canvas
  return canvas as unknown as HTMLCanvasElement
}

const M = 60_000
const c = (t: number, close: number): Candle => [t * M, close, close, close, close, 1]
const shownCloses = (chart: PriceChart) => ((chart as unknown as { chart: Chart }).chart.data.datasets[0].data as unknown as { x: number; c: number }[]).map((b) => [b.x / M, b.c])

function chartWith(series: CandleSeries): PriceChart {
  const chart = new PriceChart(fakeCanvas(), {} as ChartTheme, { overlays: { sma: true, ema: false, bollinger: false }, panes: { volume: true, rsi: false, macd: false }, priceDecimals: 2 })
  chart.setSeries(series, 'reset')
  return chart
}

describe('price chart', () => {
  it('shows the closing trades of a period that arrive in the same frame as the next period', () => {
    const series = new CandleSeries('1m')
    series.reset([c(1, 100), c(2, 101)])
    const chart = chartWith(series)
    series.applyTrade(2 * M + 59_000, 105, 1) // last trade of minute 2 …
    series.applyTrade(3 * M + 1, 106, 1) // … and the first of minute 3, before the frame
    chart.setSeries(series, 'live')
    expect(shownCloses(chart)).toEqual([
      [1, 100],
      [2, 105],
      [3, 106]
    ])
  })

  it('shows every period appended while frames did not run (a background tab)', () => {
    const series = new CandleSeries('1m')
    series.reset([c(1, 100)])
    const chart = chartWith(series)
    for (let minute = 2; minute <= 5; minute++) series.applyTrade(minute * M, 100 + minute, 1)
    chart.setSeries(series, 'live')
    expect(shownCloses(chart).map(([t]) => t)).toEqual([1, 2, 3, 4, 5])
  })
})
