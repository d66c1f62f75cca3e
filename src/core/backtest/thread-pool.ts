import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { Piscina } from 'piscina'
import type { BacktestRequest, SweepPointResult } from '../../shared/backtest'
import {
  describeStrategyTask,
  loadSharedTask,
  pointAnswer,
  runSweepTask,
  SharedCandlesSchema,
  StrategyOutlineSchema,
  threadAnswer,
  unwrapTask,
  type SharedCandles,
  type StrategyOutline,
  type SweepTask,
  type ThreadTask
} from './sweep-task'

/** Runs sweep tasks: on worker threads (piscina), or in this thread (one thread, tests). */
export interface TaskRunner {
  readonly threads: number
  /** An aborted signal ends the point at once (its thread is stopped) and rejects; so does a
   * point that would run other code than its job was planned with (a KeelError with the reason). */
  run(task: SweepTask, signal?: AbortSignal): Promise<SweepPointResult>
  /** The strategy's ref, param specs and warm-up (loading a strategy file runs user code). */
  describe(ref: string): Promise<StrategyOutline>
  /** The request's candles on shared memory, read once for every point. */
  load(request: BacktestRequest, dataDir: string): Promise<SharedCandles>
  close(): Promise<void>
}

export function inThisThread(): TaskRunner {
  return {
    threads: 1,
    run: async (task, signal) => {
      signal?.throwIfAborted()
      return unwrapTask(await runSweepTask(task))
    },
    describe: async (ref) => unwrapTask(describeStrategyTask(ref)),
    load: async (request, dataDir) => unwrapTask(loadSharedTask({ request, dataDir })),
    close: async () => undefined
  }
}

export interface PoolOptions {
  threads?: number
  /** The worker entry; by default the built one beside this bundle, else the TypeScript source (run through tsx). */
  filename?: string
  execArgv?: string[]
}

/** Where the worker entry is: built (out/main/worker-backtest-sweep.js) or the source under tsx. */
export function defaultWorkerEntry(): { filename: string; execArgv: string[] } {
  const built = join(__dirname, 'worker-backtest-sweep.js')
  if (existsSync(built)) return { filename: built, execArgv: [] }
  return { filename: resolve(__dirname, '../../../workers/backtest-sweep.ts'), execArgv: ['--import', 'tsx'] }
}

export function threadPool(options: PoolOptions = {}): TaskRunner {
  const threads = Math.max(1, options.threads ?? availableParallelism())
  const entry = options.filename ? { filename: options.filename, execArgv: options.execArgv ?? [] } : defaultWorkerEntry()
  const pool = new Piscina<ThreadTask, unknown>({
    filename: entry.filename,
    execArgv: entry.execArgv,
    minThreads: threads,
    maxThreads: threads,
    // Idle threads stay: a sweep's points follow one another closely.
    idleTimeout: 60_000
  })
  return {
    threads,
    // Every answer is checked here, where it crosses from a thread (see sweep-task's schemas).
    run: async (task, signal) => pointAnswer(task, await pool.run(task, signal ? { signal } : {})),
    describe: async (ref) => threadAnswer(StrategyOutlineSchema, await pool.run({ describe: ref }), 'a describe') as StrategyOutline,
    load: async (request, dataDir) => threadAnswer(SharedCandlesSchema, await pool.run({ load: { request, dataDir } }), 'a load'),
    close: () => pool.destroy()
  }
}

/** A runner started on first use and ended by release() (or close()): idle, it holds no threads. */
export function onDemand(threads: number, start: () => TaskRunner): TaskRunner & { release(): Promise<void> } {
  let runner: TaskRunner | null = null
  const get = () => (runner ??= start())
  const release = async () => {
    const current = runner
    runner = null
    await current?.close()
  }
  return {
    threads,
    run: (task, signal) => get().run(task, signal),
    describe: (ref) => get().describe(ref),
    load: (request, dataDir) => get().load(request, dataDir),
    release,
    close: release
  }
}
