import type { BacktestMetrics, WalkForwardReport, WalkForwardSpec } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import type { StoredWindow } from '../../shared/optimization'
import type { ParamValues } from '../strategy/contract'
import { seriesOnBuffer } from './series'
import type { BacktestStore } from './store'
import { checkSameData, checkSameStrategy, plannedOn, prepareSweep, runSweep, type StopRequest } from './sweep'
import { objectiveValue } from './sweep-plan'
import { SweepJobs } from './sweep-store'
import type { SharedCandles, StrategyOutline } from './sweep-task'
import type { TaskRunner } from './thread-pool'

/**
 * Walk-forward optimisation: the params are chosen by a sweep over each in-sample window and
 * judged on the out-of-sample window right after it, which the choice never saw. A window whose
 * OOS result falls well short of its IS result is flagged as overfit. Each window's sweep and
 * result are stored as they finish, so a walk-forward interrupted anywhere resumes (`resume: id`)
 * without running a finished point or window again.
 */

export interface WalkForwardOptions {
  store: BacktestStore
  runner: TaskRunner
  dataDir: string
  /** Resume this walk-forward instead of starting one from the spec. */
  resume?: number
  /** Trials done and planned over the whole walk-forward, and the window under way. */
  onProgress?: (done: number, total: number, window: number) => void
  shouldStop?: () => StopRequest
  signal?: AbortSignal
  now?: () => number
}

