import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DataInfo } from '../../shared/backtest'
import type { CandleGap } from '../market/candles'
import { KeelError } from '../../shared/errors'
import { Timeframe, TIMEFRAME_MS } from '../../shared/market-data'
import { readCandleCsvFile } from '../market/candle-csv'
import { DemoHistory } from '../market/demo-history'
import { demoSpec, DEMO_EXCHANGE_ID } from '../market/demo-symbols'
import { MarketStore } from '../storage/market/market-store'
import { allocateSeries, copySeries, seriesFromCandles, sliceSeries, type CandleSeries } from './series'

/**
 * Where a backtest's candles come from: a CSV file (`timestamp,open,high,low,close,volume`),
 * downloaded history in market.db (`exchange:SYMBOL:timeframe`), or the demo market's
 * deterministic history (`demo:SYMBOL:timeframe`).
 */

export type DataSpec =
  | { kind: 'csv'; path: string }
  | { kind: 'store'; exchange: string; symbol: string; timeframe: Timeframe }
  | { kind: 'demo'; symbol: string; timeframe: Timeframe }

/** The demo history's seed when none is given (any fixed value keeps runs reproducible). */
export const DEMO_HISTORY_SEED = 20261121

export function parseDataSpec(text: string): DataSpec {
  const spec = text.trim()
  if (spec === '') throw new KeelError('bad_request', '--data is empty: give a CSV file or exchange:SYMBOL:timeframe')
  if (/\.csv$/i.test(spec) || existsSync(spec)) return { kind: 'csv', path: spec }
  const parts = spec.split(':')
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new KeelError('bad_request', `--data "${spec}" is neither a CSV file nor exchange:SYMBOL:timeframe (e.g. demo:BTC/USDT:1h)`)
  }
  const [exchange, symbol, tf] = parts
  const timeframe = Timeframe.safeParse(tf)
  if (!timeframe.success) throw new KeelError('bad_request', `timeframe "${tf}" is not one of ${Timeframe.options.join(', ')}`)
  if (!symbol.includes('/')) throw new KeelError('bad_request', `symbol "${symbol}" must look like BASE/QUOTE`)
  return exchange === DEMO_EXCHANGE_ID
    ? { kind: 'demo', symbol, timeframe: timeframe.data }
    : { kind: 'store', exchange, symbol, timeframe: timeframe.data }
}

export interface LoadOptions {
  /** Where market.db lives (for exchange:SYMBOL:timeframe). */
  dataDir: string
  from?: number
  to?: number
  /** For CSV files: the symbol they hold (default BTC/USDT). */
  symbol?: string
  /** Overrides the timeframe inferred from a CSV's timestamps. */
  timeframe?: Timeframe
  /** The clock for the demo history's end when `to` is not given. */
  now?: number
  demoSeed?: number
}

export interface LoadedData {
  series: CandleSeries
  info: Omit<DataInfo, 'candles' | 'from' | 'to'>
}

export function loadData(spec: DataSpec, options: LoadOptions, sharedMemory = false): LoadedData {
  for (const [name, t] of [['from', options.from], ['to', options.to]] as const) {
    if (t !== undefined && !Number.isFinite(t)) throw new KeelError('bad_request', `${name} must be a time in epoch ms, got ${t}`)
  }
  const { candles, symbol, timeframe, source } = readCandles(spec, options, sharedMemory)
  // Every source gives its candles in ascending time: the range is a window of them.
  const inRange = sliceSeries(candles, options.from, options.to)
  if (inRange.length === 0) throw new KeelError('bad_request', `${source}: no candles${rangeText(options)}`)
  const gaps = gapsBetween(inRange.time, TIMEFRAME_MS[timeframe])
  // All of the source stays where it was read (laid out by allocateSeries); a narrower window,
  // which would keep all of it alive, gets memory of its own.
  const series = inRange.length === candles.length ? candles : copySeries(inRange, sharedMemory)
  return { series, info: { source, symbol, timeframe, gaps } }
}

