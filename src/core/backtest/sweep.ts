import type { SweepPointResult, SweepResult, SweepSpec } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import { TIMEFRAME_MS } from '../../shared/market-data'
import { isUnversionedBuiltinFingerprint } from '../strategy/builtins'
import type { ParamValues } from '../strategy/contract'
import { resolveParams } from '../strategy/params'
import { seriesOnBuffer } from './series'
import type { BacktestStore } from './store'
import type { JobFingerprints } from './sweep-store'
import { bestPoint, planPoints } from './sweep-plan'
import type { SharedCandles, StrategyOutline } from './sweep-task'
import type { TaskRunner } from './thread-pool'

/**
 * Grid or random search over a strategy's params. Points are planned once and written to
 * backtests.db before any runs; each finished point is written as it arrives, so a sweep that
 * crashed or was stopped resumes with `resume: id` from its pending points.
 */

/** true: stop and mark the sweep cancelled; 'pause': stop and leave it running, to resume later. */
export type StopRequest = boolean | 'pause'

export interface SweepOptions {
  store: BacktestStore
  runner: TaskRunner
  dataDir: string
  /** Resume this sweep instead of starting one from the spec. */
  resume?: number
  onProgress?: (done: number, total: number, point?: SweepPointResult) => void
  shouldStop?: () => StopRequest
  /** Aborting it stops the points under way too (runSweep then rejects; they stay pending). */
  signal?: AbortSignal
  now?: () => number
  /** Candles already loaded on shared memory (walk-forward passes windows of one load). */
  shared?: SharedCandles
}

export interface SweepOutcome extends SweepResult {
  /** Why the sweep ended before its last point, if it did. */
  stopped: false | 'cancelled' | 'paused'
}

export interface PreparedSweep {
  /** The spec as stored: the strategy ref normalised, the data range pinned to the candles loaded. */
  spec: SweepSpec
  points: ParamValues[]
  shared: SharedCandles
  outline: StrategyOutline
}

/**
 * Everything checked before a sweep is stored: the strategy (described on a pool thread), the
 * data (loaded there too), and every planned point against the strategy's params. The range is
 * pinned so a resumed sweep, or one resumed on another day, runs on the same candles.
 */
export async function prepareSweep(spec: SweepSpec, runner: TaskRunner, dataDir: string, shared?: SharedCandles): Promise<PreparedSweep> {
  const outline = await runner.describe(spec.base.strategy)
  const candles = shared ?? (await runner.load(spec.base, dataDir))
  const time = seriesOnBuffer(candles.buffer, candles.length).time
  const base = { ...spec.base, strategy: outline.ref, from: time[candles.start], to: time[candles.end - 1] + TIMEFRAME_MS[candles.info.timeframe] }
  const points = planPoints(spec).map((p) => ({ ...base.params, ...p }))
  for (const point of points) resolveParams(outline.params, point)
  return { spec: { ...spec, base }, points, shared: candles, outline }
}

/** What a job (a sweep, a walk-forward and each of its window sweeps) is stored with. */
export function plannedOn(prepared: { shared: SharedCandles; outline: StrategyOutline }): JobFingerprints {
  return { fingerprint: prepared.shared.fingerprint, strategyFingerprint: prepared.outline.fingerprint }
}

/**
 * The strategy fingerprint a resumed job carries on with: the one it was planned with, which the
 * code must still have (else the resume is refused: its finished points ran other code). A job
 * stored without a checkable one (before fingerprints were kept, or a built-in's before the Keel
 * version was part of it) takes the code's as it is now (`adopt`), and is checked from then on.
 */
export function checkSameStrategy(job: string, planned: string | null, outline: StrategyOutline): { fingerprint: string; adopt: boolean } {
  if (planned === outline.fingerprint) return { fingerprint: planned, adopt: false }
  if (planned === null || (isUnversionedBuiltinFingerprint(planned) && outline.fingerprint.startsWith(`${planned}@`))) return { fingerprint: outline.fingerprint, adopt: true }
  if (outline.fingerprint.startsWith('builtin:')) {
    const version = (fingerprint: string) => fingerprint.split('@')[1] ?? 'unknown'
    throw new KeelError(
      'rejected',
      `the strategy of ${job} (${outline.ref}) is the built-in of Keel ${version(outline.fingerprint)}, and the job was planned with Keel ${version(planned)}'s (its finished points ran that code); start a new one`
    )
  }
  throw new KeelError(
    'rejected',
    `the strategy of ${job} (${outline.ref}) changed since it was planned (its finished points ran other code); put the file back as it was, or start a new one`
  )
}