export interface WalkForwardOutcome extends WalkForwardReport {
  walkForwardId: number
  stopped: false | 'cancelled' | 'paused'
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

export interface PreparedWalkForward {
  spec: WalkForwardSpec
  bounds: WindowBounds[]
  /** Every window sweeps these points; each window also has one OOS run. */
  points: ParamValues[]
  shared: SharedCandles
  warmup: number
  /** The strategy as described when planning (its fingerprint is stored with the job). */
  outline: StrategyOutline
}

/** Checks a walk-forward before it is stored: data, strategy, points and at least one window. */
export async function prepareWalkForward(spec: WalkForwardSpec, runner: TaskRunner, dataDir: string): Promise<PreparedWalkForward> {
  const sweep = await prepareSweep(spec.sweep, runner, dataDir)
  const n = sweep.shared.length
  const bounds = windowBounds(n, spec.scheme, spec.inSample, spec.outOfSample)
  if (bounds.length === 0) {
    throw new KeelError('bad_request', `${n} candles hold no window of ${spec.inSample} in-sample + ${spec.outOfSample} out-of-sample candles`)
  }
  const warmup = spec.sweep.base.config.warmup ?? sweep.outline.warmup ?? 0
  return { spec: { ...spec, sweep: sweep.spec }, bounds, points: sweep.points, shared: sweep.shared, warmup, outline: sweep.outline }
}

export async function runWalkForward(specOrNull: WalkForwardSpec | null, options: WalkForwardOptions): Promise<WalkForwardOutcome> {
  const jobs = new SweepJobs(options.store)
  const now = options.now ?? Date.now
  let id: number
  let prepared: PreparedWalkForward
  if (options.resume !== undefined) {
    const stored = jobs.walkForward(options.resume)
    if (!stored) throw new KeelError('not_found', `walk-forward ${options.resume} not found`)
    id = options.resume
    prepared = await prepareWalkForward(stored.spec, options.runner, options.dataDir)
    checkSameData(`walk-forward ${id}`, stored.fingerprint, prepared.shared)
    if (checkSameStrategy(`walk-forward ${id}`, stored.strategyFingerprint, prepared.outline).adopt) jobs.adoptStrategyFingerprint(id, prepared.outline.fingerprint, stored.strategyFingerprint)
  } else {
    if (!specOrNull) throw new KeelError('bad_request', 'a walk-forward needs a spec or an id to resume')
    prepared = await prepareWalkForward(specOrNull, options.runner, options.dataDir)
    id = jobs.createWalkForward(prepared.spec, prepared.bounds.length, prepared.bounds.length * (prepared.points.length + 1), now(), 'cli', plannedOn(prepared))
  }
  jobs.setWalkForwardStatus(id, 'running')
  const { spec, bounds, shared } = prepared
  const sweepSpec = spec.sweep
  const window = (start: number, end: number): SharedCandles => ({ ...shared, start, end })
  const time = seriesOnBuffer(shared.buffer, shared.length).time
  const step = shared.length > 1 ? time[1] - time[0] : 0
  const perWindow = prepared.points.length + 1
  const total = bounds.length * perWindow
  const windows = jobs.windows(id)
  let stopped: WalkForwardOutcome['stopped'] = false
  for (const [k, b] of bounds.entries()) {
    if (windows.some((w) => w.index === k)) continue
    const sweepId =
      jobs.windowSweep(id, k) ??
      jobs.startWindow(id, k, () => options.store.createSweep(sweepSpec, prepared.points, now(), { status: 'running', walkForwardId: id, ...plannedOn(prepared) }))
    const result = await runSweep(null, {
      store: options.store,
      runner: options.runner,
      dataDir: options.dataDir,
      resume: sweepId,
      shared: window(b.isStart, b.isEnd),
      shouldStop: options.shouldStop,
      signal: options.signal,
      now,
      onProgress: (done) => options.onProgress?.(k * perWindow + done, total, k)
    })
    if (result.stopped) {
      stopped = result.stopped
      break
    }
    const best = result.best === null ? undefined : result.points[result.best]
    let oosMetrics: BacktestMetrics | null = null
    if (best) {
      // The OOS run starts `warmup` candles early so the strategy is warm at the window's first candle.
      const oos = await options.runner.run({
        index: 0,
        request: { ...sweepSpec.base, params: best.params },
        dataDir: options.dataDir,
        shared: window(Math.max(0, b.isEnd - prepared.warmup), b.oosEnd),
        strategyFingerprint: prepared.outline.fingerprint
      }, options.signal)
      if (oos.error) throw new KeelError('rejected', `out-of-sample run of window ${k + 1} failed: ${oos.error}`)
      oosMetrics = oos.metrics
    }
    const isObjective = objectiveValue(best?.metrics ?? null, sweepSpec.objective)
    const oosObjective = objectiveValue(oosMetrics, sweepSpec.objective)
    const stored: StoredWindow = {
      index: k,
      sweepId,
      inSample: { from: time[b.isStart], to: time[b.isEnd - 1] + step },
      outOfSample: { from: time[b.isEnd], to: time[b.oosEnd - 1] + step },
      trials: result.points.length,
      bestParams: best?.params ?? null,
      isObjective,
      oosObjective,
      isMetrics: best?.metrics ?? null,
      oosMetrics,
      overfit: isObjective !== null && isObjective > 0 && (oosObjective === null || oosObjective < spec.overfitRatio * isObjective)
    }
    jobs.finishWindow(id, stored)
    windows.push(stored)
    options.onProgress?.((k + 1) * perWindow, total, k)
  }
  if (stopped !== 'paused') jobs.setWalkForwardStatus(id, stopped ? 'cancelled' : 'done')
  return { walkForwardId: id, stopped, ...summarise(spec, windows) }
}

/** The report over the windows finished so far. */
export function summarise(spec: WalkForwardSpec, windows: readonly StoredWindow[]): WalkForwardReport {
  const scored = windows.filter((w) => w.isObjective !== null && w.oosObjective !== null)
  const meanIs = scored.reduce((s, w) => s + (w.isObjective ?? 0), 0) / (scored.length || 1)
  const meanOos = scored.reduce((s, w) => s + (w.oosObjective ?? 0), 0) / (scored.length || 1)
  return {
    objective: spec.sweep.objective,
    scheme: spec.scheme,
    windows: [...windows].sort((a, b) => a.index - b.index),
    totalTrials: windows.reduce((n, w) => n + w.trials, 0),
    efficiency: scored.length > 0 && meanIs > 0 ? meanOos / meanIs : null,
    overfitWindows: windows.filter((w) => w.overfit).length
  }
}
