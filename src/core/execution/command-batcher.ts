import type { ApplyResult, EngineInput } from '../exchange'

interface Queued {
  input: EngineInput
  settle?: (result: ApplyResult | Error) => void
}

/**
 * Group commit: everything that arrives while the event loop is busy is applied and persisted
 * in one transaction on the next turn, and only then answered. One fsync serves a whole batch,
 * which is how an fsync-per-commit journal reaches thousands of durable orders per second.
 */
export class CommandBatcher {
  private queue: Queued[] = []
  private scheduled = false

  constructor(
    private readonly applyBatch: (inputs: EngineInput[]) => ApplyResult[],
    private readonly afterBatch: (results: ApplyResult[]) => void,
    private readonly maxBatch = 500
  ) {}

  /** A command: resolves once it is durable. */
  submit(input: EngineInput): Promise<ApplyResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) })
      this.schedule()
    })
  }

  /** Market input: no one waits for it, but it is ordered with the commands around it. */
  push(input: EngineInput): void {
    this.queue.push({ input })
    this.schedule()
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  private flush(): void {
    this.scheduled = false
    const batch = this.queue.splice(0, this.maxBatch)
    if (this.queue.length) this.schedule()
    let results: ApplyResult[]
    try {
      results = this.applyBatch(batch.map((q) => q.input))
    } catch (err) {
      // Nothing of this batch is durable: nothing of it is acknowledged.
      const error = err instanceof Error ? err : new Error(String(err))
      for (const q of batch) q.settle?.(error)
      return
    }
    this.afterBatch(results)
    batch.forEach((q, i) => q.settle?.(results[i] as ApplyResult))
  }
}