function rangeText(options: LoadOptions): string {
  if (options.from === undefined && options.to === undefined) return ''
  const at = (t: number | undefined) => (t === undefined ? '…' : new Date(t).toISOString())
  return ` in ${at(options.from)} – ${at(options.to)}`
}

/** The source's candles, laid out by allocateSeries (on shared memory when `shared`). */
function readCandles(spec: DataSpec, options: LoadOptions, shared: boolean): { candles: CandleSeries; symbol: string; timeframe: Timeframe; source: string } {
  switch (spec.kind) {
    case 'csv': {
      if (!existsSync(spec.path)) throw new KeelError('bad_request', `CSV file ${spec.path} not found`)
      let candles: CandleSeries
      try {
        candles = readCandleCsvFile(spec.path, { allocate: (length) => allocateSeries(length, shared) })
      } catch (err) {
        throw new KeelError('bad_request', `${spec.path}: ${err instanceof Error ? err.message : String(err)}`)
      }
      const timeframe = options.timeframe ?? inferTimeframe(candles.time, spec.path)
      return { candles, symbol: options.symbol ?? 'BTC/USDT', timeframe, source: spec.path }
    }
    case 'store': {
      const path = join(options.dataDir, 'market.db')
      const source = `${spec.exchange}:${spec.symbol}:${spec.timeframe}`
      if (!existsSync(path)) throw new KeelError('bad_request', `no market.db in ${options.dataDir}: download history first (downloadHistory)`)
      const store = new MarketStore(path)
      try {
        const candles = seriesFromCandles(store.range(spec, options.from ?? 0, options.to ?? Number.MAX_SAFE_INTEGER), shared)
        return { candles, symbol: spec.symbol, timeframe: spec.timeframe, source }
      } finally {
        store.close()
      }
    }
    case 'demo': {
      let symbolSpec
      try {
        symbolSpec = demoSpec(spec.symbol)
      } catch (err) {
        throw new KeelError('bad_request', err instanceof Error ? err.message : String(err))
      }
      const step = TIMEFRAME_MS[spec.timeframe]
      // The history ends at `to` (or the current day's start), so the same command gives the same candles all day.
      const end = options.to ?? Math.floor((options.now ?? Date.now()) / 86_400_000) * 86_400_000
      const since = options.from ?? end - 1_000 * step
      const history = new DemoHistory(symbolSpec, options.demoSeed ?? DEMO_HISTORY_SEED, end)
      return {
        candles: seriesFromCandles(history.candles(spec.timeframe, since, end), shared),
        symbol: spec.symbol,
        timeframe: spec.timeframe,
        source: `demo:${spec.symbol}:${spec.timeframe}`
      }
    }
  }
}

/**
 * Missing candles between consecutive rows (more than one timeframe apart). Works on series
 * whose timestamps are not aligned to the timeframe grid, as exported files often are not.
 */
export function gapsBetween(times: ArrayLike<number>, step: number): CandleGap[] {
  const gaps: CandleGap[] = []
  for (let i = 1; i < times.length; i++) {
    const missing = Math.round((times[i] - times[i - 1]) / step) - 1
    if (missing > 0) gaps.push({ from: times[i - 1] + step, to: times[i] - step, missing })
  }
  return gaps
}

/** The most common spacing of the timestamps, which must be one of Keel's timeframes. */
export function inferTimeframe(times: ArrayLike<number>, source: string): Timeframe {
  const counts = new Map<number, number>()
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1]
    counts.set(d, (counts.get(d) ?? 0) + 1)
  }
  let best = 0
  let bestCount = 0
  for (const [d, n] of counts) if (n > bestCount) [best, bestCount] = [d, n]
  const match = Timeframe.options.find((tf) => TIMEFRAME_MS[tf] === best)
  if (!match) {
    const what = times.length < 2 ? 'fewer than two rows' : `rows ${best} ms apart`
    throw new KeelError('bad_request', `${source}: cannot tell the timeframe (${what}); give it with --timeframe`)
  }
  return match
}
