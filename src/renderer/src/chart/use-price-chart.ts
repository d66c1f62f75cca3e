import { useEffect, useRef, type RefObject } from 'react'
import type { KeelClient } from '../../../shared/api'
import type { Timeframe } from '../../../shared/market-data'
import { messageOf } from '../lib/errors'
import { decimalsOf } from '../lib/format'
import { marketFormat } from '../lib/numbers'
import { nextFrame } from '../lib/frame-batch'
import { useMarketStore } from '../stores/market'
import { usePrefsStore } from '../stores/prefs'
import { useChartAccountStore } from '../stores/chart-account'
import { AccountTrades } from './account-trades'
import { CandleSeries, type SeriesChange } from './candle-series'
import { linesOfOrder, type OrderLine } from './order-lines'
import { PriceChart, type ChartView } from './price-chart'
import { readChartTheme } from './theme'
import { useChartTheme } from './use-chart-theme'
import { markerPoints, marksOfFills } from './trade-markers'

const PAGE = 500

export interface ChartStatus {
  loading: boolean
  error: string | null
}

/**
 * Owns one PriceChart for the canvas: loads candles for the symbol/timeframe, applies live
 * trades and candles at most once per frame, keeps the chart account's fills and order lines in sync, and loads
 * older candles when the view reaches the start. Returns the chart for pan/zoom handlers.
 */
export function usePriceChart(
  client: KeelClient,
  canvas: RefObject<HTMLCanvasElement | null>,
  symbol: string,
  timeframe: Timeframe,
  onStatus: (status: ChartStatus) => void,
  onLayout?: (heights: Record<string, number>) => void
): RefObject<PriceChart | null> {
  const onLayoutRef = useRef(onLayout)
  onLayoutRef.current = onLayout
  const chartRef = useRef<PriceChart | null>(null)
  const account = useChartAccountStore((s) => s.account)
  const overlays = usePrefsStore((s) => s.overlays)
  const panes = usePrefsStore((s) => s.panes)
  const tick = useMarketStore((s) => s.markets[symbol]?.precision.price ?? 0.01)
  const view: ChartView = { overlays, panes, priceDecimals: decimalsOf(tick) }
  const viewRef = useRef(view)
  viewRef.current = view

  // The chart instance lives as long as the symbol and timeframe.
  useEffect(() => {
    const element = canvas.current
    if (!element) return
    const chart = new PriceChart(element, readChartTheme(element), viewRef.current)
    chartRef.current = chart
    chart.onLayout = (heights) => onLayoutRef.current?.(heights)
    const series = new CandleSeries(timeframe)
    let stopped = false
    let loaded = false
    let frameQueued = false
    let shownNewest: number | undefined
    // Trades may arrive thousands of times a second: the series takes each, the chart redraws once a frame.
    const mark = (change: SeriesChange) => {
      if (change === 'none' || !loaded || frameQueued) return
      frameQueued = true
      nextFrame(() => {
        frameQueued = false
        if (stopped) return
        const newest = series.last?.[0]
        chart.setSeries(series, 'live')
        if (newest !== shownNewest) syncTrading() // a new candle: marks of its trades can show now
        shownNewest = newest
      })
    }
    const offs = [
      client.on('trade', (t) => t.symbol === symbol && mark(series.applyTrade(t.timestamp, t.price, t.amount))),
      client.on('candle', (c) => c.symbol === symbol && mark(series.applyCandle(c.candle, c.timeframe)))
    ]

    const load = async () => {
      onStatus({ loading: true, error: null })
      try {
        const candles = await client.call('candles', { symbol, timeframe, limit: PAGE })
        if (stopped) return
        series.reset(candles)
        loaded = true
        chart.setSeries(series, 'reset')
        syncTrading()
        onStatus({ loading: false, error: null })
      } catch (err) {
        if (stopped) return
        onStatus({ loading: false, error: `Candles unavailable: ${messageOf(err)}` })
        retry = setTimeout(() => void load(), 3_000)
      }
    }
    let retry: ReturnType<typeof setTimeout> | undefined
    chart.onNeedOlder = () => {
      const before = series.oldest
      if (!loaded || before === undefined) return
      void client.call('candles', { symbol, timeframe, before, limit: PAGE }).then(
        (older) => {
          if (stopped) return
          if (series.prepend(older) === 0) return
          chart.prepended(series)
          syncTrading()
        },
        () => undefined // scroll-back is best effort; the next pan asks again
      )
    }

    // The selected account's fills as markers and its live orders as lines (any account, a bot's too).
    const syncTrading = () => {
      const oldest = series.oldest
      const newest = series.last?.[0]
      chart.setMarks(markerPoints(marksOfFills(trades.fills), (t) => series.bucketOf(t), oldest === undefined || newest === undefined ? undefined : { from: oldest, to: newest }))
      const lines: OrderLine[] = []
      const f = marketFormat(useMarketStore.getState().markets[symbol])
      for (const o of trades.orders.values()) lines.push(...linesOfOrder(o, f.price, f.amount))
      chart.setOrderLines(lines)
    }
    const trades = new AccountTrades(client, account, symbol, syncTrading)
    trades.start()
    void load()

    return () => {
      stopped = true
      clearTimeout(retry)
      for (const off of offs) off()
      trades.stop()
      chart.destroy()
      chartRef.current = null
    }
  }, [client, symbol, timeframe, account])

  useEffect(() => {
    chartRef.current?.setView(view)
  }, [overlays, panes, view.priceDecimals])

  useChartTheme(chartRef, canvas)

  return chartRef
}
