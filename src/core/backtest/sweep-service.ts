import { join } from 'node:path'
import type { SweepPointResult, SweepSpec, WalkForwardSpec } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import type { BestPoint, GetSweepResult, GetWalkForwardResult, JobState, SweepProgress, SweepSummary, WalkForwardProgress, WalkForwardSummary } from '../../shared/optimization'
import { BacktestStore } from './store'
import { checkSameData, checkSameStrategy, plannedOn, prepareSweep, runSweep, type StopRequest } from './sweep'
import { bestPoint, objectiveValue } from './sweep-plan'
import { SweepJobs, type JobRef } from './sweep-store'
import type { SharedCandles } from './sweep-task'
import { availableParallelism } from 'node:os'
import { onDemand, threadPool, type TaskRunner } from './thread-pool'
import { prepareWalkForward, runWalkForward, summarise } from './walk-forward'

/**
 * Sweeps and walk-forwards for the app (runSweep … resumeWalkForward): checked and stored when
 * asked for, then run one job at a time on a pool of worker threads, progress pushed as events.
 * Everything lives in backtests.db, so a worker killed mid-job resumes it when it starts again:
 * the job that was running first, then the queued ones, never running a finished point twice.
 */

export interface SweepServiceOptions {
  dataDir: string
  emitSweep: (progress: SweepProgress) => void
  emitWalkForward: (progress: WalkForwardProgress) => void
  /** Default: piscina threads, one per core. */
  runner?: TaskRunner
  /** Describes strategies and loads candles for requests being checked: its own thread by default,
   * so a runSweep call is answered while every point thread is busy. */
  planner?: TaskRunner
  now?: () => number
  /** Least time between two progress events of one job (the last one is always sent). */
  progressEveryMs?: number
  /** A point running longer is stopped (its thread ended) and stored as failed: a strategy that never returns cannot hold a sweep forever. */
  pointTimeoutMs?: number
  /** How long the default pools' threads stay after the last job (0: they go at once). */
  keepThreadsMs?: number
  /** Starts the default pools (piscina threads); given by tests to count the starts. */
  startPool?: (threads: number) => TaskRunner
}

/** Ten minutes: far beyond any sane point (1 M candles run in about a second), short of forever. */
export const DEFAULT_POINT_TIMEOUT_MS = 600_000

/**
 * A minute: a trader's next sweep, started soon after the last, runs on threads that have the
 * engine compiled already (each thread is an isolate that compiles it for itself: a 100-point
 * bench sweep on 2 fresh threads takes a quarter longer or more); an idle strategy worker gives
 * them up after.
 * A kept thread reloads a strategy file that changed (each point carries its fingerprint).
 */
export const DEFAULT_KEEP_THREADS_MS = 60_000

interface Active {
  job: JobRef
  stop: StopRequest
  /** Aborted by a cancel: the points under way end at once. */
  abort: AbortController
}

