import { useRef, useState, type JSX } from 'react'
import type { BacktestReport } from '../../../../shared/backtest'
import { useChartGestures } from '../../chart/use-chart-gestures'
import type { ChartStatus } from '../../chart/use-price-chart'
import { useRunChart } from '../../chart/use-run-chart'
import { useClient } from '../../client-context'
import { ChartNotes } from '../ChartPanel'

/** The selected run's candles with its entries (▲) and exits (▼); drag or arrows pan, the wheel zooms. */
export function BacktestPriceChart({ id, report }: { id: number; report: BacktestReport }): JSX.Element {
  const client = useClient()
  const canvas = useRef<HTMLCanvasElement>(null)
  const [status, setStatus] = useState<ChartStatus>({ loading: true, error: null })
  const chart = useRunChart(client, canvas, id, report, setStatus)
  const gestures = useChartGestures(chart)
  const { symbol, timeframe } = report.data
  return (
    <div className="backtest-price-chart" style={{ position: 'relative', height: 320 }}>
      <div className="chart-area" role="group" tabIndex={0} aria-label={`Run #${id} ${symbol} ${timeframe} price chart with its trades`} {...gestures}>
        <canvas ref={canvas} role="img" aria-label={`Run #${id} candlestick chart with entries and exits`} />
        <ChartNotes status={status} />
      </div>
    </div>
  )
}