/**
 * Refuses to carry a job on over candles other than those it was planned on: its finished points
 * would then belong to another data set. A job stored without a fingerprint cannot be checked.
 */
export function checkSameData(job: string, planned: string | null, loaded: SharedCandles): void {
  if (planned === null || planned === loaded.fingerprint) return
  throw new KeelError(
    'rejected',
    `the data of ${job} changed since it was planned (${loaded.length} candles of ${loaded.info.symbol} ${loaded.info.timeframe} differ from those its finished points ran on); start a new one instead`
  )
}

export async function runSweep(specOrNull: SweepSpec | null, options: SweepOptions): Promise<SweepOutcome> {
  const { store } = options
  let id: number
  let spec: SweepSpec
  let shared = options.shared
  let fingerprint: string | null
  let strategyFingerprint: string | null
  if (options.resume !== undefined) {
    const stored = store.sweep(options.resume)
    if (!stored) throw new KeelError('not_found', `sweep ${options.resume} not found`)
    id = options.resume
    spec = stored.spec
    fingerprint = stored.fingerprint
    strategyFingerprint = stored.strategyFingerprint
  } else {
    if (!specOrNull) throw new KeelError('bad_request', 'a sweep needs a spec or a sweep id to resume')
    const prepared = await prepareSweep(specOrNull, options.runner, options.dataDir, shared)
    spec = prepared.spec
    shared = prepared.shared
    fingerprint = shared.fingerprint
    strategyFingerprint = prepared.outline.fingerprint
    id = store.createSweep(spec, prepared.points, (options.now ?? Date.now)(), plannedOn(prepared))
  }
  const pending = store.pendingPoints(id)
  const total = store.sweep(id)?.total ?? pending.length
  let done = total - pending.length
  options.onProgress?.(done, total)
  if (pending.length > 0) {
    shared ??= await options.runner.load(spec.base, options.dataDir)
    checkSameData(`sweep ${id}`, fingerprint, shared)
    if (options.resume !== undefined) {
      // Checked where it runs, even when the resume was checked: the job may have waited in the
      // queue since, and the file may have been edited meanwhile.
      const checked = checkSameStrategy(`sweep ${id}`, strategyFingerprint, await options.runner.describe(spec.base.strategy))
      if (checked.adopt) store.adoptStrategyFingerprint(id, checked.fingerprint, strategyFingerprint)
      strategyFingerprint = checked.fingerprint
    }
  }
  // Only once its candles are checked: a refused resume leaves the sweep as it was (cancelled, failed).
  if (options.resume !== undefined) store.setSweepStatus(id, 'running')
  let next = 0
  let stopped: SweepOutcome['stopped'] = false
  // The first point that rejects (aborted, closing, or refused: other code than planned) ends
  // every lane before its next point; the points under way finish or reject first.
  let failure: { error: unknown } | undefined
  /** The next pending point handed to a thread, or undefined once the lanes are to stop. */
  const dispatch = (): Promise<SweepPointResult | undefined> | undefined => {
    if (next >= pending.length || stopped || failure) return undefined
    const stop = options.shouldStop?.()
    if (stop) {
      stopped = stop === 'pause' ? 'paused' : 'cancelled'
      return undefined
    }
    const point = pending[next++]
    return options.runner
      .run({ index: point.index, request: { ...spec.base, params: point.params }, dataDir: options.dataDir, shared, strategyFingerprint: strategyFingerprint ?? undefined }, options.signal)
      .catch((error: unknown) => {
        failure ??= { error }
        return undefined
      })
  }
  const lane = async (): Promise<void> => {
    for (let running = dispatch(); running; ) {
      const result = await running
      if (!result) return
      // The thread gets its next point before this one is stored: the SQLite write and the
      // progress event run while it computes, instead of the thread waiting on them.
      running = dispatch()
      try {
        store.finishPoint(id, result, (options.now ?? Date.now)())
        options.onProgress?.(++done, total, result)
      } catch (error) {
        // A point that cannot be stored (a full disk) ends the sweep once the points under way end.
        failure ??= { error }
        await running
        return
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.runner.threads, Math.max(1, pending.length)) }, lane))
  if (failure) throw failure.error
  // Set inside the lanes: read through a cast so the compiler does not narrow it to false.
  const outcome = stopped as SweepOutcome['stopped']
  if (outcome !== 'paused') store.setSweepStatus(id, outcome ? 'cancelled' : 'done')
  const points = store.sweepPoints(id)
  return { sweepId: id, objective: spec.objective, points, best: bestPoint(points, spec.objective), stopped: outcome }
}