export class SweepService {
  private readonly store: BacktestStore
  private readonly jobs: SweepJobs
  private readonly points: TaskRunner & { release?(): Promise<void> }
  private readonly runner: TaskRunner
  private readonly planner: TaskRunner & { release?(): Promise<void> }
  /** Requests being checked on the planner right now (it is not released under them). */
  private planning = 0
  private active: Active | null = null
  private running: Promise<void> = Promise.resolve()
  private closing = false
  /** The last data a request was checked against, kept for its job (checking and running back to back). */
  private loaded: { key: string; shared: SharedCandles } | null = null
  private releaseTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: SweepServiceOptions) {
    this.store = new BacktestStore(join(options.dataDir, 'backtests.db'))
    this.jobs = new SweepJobs(this.store)
    // The default pools hold threads only while there is work (and keepThreadsMs after): the strategy worker idles light.
    const threads = Math.max(1, availableParallelism())
    const start = options.startPool ?? ((n: number) => threadPool({ threads: n }))
    this.points = options.runner ?? onDemand(threads, () => start(threads))
    this.runner = guarded(this.points, () => this.closing, options.pointTimeoutMs ?? DEFAULT_POINT_TIMEOUT_MS)
    this.planner = options.planner ?? (options.runner ? this.runner : onDemand(1, () => start(1)))
    this.pump()
  }

  async startSweep(spec: SweepSpec): Promise<{ sweepId: number; total: number }> {
    const started = await this.planned(async () => {
      const prepared = await prepareSweep(spec, this.cachingRunner(), this.options.dataDir)
      const sweepId = this.store.createSweep(prepared.spec, prepared.points, this.now(), { status: 'queued', origin: 'app', ...plannedOn(prepared) })
      return { sweepId, total: prepared.points.length }
    })
    this.options.emitSweep({ sweepId: started.sweepId, state: 'queued', done: 0, failed: 0, total: started.total, best: null })
    this.pump()
    return started
  }

  async startWalkForward(spec: WalkForwardSpec): Promise<{ walkForwardId: number; windows: number; total: number }> {
    const started = await this.planned(async () => {
      const prepared = await prepareWalkForward(spec, this.cachingRunner(), this.options.dataDir)
      const windows = prepared.bounds.length
      const total = windows * (prepared.points.length + 1)
      return { walkForwardId: this.jobs.createWalkForward(prepared.spec, windows, total, this.now(), 'app', plannedOn(prepared)), windows, total }
    })
    this.options.emitWalkForward({ walkForwardId: started.walkForwardId, state: 'queued', window: 0, windows: started.windows, done: 0, total: started.total })
    this.pump()
    return started
  }

  listSweeps(limit: number, before?: number) {
    return { sweeps: this.jobs.listSweeps(limit, before) }
  }

  getSweep(id: number, offset: number, limit: number): GetSweepResult {
    const sweep = this.jobs.sweepSummaryById(id)
    const stored = this.store.sweep(id)
    if (!sweep || !stored) throw new KeelError('not_found', `sweep ${id} not found`)
    return { sweep, spec: stored.spec, points: this.store.sweepPoints(id).slice(offset, offset + limit) }
  }

  listWalkForwards(limit: number, before?: number) {
    return { walkForwards: this.jobs.listWalkForwards(limit, before) }
  }

  getWalkForward(id: number): GetWalkForwardResult {
    const walkForward = this.jobs.walkForwardSummaryById(id)
    const stored = this.jobs.walkForward(id)
    if (!walkForward || !stored) throw new KeelError('not_found', `walk-forward ${id} not found`)
    const windows = this.jobs.windows(id)
    const report = summarise(stored.spec, windows)
    return { walkForward, spec: stored.spec, windows, totalTrials: report.totalTrials, efficiency: report.efficiency }
  }

  /** A queued job is cancelled at once; a running one too, its points under way stopped (they stay pending). */
  cancel(job: JobRef): { cancelled: boolean } {
    if (this.active && this.active.job.kind === job.kind && this.active.job.id === job.id) {
      this.active.stop = true
      this.active.abort.abort()
      return { cancelled: true }
    }
    const state = job.kind === 'sweep' ? this.jobs.sweepSummaryById(job.id)?.state : this.jobs.walkForwardSummaryById(job.id)?.state
    if (state === undefined) throw new KeelError('not_found', `${job.kind === 'sweep' ? 'sweep' : 'walk-forward'} ${job.id} not found`)
    if (state !== 'queued' && state !== 'running') return { cancelled: false }
    if (job.kind === 'sweep') this.store.setSweepStatus(job.id, 'cancelled')
    else this.jobs.setWalkForwardStatus(job.id, 'cancelled')
    this.emitState(job, 'cancelled')
    return { cancelled: true }
  }

  /**
   * Carries a cancelled or failed sweep on from its pending points (finished ones are kept as
   * stored), once its strategy still loads and its candles are the ones it was planned on.
   * It queues behind a running job.
   */
  async resumeSweep(id: number): Promise<{ sweep: SweepSummary }> {
    const walkForward = this.jobs.sweepWalkForward(id)
    if (walkForward !== null) throw new KeelError('rejected', `sweep ${id} is a window of walk-forward ${walkForward}: resume the walk-forward`)
    await this.resume({ kind: 'sweep', id }, async () => {
      const stored = this.store.sweep(id)!
      const prepared = await prepareSweep(stored.spec, this.cachingRunner(), this.options.dataDir)
      checkSameData(`sweep ${id}`, stored.fingerprint, prepared.shared)
      checkSameStrategy(`sweep ${id}`, stored.strategyFingerprint, prepared.outline)
    })
    const sweep = this.jobs.sweepSummaryById(id) as SweepSummary
    this.options.emitSweep({ sweepId: id, state: 'queued', done: sweep.done, failed: sweep.failed, total: sweep.total, best: sweep.best })
    this.pump()
    return { sweep: this.jobs.sweepSummaryById(id) as SweepSummary }
  }

  /** A cancelled or failed walk-forward carried on: finished windows and points kept, checked as resumeSweep is. */
  async resumeWalkForward(id: number): Promise<{ walkForward: WalkForwardSummary }> {
    await this.resume({ kind: 'walkForward', id }, async () => {
      const stored = this.jobs.walkForward(id)!
      const prepared = await prepareWalkForward(stored.spec, this.cachingRunner(), this.options.dataDir)
      checkSameData(`walk-forward ${id}`, stored.fingerprint, prepared.shared)
      checkSameStrategy(`walk-forward ${id}`, stored.strategyFingerprint, prepared.outline)
    })
    const w = this.jobs.walkForwardSummaryById(id) as WalkForwardSummary
    const perWindow = w.windows > 0 ? w.trialsTotal / w.windows : 0
    this.options.emitWalkForward({ walkForwardId: id, state: 'queued', window: w.windowsDone, windows: w.windows, done: w.windowsDone * perWindow, total: w.trialsTotal })
    this.pump()
    return { walkForward: this.jobs.walkForwardSummaryById(id) as WalkForwardSummary }
  }

  /** Checks, re-plans (strategy and candles as when planned) and requeues a stopped job. */
  private async resume(job: JobRef, replan: () => Promise<void>): Promise<void> {
    this.checkResumable(job)
    // Queued while still planning: the service is never idle between the check and the queue
    // (idle, it would drop the candles just loaded for the job, or its threads).
    await this.planned(async () => {
      await replan()
      // Checked again: another resume of the same job may have queued it while this one loaded.
      this.checkResumable(job)
      this.jobs.requeue(job)
    })
  }

  /** Only a job that stopped before its end resumes: an unknown one is a 404, a queued, running or done one a 422 with the reason. */
  private checkResumable(job: JobRef): void {
    const what = `${job.kind === 'sweep' ? 'sweep' : 'walk-forward'} ${job.id}`
    const state: JobState | undefined = job.kind === 'sweep' ? this.jobs.sweepSummaryById(job.id)?.state : this.jobs.walkForwardSummaryById(job.id)?.state
    if (state === undefined) throw new KeelError('not_found', `${what} not found`)
    if (state === 'cancelled' || state === 'failed') return
    const reason = state === 'done' ? 'it is done: nothing is left to run' : `it is ${state}; only a cancelled or failed one resumes`
    throw new KeelError('rejected', `${what} cannot be resumed: ${reason}`)
  }

  /** Stops without losing anything: the running job stays `running` in the database and resumes on the next start. */
  async close(): Promise<void> {
    this.closing = true
    this.keepThreads()
    if (this.active) this.active.stop = 'pause'
    await Promise.all([this.runner.close(), this.planner === this.runner ? undefined : this.planner.close()])
    await this.running
    this.store.close()
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** The runner, planning on the planner's thread, with the loaded candles kept for the job that is about to run on them. */
  private cachingRunner(): TaskRunner {
    return {
      ...this.runner,
      describe: (ref) => this.planner.describe(ref),
      load: async (request, dataDir) => {
        const key = JSON.stringify([request.data, request.from, request.to, request.config.symbol, request.config.timeframe])
        if (this.loaded?.key === key) return this.loaded.shared
        const shared = await this.planner.load(request, dataDir)
        this.loaded = { key, shared }
        return shared
      }
    }
  }

  /** Checks (and stores) a request with the planner held. */
  private async planned<T>(check: () => Promise<T>): Promise<T> {
    this.planning++
    this.keepThreads()
    try {
      return await check()
    } finally {
      this.planning--
      this.releaseIfIdle()
    }
  }

  private idle(): boolean {
    return !this.active && !this.closing && this.planning === 0 && !this.jobs.nextJob()
  }

  /**
   * With no job to run and nothing being checked, the kept candles go (a file may change before
   * the next job), and the threads keepThreadsMs later if nothing came meanwhile.
   */
  private releaseIfIdle(): void {
    if (!this.idle()) return
    this.loaded = null
    this.keepThreads()
    const release = () => {
      this.releaseTimer = null
      if (!this.idle()) return
      void this.points.release?.()
      void this.planner.release?.()
    }
    const keepMs = this.options.keepThreadsMs ?? DEFAULT_KEEP_THREADS_MS
    if (keepMs <= 0) return release()
    this.releaseTimer = setTimeout(release, keepMs)
    this.releaseTimer.unref()
  }

  /** Work came: the threads stay. */
  private keepThreads(): void {
    if (this.releaseTimer) clearTimeout(this.releaseTimer)
    this.releaseTimer = null
  }

  private pump(): void {
    if (this.active || this.closing) return
    const job = this.jobs.nextJob()
    if (!job) return this.releaseIfIdle()
    this.keepThreads()
    const active: Active = { job, stop: false, abort: new AbortController() }
    this.active = active
    this.running = this.runJob(active).finally(() => {
      this.active = null
      this.pump()
    })
  }

  private async runJob(active: Active): Promise<void> {
    const { job } = active
    try {
      if (job.kind === 'sweep') await this.runSweepJob(job.id, active)
      else await this.runWalkForwardJob(job.id, active)
    } catch (err) {
      // Closing aborts the points under way: the job stays running, to resume.
      if (this.closing) return
      if (active.stop === true) {
        if (job.kind === 'sweep') this.store.setSweepStatus(job.id, 'cancelled')
        else this.jobs.setWalkForwardStatus(job.id, 'cancelled')
        return this.emitState(job, 'cancelled')
      }
      const message = err instanceof Error ? err.message : String(err)
      if (job.kind === 'sweep') this.store.setSweepStatus(job.id, 'failed', message)
      else this.jobs.setWalkForwardStatus(job.id, 'failed', message)
      this.emitState(job, 'failed', message)
    }
  }

  private async runSweepJob(id: number, active: Active): Promise<void> {
    const stored = this.store.sweep(id)
    if (!stored) return
    const objective = stored.spec.objective
    // After a restart the best so far is recomputed from the stored points (the last one may not have been counted).
    let best = bestOf(this.store.sweepPoints(id), objective)
    this.jobs.setBest(id, best)
    const throttle = this.throttle()
    let failed = this.jobs.sweepSummaryById(id)?.failed ?? 0
    const result = await runSweep(null, {
      ...this.jobOptions(id, active),
      onProgress: (done, total, point) => {
        if (point?.error) failed++
        const value = point ? objectiveValue(point.metrics, objective) : null
        if (point && value !== null && (best === null || value > best.value)) {
          best = { index: point.index, params: point.params, value }
          this.jobs.setBest(id, best)
        }
        if (throttle(done === total)) this.options.emitSweep({ sweepId: id, state: 'running', done: done - failed, failed, total, best })
      }
    })
    if (result.stopped === 'paused') return
    const summary = this.jobs.sweepSummaryById(id)
    if (summary) this.options.emitSweep({ sweepId: id, state: summary.state, done: summary.done, failed: summary.failed, total: summary.total, best: summary.best })
  }

  private async runWalkForwardJob(id: number, active: Active): Promise<void> {
    const throttle = this.throttle()
    let windows = this.jobs.walkForward(id)?.windows ?? 0
    const result = await runWalkForward(null, {
      ...this.jobOptions(id, active),
      onProgress: (done, total, window) => {
        windows = this.jobs.walkForward(id)?.windows ?? windows
        if (throttle(done === total)) this.options.emitWalkForward({ walkForwardId: id, state: 'running', window, windows, done, total })
      }
    })
    if (result.stopped === 'paused') return
    const trials = this.jobs.walkForward(id)?.trials ?? 0
    const state = result.stopped === 'cancelled' ? 'cancelled' : 'done'
    this.options.emitWalkForward({ walkForwardId: id, state, window: Math.max(0, result.windows.length - 1), windows, done: state === 'done' ? trials : result.totalTrials, total: trials })
  }

  /** What a sweep and a walk-forward job are both run with. */
  private jobOptions(id: number, active: Active) {
    return {
      store: this.store,
      runner: this.cachingRunner(),
      dataDir: this.options.dataDir,
      resume: id,
      now: () => this.now(),
      shouldStop: () => active.stop,
      signal: active.abort.signal
    }
  }

  private emitState(job: JobRef, state: 'cancelled' | 'failed', error?: string): void {
    if (job.kind === 'sweep') {
      const s = this.jobs.sweepSummaryById(job.id)
      if (s) this.options.emitSweep({ sweepId: job.id, state, done: s.done, failed: s.failed, total: s.total, best: s.best, ...(error ? { error } : {}) })
    } else {
      const w = this.jobs.walkForwardSummaryById(job.id)
      if (w) this.options.emitWalkForward({ walkForwardId: job.id, state, window: w.windowsDone, windows: w.windows, done: 0, total: w.trialsTotal, ...(error ? { error } : {}) })
    }
  }

  /** true when an event is due: the first, the last, or one at least progressEveryMs after the previous. */
  private throttle(): (last: boolean) => boolean {
    let sentAt = Number.NEGATIVE_INFINITY
    return (last) => {
      const now = Date.now()
      if (!last && now - sentAt < (this.options.progressEveryMs ?? 200)) return false
      sentAt = now
      return true
    }
  }
}

