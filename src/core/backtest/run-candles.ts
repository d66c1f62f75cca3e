import { statSync } from 'node:fs'
import type { BacktestReport } from '../../shared/backtest'
import type { BacktestCandlesParams, BacktestCandlesResult } from '../../shared/backtest-chart'
import { KeelError } from '../../shared/errors'
import type { Candle } from '../../shared/market-data'
import { loadData, parseDataSpec } from './data'
import type { CandleSeries } from './series'

/**
 * The candles a stored backtest ran on, read again from its data source (the report keeps the
 * source and range, not the candles). The demo history is anchored at the range's end, so the
 * same range gives the same candles; a CSV or market.db that changed since is refused rather
 * than shown under the run's trades. The last series read is kept: a chart pages through it.
 */
export class RunCandles {
  private cached: { id: number; version: string; series: CandleSeries } | undefined

  constructor(
    private readonly dataDir: string,
    private readonly report: (id: number) => BacktestReport
  ) {}

  page({ id, before, limit }: BacktestCandlesParams): BacktestCandlesResult {
    const series = this.series(id)
    const end = before === undefined ? series.length : lowerBound(series.time, before)
    const candles: Candle[] = []
    for (let i = Math.max(0, end - limit); i < end; i++) {
      candles.push([series.time[i]!, series.open[i]!, series.high[i]!, series.low[i]!, series.close[i]!, series.volume[i]!])
    }
    return { candles }
  }

  private series(id: number): CandleSeries {
    const { data } = this.report(id)
    const spec = parseDataSpec(data.source)
    const version = spec.kind === 'csv' ? fileVersion(spec.path) : ''
    if (this.cached?.id === id && this.cached.version === version) return this.cached.series
    const loaded = loadData(spec, { dataDir: this.dataDir, from: data.from, to: data.to, symbol: data.symbol, timeframe: data.timeframe })
    const { series } = loaded
    const same = series.length === data.candles && series.time[0] === data.from && loaded.info.timeframe === data.timeframe
    if (!same) {
      throw new KeelError('rejected', `backtest ${id}: its data (${data.source}) no longer holds the ${data.candles} candles the run used (now ${series.length}): it changed since the run`)
    }
    this.cached = { id, version, series }
    return series
  }
}

/** Changes when the file does (a CSV edited since the last read is read again). */
function fileVersion(path: string): string {
  try {
    const st = statSync(path)
    return `${st.mtimeMs}:${st.size}`
  } catch {
    return 'missing'
  }
}

/** The first index whose time is ≥ t (times ascending). */
function lowerBound(times: Float64Array, t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}
