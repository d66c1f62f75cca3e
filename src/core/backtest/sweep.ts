import type { SweepPointResult, SweepResult, SweepSpec } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import { resolveParams } from '../strategy/params'
import { loadRequestData, resolveStrategy } from './job'
import { bufferOf } from './series'
import type { BacktestStore } from './store'
import { bestPoint, planPoints } from './sweep-plan'
import type { SharedCandles } from './sweep-task'
import type { TaskRunner } from './thread-pool'

/**
 * Grid or random search over a strategy's params. Points are planned once and written to
 * backtests.db before any runs; each finished point is written as it arrives, so a sweep that
 * crashed or was stopped resumes with `resume: id` from its pending points.
 */

export interface SweepOptions {
  store: BacktestStore
  runner: TaskRunner
  dataDir: string
  /** Resume this sweep instead of starting one from the spec. */
  resume?: number
  onProgress?: (done: number, total: number, point?: SweepPointResult) => void
  shouldStop?: () => boolean
  now?: () => number
  /** Candles already loaded on shared memory (walk-forward passes windows of one load). */
  shared?: SharedCandles
}

export async function runSweep(specOrNull: SweepSpec | null, options: SweepOptions): Promise<SweepResult> {
  const { store } = options
  let id: number
  let spec: SweepSpec
  if (options.resume !== undefined) {
    const stored = store.sweep(options.resume)
    if (!stored) throw new KeelError('not_found', `sweep ${options.resume} not found`)
    id = options.resume
    spec = stored.spec
    store.setSweepStatus(id, 'running')
  } else {
    if (!specOrNull) throw new KeelError('bad_request', 'a sweep needs a spec or a sweep id to resume')
    spec = specOrNull
    const { definition } = resolveStrategy(spec.base.strategy)
    const points = planPoints(spec).map((p) => ({ ...spec.base.params, ...p }))
    // Every point is checked against the strategy's params before anything runs.
    for (const point of points) resolveParams(definition.params, point)
    id = store.createSweep(spec, points, (options.now ?? Date.now)())
  }
  const pending = store.pendingPoints(id)
  const total = store.sweep(id)?.total ?? pending.length
  let done = total - pending.length
  options.onProgress?.(done, total)
  const shared = options.shared ?? shareData(spec, options.dataDir)
  const base = { ...spec.base, strategy: resolveStrategy(spec.base.strategy).ref }
  let next = 0
  let stopped = false
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      if (options.shouldStop?.()) {
        stopped = true
        return
      }
      const point = pending[next++]
      const result = await options.runner.run({ index: point.index, request: { ...base, params: point.params }, dataDir: options.dataDir, shared })
      store.finishPoint(id, result)
      options.onProgress?.(++done, total, result)
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.runner.threads, Math.max(1, pending.length)) }, worker))
  store.setSweepStatus(id, stopped ? 'cancelled' : 'done')
  const points = store.sweepPoints(id)
  return { sweepId: id, objective: spec.objective, points, best: bestPoint(points, spec.objective) }
}

/** Loads the sweep's candles once onto shared memory: every thread reads them without a copy. */
function shareData(spec: SweepSpec, dataDir: string): SharedCandles {
  const data = loadRequestData(spec.base, dataDir, true)
  return { buffer: bufferOf(data.series) as SharedArrayBuffer, length: data.series.length, start: 0, end: data.series.length, info: data.info }
}
