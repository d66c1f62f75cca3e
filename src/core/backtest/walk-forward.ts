import type { BacktestMetrics, WalkForwardReport, WalkForwardSpec, WalkForwardWindow } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import { loadRequestData, resolveStrategy } from './job'
import { bufferOf } from './series'
import type { BacktestStore } from './store'
import { runSweep } from './sweep'
import { objectiveValue } from './sweep-plan'
import type { SharedCandles } from './sweep-task'
import type { TaskRunner } from './thread-pool'

/**
 * Walk-forward optimisation: the params are chosen by a sweep over each in-sample window and
 * judged on the out-of-sample window right after it, which the choice never saw. A window whose
 * OOS result falls well short of its IS result is flagged as overfit.
 */

export interface WalkForwardOptions {
  store: BacktestStore
  runner: TaskRunner
  dataDir: string
  onProgress?: (done: number, total: number) => void
}

export interface WindowBounds {
  isStart: number
  isEnd: number
  oosEnd: number
}

/** Candle index windows: rolling (fixed IS length) or anchored (IS grows from the start). */
export function windowBounds(candles: number, scheme: WalkForwardSpec['scheme'], inSample: number, outOfSample: number): WindowBounds[] {
  const out: WindowBounds[] = []
  for (let k = 0; ; k++) {
    const isEnd = inSample + k * outOfSample
    const oosEnd = isEnd + outOfSample
    if (oosEnd > candles) break
    out.push({ isStart: scheme === 'anchored' ? 0 : isEnd - inSample, isEnd, oosEnd })
  }
  return out
}

export async function runWalkForward(spec: WalkForwardSpec, options: WalkForwardOptions): Promise<WalkForwardReport> {
  const { sweep } = spec
  const data = loadRequestData(sweep.base, options.dataDir, true)
  const n = data.series.length
  const bounds = windowBounds(n, spec.scheme, spec.inSample, spec.outOfSample)
  if (bounds.length === 0) {
    throw new KeelError('bad_request', `${n} candles hold no window of ${spec.inSample} in-sample + ${spec.outOfSample} out-of-sample candles`)
  }
  const { definition, ref } = resolveStrategy(sweep.base.strategy)
  const warmup = sweep.base.config.warmup ?? definition.warmup ?? 0
  const window = (start: number, end: number): SharedCandles => ({
    buffer: bufferOf(data.series) as SharedArrayBuffer,
    length: n,
    start,
    end,
    info: data.info
  })
  const time = data.series.time
  const step = n > 1 ? time[1] - time[0] : 0
  const windows: WalkForwardWindow[] = []
  let totalTrials = 0
  for (const [k, b] of bounds.entries()) {
    const result = await runSweep(sweep, {
      store: options.store,
      runner: options.runner,
      dataDir: options.dataDir,
      shared: window(b.isStart, b.isEnd),
      onProgress: (done, total) => options.onProgress?.(k * (total + 1) + done, bounds.length * (total + 1))
    })
    totalTrials += result.points.length
    const best = result.best === null ? undefined : result.points[result.best]
    let oosMetrics: BacktestMetrics | null = null
    if (best) {
      // The OOS run starts `warmup` candles early so the strategy is warm at the window's first candle.
      const oos = await options.runner.run({
        index: 0,
        request: { ...sweep.base, strategy: ref, params: best.params },
        dataDir: options.dataDir,
        shared: window(Math.max(0, b.isEnd - warmup), b.oosEnd)
      })
      if (oos.error) throw new KeelError('rejected', `out-of-sample run of window ${k + 1} failed: ${oos.error}`)
      oosMetrics = oos.metrics
    }
    const isObjective = objectiveValue(best?.metrics ?? null, sweep.objective)
    const oosObjective = objectiveValue(oosMetrics, sweep.objective)
    windows.push({
      inSample: { from: time[b.isStart], to: time[b.isEnd - 1] + step },
      outOfSample: { from: time[b.isEnd], to: time[b.oosEnd - 1] + step },
      trials: result.points.length,
      bestParams: best?.params ?? null,
      isObjective,
      oosObjective,
      isMetrics: best?.metrics ?? null,
      oosMetrics,
      overfit: isObjective !== null && isObjective > 0 && (oosObjective === null || oosObjective < spec.overfitRatio * isObjective)
    })
  }
  const scored = windows.filter((w) => w.isObjective !== null && w.oosObjective !== null)
  const meanIs = scored.reduce((s, w) => s + (w.isObjective ?? 0), 0) / (scored.length || 1)
  const meanOos = scored.reduce((s, w) => s + (w.oosObjective ?? 0), 0) / (scored.length || 1)
  return {
    objective: sweep.objective,
    scheme: spec.scheme,
    windows,
    totalTrials,
    efficiency: scored.length > 0 && meanIs > 0 ? meanOos / meanIs : null,
    overfitWindows: windows.filter((w) => w.overfit).length
  }
}
