import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { z } from 'zod'
import { ModelInfo, type TrainModelParams, type TrainingRun } from '../src/shared/ai'
import type { Candle } from '../src/shared/market-data'
import { FittedModelSchema } from '../src/core/ai/model'
import type { ModelStore } from '../src/core/storage/ai/model-store'
import { closedCandles, type HostCall } from './ai-history'

/** Starts a run may take: a run that keeps getting killed mid-way is failed, not retried forever. */
export const MAX_RUN_ATTEMPTS = 3
/** Share of progress for fetching history; the thread reports the rest. */
const FETCH_SHARE = 0.05

/** What the training thread hands back: a model's description (as ai.db stores it, without the
 * identity and live record the worker adds) and the fitted model itself. */
const Outcome = ModelInfo.omit({ id: true, runId: true, exchange: true, symbol: true, timeframe: true, live: true, createdAt: true }).extend({
  fitted: FittedModelSchema
})
const ThreadMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('progress'), fraction: z.number().min(0).max(1), phase: z.string() }),
  z.object({ t: z.literal('done'), outcome: Outcome }),
  z.object({ t: z.literal('error'), message: z.string() })
])

export interface TrainingJobsOptions {
  store: ModelStore
  call: HostCall
  /** Folder of the built training process entry (worker-ai-train.js). */
  threadDir: string
  onProgress(run: TrainingRun): void
  onModel(model: ModelInfo): void
  log: { warn(...args: unknown[]): void; error(...args: unknown[]): void }
}

/**
 * Training runs as persisted jobs, one at a time, each fit in a child process (workers/ai-train.ts
 * says why not a worker_thread: the memory of its peak comes back when it exits). A run that a
 * crash interrupted is started again from the beginning (training is deterministic), up to
 * MAX_RUN_ATTEMPTS, then failed with the reason.
 */
export class TrainingJobs {
  private readonly queue: string[] = []
  private busy = false
  private child: ChildProcess | undefined

  constructor(private readonly options: TrainingJobsOptions) {}

  resumeUnfinished(): void {
    for (const run of this.options.store.unfinishedRuns()) {
      if (run.attempts >= MAX_RUN_ATTEMPTS) {
        this.options.onProgress(this.options.store.failRun(run.id, `interrupted ${run.attempts} times (the AI worker stopped during training); not retried again`))
      } else this.enqueue(run.id)
    }
  }

  submit(request: TrainModelParams): TrainingRun {
    const run = this.options.store.createRun(request)
    this.enqueue(run.id)
    return run
  }

  stop(): void {
    this.queue.length = 0
    this.child?.kill('SIGKILL')
  }

  private enqueue(id: string): void {
    this.queue.push(id)
    void this.next()
  }

  private async next(): Promise<void> {
    if (this.busy) return
    const id = this.queue.shift()
    if (!id) return
    this.busy = true
    try {
      await this.execute(id)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.options.onProgress(this.options.store.failRun(id, message))
    } finally {
      this.busy = false
      void this.next()
    }
  }

  private async execute(id: string): Promise<void> {
    const { store, onProgress } = this.options
    const run = store.startRun(id)
    onProgress(run)
    const { exchange, symbol, timeframe } = run.request
    const candles = await closedCandles(this.options.call, { exchange, symbol, timeframe }, run.request.candles)
    if (candles.length < 500) throw new Error(`only ${candles.length} closed candles of ${symbol} ${timeframe} on ${exchange}: need at least 500`)
    onProgress(store.progress(id, FETCH_SHARE, 'training'))
    const outcome = await this.fit(id, candles, run.request)
    const saved = store.completeRun(id, { ...outcome, runId: id, exchange, symbol, timeframe })
    onProgress(saved.run)
    this.options.onModel(saved.model)
  }

  private fit(id: string, candles: Candle[], request: TrainModelParams): Promise<z.infer<typeof Outcome>> {
    return new Promise((resolve, reject) => {
      // Structured clone over the channel ('advanced'): no JSON text of 200,000 candles. In the
      // desktop app process.execPath is Electron's binary: it runs the entry as plain Node.
      const child = fork(join(this.options.threadDir, 'worker-ai-train.js'), [], {
        serialization: 'advanced',
        execArgv: [],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc']
      })
      this.child = child
      let settled = false
      const settle = (fn: () => void): void => {
        if (settled) return
        settled = true
        this.child = undefined
        if (child.exitCode === null) child.kill('SIGKILL')
        fn()
      }
      child.send({ candles, request })
      child.on('message', (raw: unknown) => {
        const parsed = ThreadMessage.safeParse(raw)
        if (!parsed.success) return settle(() => reject(new Error('the training process sent a malformed message')))
        const message = parsed.data
        if (message.t === 'progress') this.options.onProgress(this.options.store.progress(id, FETCH_SHARE + message.fraction * (1 - FETCH_SHARE), message.phase))
        else if (message.t === 'done') settle(() => resolve(message.outcome))
        else settle(() => reject(new Error(message.message)))
      })
      child.on('error', (err) => settle(() => reject(err)))
      child.on('exit', (code, signal) => settle(() => reject(new Error(`the training process exited (${signal ?? `code ${code}`})`))))
    })
  }
}
