import { randomUUID } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { BacktestProgress, BacktestRequest, BacktestSummary, BacktestReport } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import { builtinStrategy } from '../strategy/builtins'
import { resolveParams } from '../strategy/params'
import { parseDataSpec } from './data'
import { RunThreadMessage } from './run-thread'
import { BacktestStore } from './store'
import { workerThreadEntry, type WorkerEntry } from './worker-entry'

/**
 * Backtests for the app (the API's runBacktest … cancelBacktest): each run on its own worker
 * thread, progress pushed as events, the finished report stored in <data-dir>/backtests.db by
 * this service alone (one writer). Runs whose thread dies are reported failed, never lost silently.
 */

export interface BacktestServiceOptions {
  dataDir: string
  emit: (progress: BacktestProgress) => void
  /** The thread entry (default: the built worker beside this bundle, else the source under tsx). */
  threadEntry?: { filename: string; execArgv: string[] }
  maxRunning?: number
  now?: () => number
}

interface Running {
  worker: Worker
  cancel: Int32Array
  done: number
  total: number
}

/** Where a backtest run's thread starts: built (out/main/worker-backtest-run.js) or the source under tsx. */
export function defaultRunEntry(): WorkerEntry {
  return workerThreadEntry('backtest-run', __dirname)
}

export class BacktestService {
  private readonly store: BacktestStore
  private readonly running = new Map<string, Running>()

  constructor(private readonly options: BacktestServiceOptions) {
    this.store = new BacktestStore(join(options.dataDir, 'backtests.db'))
  }

  run(request: BacktestRequest): { runId: string } {
    const limit = this.options.maxRunning ?? Math.max(1, availableParallelism())
    if (this.running.size >= limit) throw new KeelError('rejected', `${this.running.size} backtests are running; at most ${limit} at once`)
    // What can be checked without running user code is checked now, for a 4xx with the reason.
    parseDataSpec(request.data)
    const builtin = builtinStrategy(request.strategy.replace(/^builtin:/, ''))
    if (builtin) resolveParams(builtin.params, request.params)
    const runId = randomUUID()
    const entry = this.options.threadEntry ?? defaultRunEntry()
    const cancelBuffer = new SharedArrayBuffer(4)
    const worker = new Worker(entry.filename, {
      execArgv: entry.execArgv,
      workerData: { request, dataDir: this.options.dataDir, cancel: cancelBuffer },
      resourceLimits: { maxOldGenerationSizeMb: 2048 }
    })
    const run: Running = { worker, cancel: new Int32Array(cancelBuffer), done: 0, total: 0 }
    this.running.set(runId, run)
    let settled = false
    const finish = (progress: Omit<BacktestProgress, 'runId' | 'done' | 'total'>) => {
      if (settled) return
      settled = true
      this.running.delete(runId)
      void worker.terminate()
      this.options.emit({ runId, done: run.done, total: run.total, ...progress })
    }
    worker.on('message', (raw: unknown) => {
      const parsed = RunThreadMessage.safeParse(raw)
      if (!parsed.success) return finish({ state: 'failed', error: 'the backtest thread sent a malformed message' })
      const message = parsed.data
      if (message.type === 'progress') {
        run.done = message.done
        run.total = message.total
        this.options.emit({ runId, state: 'running', done: run.done, total: run.total })
      } else if (message.type === 'done') {
        run.done = run.total = message.report.data.candles
        const backtestId = this.store.save(request, message.report, (this.options.now ?? Date.now)())
        finish({ state: 'done', backtestId })
      } else if (message.type === 'cancelled') finish({ state: 'cancelled' })
      else finish({ state: 'failed', error: message.message })
    })
    worker.on('error', (err) => finish({ state: 'failed', error: `backtest thread crashed: ${err.message}` }))
    worker.on('exit', (code) => finish({ state: 'failed', error: `backtest thread exited (code ${code}) before finishing` }))
    this.options.emit({ runId, state: 'running', done: 0, total: 0 })
    return { runId }
  }

  cancel(runId: string): { cancelled: boolean } {
    const run = this.running.get(runId)
    if (!run) return { cancelled: false }
    Atomics.store(run.cancel, 0, 1)
    return { cancelled: true }
  }

  list(limit: number, before?: number): { backtests: BacktestSummary[] } {
    return { backtests: this.store.list(limit, before) }
  }

  get(id: number): { id: number; report: BacktestReport } {
    const report = this.store.report(id)
    if (!report) throw new KeelError('not_found', `backtest ${id} not found`)
    return { id, report }
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.worker.terminate()))
    this.running.clear()
    this.store.close()
  }
}
