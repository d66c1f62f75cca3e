import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import type { BacktestRequest, SweepPointResult } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
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
import { workerThreadEntry, type WorkerEntry } from './worker-entry'

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
  /** Set once the runner's threads stopped outside a task: it runs nothing more. */
  readonly broken?: Error
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

/** Where the sweep thread's entry is: built (out/main/worker-backtest-sweep.js) or the source under tsx. */
export function defaultWorkerEntry(): WorkerEntry {
  return workerThreadEntry('backtest-sweep', __dirname)
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
  let broken: KeelError | undefined
  let destroyed: Promise<void> | undefined
  const destroy = () => (destroyed ??= pool.destroy())
  // A thread failed outside a task: its entry cannot load (every later task would wait for
  // ever), or a strategy's timer threw after its point. The pool ends, what it holds rejects
  // with the reason, and onDemand starts another. Unheard, this 'error' would end the process.
  pool.on('error', (err: unknown) => {
    broken ??= new KeelError('internal', `the sweep threads stopped: ${err instanceof Error ? err.message : String(err)}`)
    void destroy()
  })
  const submit = async (task: ThreadTask, signal?: AbortSignal): Promise<unknown> => {
    if (broken) throw broken
    try {
      return await pool.run(task, signal ? { signal } : {})
    } catch (err) {
      throw broken ?? err
    }
  }
  return {
    threads,
    get broken() {
      return broken
    },
    // Every answer is checked here, where it crosses from a thread (see sweep-task's schemas).
    run: async (task, signal) => pointAnswer(task, await submit(task, signal)),
    describe: async (ref) => threadAnswer(StrategyOutlineSchema, await submit({ describe: ref }), 'a describe') as StrategyOutline,
    load: async (request, dataDir) => threadAnswer(SharedCandlesSchema, await submit({ load: { request, dataDir } }), 'a load'),
    close: destroy
  }
}

/** A runner started on first use and ended by release() (or close()): idle, it holds no threads. */
export function onDemand(threads: number, start: () => TaskRunner): TaskRunner & { release(): Promise<void> } {
  let runner: TaskRunner | null = null
  const get = () => {
    // Threads that stopped run nothing more: the next use starts new ones.
    if (runner?.broken) {
      void runner.close()
      runner = null
    }
    return (runner ??= start())
  }
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
