import type { BacktestRequest, SweepPointResult } from '../../shared/backtest'
import { loadRequestData, resolveStrategy, runRequest, type ResolvedStrategy } from './job'
import type { LoadedData } from './data'
import { seriesOnBuffer, sliceByIndex } from './series'

/**
 * One sweep point as an independent, serializable task: a full BacktestRequest plus, when the
 * coordinator already loaded the candles, a window onto its shared memory. A task without
 * `shared` loads its data itself, so the same task could be handed to a job queue and run on
 * another machine (see docs/backtesting.md); here it runs in a worker thread of this one.
 */
export interface SweepTask {
  index: number
  request: BacktestRequest
  dataDir: string
  shared?: SharedCandles
}

/** Candles on a SharedArrayBuffer (laid out by allocateSeries) and the window [start, end) a task uses. */
export interface SharedCandles {
  buffer: SharedArrayBuffer
  length: number
  start: number
  end: number
  info: LoadedData['info']
}

const strategies = new Map<string, ResolvedStrategy>()

/** Strategies are loaded once per thread; a point that fails carries its error instead of stopping the sweep. */
export async function runSweepTask(task: SweepTask): Promise<SweepPointResult> {
  try {
    let strategy = strategies.get(task.request.strategy)
    if (!strategy) strategies.set(task.request.strategy, (strategy = resolveStrategy(task.request.strategy)))
    const data = task.shared ? sharedData(task.shared) : loadRequestData(task.request, task.dataDir)
    const report = await runRequest(task.request, { dataDir: task.dataDir, data, strategy, curves: false })
    return { index: task.index, params: report.strategy.params, metrics: report.metrics }
  } catch (err) {
    return { index: task.index, params: task.request.params, metrics: null, error: err instanceof Error ? err.message : String(err) }
  }
}

function sharedData(shared: SharedCandles): LoadedData {
  return { series: sliceByIndex(seriesOnBuffer(shared.buffer, shared.length), shared.start, shared.end), info: shared.info }
}
