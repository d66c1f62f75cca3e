import type { DownloadHistoryParams, HistoryProgressEvent } from '../../shared/market'
import { type CandleSink, type CandleSource, type HistoryResult, downloadHistory } from './history'

export interface HistoryQueueOptions {
  /** The candle source for an exchange (its CcxtFeed, or the demo); throw if unknown. */
  sourceFor: (exchange: string) => CandleSource
  sink: CandleSink
  onProgress: (event: HistoryProgressEvent) => void
  newJobId: () => string
  pageSize?: (exchange: string) => number
  now?: () => number
}

/**
 * Runs history downloads one at a time (they share the exchange's rate limit with the live
 * feed, so running them in parallel would only make each slower). `enqueue` answers at once
 * with the job id; progress follows as events.
 */
export class HistoryQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly controllers = new Map<string, AbortController>()

  constructor(private readonly options: HistoryQueueOptions) {}

  enqueue(params: DownloadHistoryParams): { jobId: string; finished: Promise<HistoryResult | undefined> } {
    const jobId = this.options.newJobId()
    const controller = new AbortController()
    this.controllers.set(jobId, controller)
    this.options.onProgress({ jobId, done: 0, total: 0, phase: 'fetching' })
    let failureReported = false
    const onProgress = (event: HistoryProgressEvent) => {
      failureReported ||= event.phase === 'failed'
      this.options.onProgress(event)
    }
    const finished = this.tail.then(async () => {
      try {
        return await downloadHistory(
          { jobId, ...params },
          {
            source: this.options.sourceFor(params.exchange),
            sink: this.options.sink,
            onProgress,
            pageSize: this.options.pageSize?.(params.exchange),
            signal: controller.signal,
            now: this.options.now
          }
        )
      } catch (error) {
        // A run reports its own failure; this covers setup errors (unknown exchange, bad range).
        if (!failureReported) onProgress({ jobId, done: 0, total: 0, phase: 'failed', error: error instanceof Error ? error.message : String(error) })
        return undefined
      } finally {
        this.controllers.delete(jobId)
      }
    })
    this.tail = finished
    return { jobId, finished }
  }

  cancel(jobId: string): boolean {
    const controller = this.controllers.get(jobId)
    controller?.abort()
    return controller !== undefined
  }

  get running(): number {
    return this.controllers.size
  }
}
