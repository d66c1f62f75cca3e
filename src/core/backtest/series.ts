import type { Candle, CandleColumns } from '../../shared/market-data'

/** Candles as columns (see CandleColumns); a backtest reads its candles this way. */
export type CandleSeries = CandleColumns

const FIELDS = 6
/** Bytes a candle takes on a buffer laid out by allocateSeries (six Float64 columns). */
export const SERIES_BYTES_PER_CANDLE = FIELDS * Float64Array.BYTES_PER_ELEMENT

/** An empty series of `length` candles, on shared memory when `shared` (for worker threads). */
export function allocateSeries(length: number, shared = false): CandleSeries {
  const bytes = length * SERIES_BYTES_PER_CANDLE
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)
  return seriesOnBuffer(buffer, length)
}

/** Views a buffer laid out by allocateSeries (e.g. one received by a worker thread). */
export function seriesOnBuffer(buffer: ArrayBufferLike, length: number): CandleSeries {
  const column = (i: number) => new Float64Array(buffer, i * length * Float64Array.BYTES_PER_ELEMENT, length)
  return { length, time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) }
}

/** The candles of `series` on memory of their own, laid out by allocateSeries (shared when `shared`). */
export function copySeries(series: CandleSeries, shared = false): CandleSeries {
  const copy = allocateSeries(series.length, shared)
  copy.time.set(series.time.subarray(0, series.length))
  copy.open.set(series.open.subarray(0, series.length))
  copy.high.set(series.high.subarray(0, series.length))
  copy.low.set(series.low.subarray(0, series.length))
  copy.close.set(series.close.subarray(0, series.length))
  copy.volume.set(series.volume.subarray(0, series.length))
  return copy
}

/** The buffer under a series laid out by allocateSeries (seriesOnBuffer reads it back); a
 * window of one (sliceSeries) shares the buffer but not the layout: copySeries it first. */
export function bufferOf(series: CandleSeries): ArrayBufferLike {
  return series.time.buffer
}

export function seriesFromCandles(candles: readonly Candle[], shared = false): CandleSeries {
  const series = allocateSeries(candles.length, shared)
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]
    series.time[i] = c[0]
    series.open[i] = c[1]
    series.high[i] = c[2]
    series.low[i] = c[3]
    series.close[i] = c[4]
    series.volume[i] = c[5]
  }
  return series
}

/** Candles with from ≤ time < to (both optional), as views on the same memory. */
export function sliceSeries(series: CandleSeries, from?: number, to?: number): CandleSeries {
  const start = from === undefined ? 0 : lowerBound(series.time, from)
  const end = to === undefined ? series.length : lowerBound(series.time, to)
  return sliceByIndex(series, start, Math.max(start, end))
}

export function sliceByIndex(series: CandleSeries, start: number, end: number): CandleSeries {
  return {
    length: end - start,
    time: series.time.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end)
  }
}

/** First index whose time is ≥ t. */
function lowerBound(times: Float64Array, t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid] < t) lo = mid + 1
    else hi = mid
  }
  return lo
}
