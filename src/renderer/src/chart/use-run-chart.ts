import { useEffect, useRef, type RefObject } from 'react'
import type { KeelClient } from '../../../shared/api'
import type { BacktestReport } from '../../../shared/backtest'
import { messageOf } from '../lib/errors'
import { decimalsOf } from '../lib/format'
import { useMarketStore } from '../stores/market'
import { CandleSeries } from './candle-series'
import { PriceChart, type ChartView } from './price-chart'
import { readChartTheme } from './theme'
import { useChartTheme } from './use-chart-theme'
import { markerPoints, marksOfBacktest } from './trade-markers'
import type { ChartStatus } from './use-price-chart'

const PAGE = 500

/**
 * A PriceChart of a stored backtest: the candles it ran on (backtestCandles, paged back as the
 * view reaches the start) with its entries and exits marked the way live fills are.
 */
export function useRunChart(client: KeelClient, canvas: RefObject<HTMLCanvasElement | null>, id: number, report: BacktestReport, onStatus: (status: ChartStatus) => void): RefObject<PriceChart | null> {
  const chartRef = useRef<PriceChart | null>(null)
  const tick = useMarketStore((s) => s.markets[report.data.symbol]?.precision.price ?? 0.01)
  const view: ChartView = { overlays: { sma: false, ema: false, bollinger: false }, panes: { volume: true, rsi: false, macd: false }, priceDecimals: decimalsOf(tick) }
  const viewRef = useRef(view)
  viewRef.current = view
  const reportRef = useRef(report)
  reportRef.current = report

  useEffect(() => {
    const element = canvas.current
    if (!element) return
    const chart = new PriceChart(element, readChartTheme(element), viewRef.current)
    chartRef.current = chart
    const series = new CandleSeries(reportRef.current.data.timeframe)
    const marks = marksOfBacktest(reportRef.current)
    let stopped = false
    const show = (scope: 'reset' | 'prepended') => {
      if (scope === 'reset') chart.setSeries(series, 'reset')
      else chart.prepended(series)
      const from = series.oldest
      const to = series.last?.[0]
      chart.setMarks(markerPoints(marks, (t) => series.bucketOf(t), from === undefined || to === undefined ? undefined : { from, to }))
    }
    onStatus({ loading: true, error: null })
    client.call('backtestCandles', { id, limit: PAGE }).then(
      ({ candles }) => {
        if (stopped) return
        series.reset(candles)
        show('reset')
        onStatus({ loading: false, error: null })
      },
      (err: unknown) => !stopped && onStatus({ loading: false, error: `Candles of run #${id} unavailable: ${messageOf(err)}` })
    )
    chart.onNeedOlder = () => {
      const before = series.oldest
      if (before === undefined) return
      void client.call('backtestCandles', { id, before, limit: PAGE }).then(
        ({ candles }) => !stopped && series.prepend(candles) > 0 && show('prepended'),
        () => undefined // best effort, like the live chart's scroll-back
      )
    }
    return () => {
      stopped = true
      chart.destroy()
      chartRef.current = null
    }
  }, [client, id])

  useEffect(() => {
    chartRef.current?.setView(viewRef.current)
  }, [view.priceDecimals])

  useChartTheme(chartRef, canvas)

  return chartRef
}