/** The best stored point as events and summaries carry it. */
function bestOf(points: readonly SweepPointResult[], objective: SweepSpec['objective']): BestPoint | null {
  const index = bestPoint(points, objective)
  const point = index === null ? undefined : points.find((p) => p.index === index)
  const value = point ? objectiveValue(point.metrics, objective) : null
  return point && value !== null ? { index: point.index, params: point.params, value } : null
}

/**
 * A point whose thread died (out of memory, a crash in native code) or that ran past its time
 * budget is recorded as failed with the reason, and the sweep goes on; while closing or
 * cancelling, the error propagates so the point stays pending.
 */
function guarded(runner: TaskRunner, closing: () => boolean, timeoutMs: number): TaskRunner {
  return {
    ...runner,
    run: async (task, signal) => {
      const timeout = AbortSignal.timeout(timeoutMs)
      try {
        return await runner.run(task, signal ? AbortSignal.any([signal, timeout]) : timeout)
      } catch (err) {
        // A refusal (the strategy changed since the job was planned) stops the job, as closing and cancelling do.
        if (closing() || signal?.aborted || err instanceof KeelError) throw err
        const error = timeout.aborted
          ? `stopped after ${timeoutMs / 1000} s: a point may take at most that long`
          : `the point's thread failed: ${err instanceof Error ? err.message : String(err)}`
        return { index: task.index, params: task.request.params, metrics: null, error }
      }
    }
  }
}
