import type { HistoryProgressEvent } from '../../shared/market'
import type { Candle, Timeframe } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'
import { Backoff, type BackoffOptions } from './backoff'
import { type CandleGap, bucketStart, expectedCandles } from './candles'
import { classifyError } from './ccxt-errors'
import { sleep as realSleep, yieldToLoop } from './sleep'

/** Anything that pages OHLCV like ccxt's fetchOHLCV (a CcxtFeed, the demo market, a fake). */
export interface CandleSource {
  fetchOHLCV(symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]>
}

/** The part of MarketStore a download writes through. */
export interface CandleSink {
  upsertCandles(series: { exchange: string; symbol: string; timeframe: Timeframe }, candles: readonly Candle[]): number
  gaps(series: { exchange: string; symbol: string; timeframe: Timeframe }, since: number, until: number): CandleGap[]
}

export interface HistoryJob {
  jobId: string
  exchange: string
  symbol: string
  timeframe: Timeframe
  since: number
  /** Defaults to now; candles still open at `now` are never downloaded. */
  until?: number
}

export interface HistoryDownloadOptions {
  source: CandleSource
  sink: CandleSink
  onProgress?: (event: HistoryProgressEvent) => void
  /** Candles per request: ccxt exchanges cap it (binance 1000, kraken 720). */
  pageSize?: number
  /** Attempts per page on transient errors (network, rate limit) before the job fails. */
  retries?: number
  backoff?: BackoffOptions
  /** Rounds of refetching missing ranges after the first pass. */
  gapFillRounds?: number
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface HistoryResult {
  written: number
  requests: number
  /** Ranges the exchange had no data for even after refetching (downtime, before listing). */
  gapsRemaining: CandleGap[]
}

/**
 * Downloads OHLCV for [since, until) page by page into the store, then looks for holes and
 * refetches them. Progress is reported in candles (done of total expected).
 */
export async function downloadHistory(job: HistoryJob, options: HistoryDownloadOptions): Promise<HistoryResult> {
  return new HistoryDownload(job, options).run()
}

class HistoryDownload {
  private readonly step: number
  private readonly until: number
  private readonly total: number
  private readonly pageSize: number
  private written = 0
  private requests = 0
  private done = 0

  constructor(
    private readonly job: HistoryJob,
    private readonly options: HistoryDownloadOptions
  ) {
    this.step = TIMEFRAME_MS[job.timeframe]
    const now = (options.now ?? Date.now)()
    // Closed candles only: the open one is still changing (the live feed owns it) and may
    // legitimately be missing, which must not count as a gap.
    this.until = Math.min(job.until ?? Infinity, bucketStart(now, job.timeframe))
    if (!(this.until > job.since)) throw new Error(`nothing to download: range ends (${this.until}) before it starts (${job.since})`)
    this.total = expectedCandles(job.timeframe, job.since, this.until)
    this.pageSize = options.pageSize ?? 500
    if (!(this.pageSize >= 1)) throw new Error(`page size must be at least 1, got ${this.pageSize}`)
  }

  async run(): Promise<HistoryResult> {
    try {
      this.report('fetching')
      await this.fetchRange(this.job.since, this.until)
      let gaps = this.gaps()
      for (let round = 0; round < (this.options.gapFillRounds ?? 2) && gaps.length > 0; round++) {
        this.report('filling-gaps')
        for (const gap of gaps) await this.fetchRange(gap.from, gap.to + this.step)
        gaps = this.gaps()
      }
      this.done = this.total - gaps.reduce((sum, gap) => sum + gap.missing, 0)
      this.report('done')
      return { written: this.written, requests: this.requests, gapsRemaining: gaps }
    } catch (error) {
      this.report('failed', error instanceof Error ? error.message : String(error))
      throw error
    }
  }

  /** Pages through [from, to) writing what comes back. */
  private async fetchRange(from: number, to: number): Promise<void> {
    let cursor = from
    while (cursor < to) {
      this.throwIfAborted()
      // One page per event-loop turn: a source that answers at once (the demo, a cache) would
      // otherwise run the whole download in microtasks and starve the worker's heartbeat.
      await yieldToLoop()
      const raw = await this.fetchPage(cursor)
      const page = raw.filter(([ts]) => ts >= cursor && ts < to)
      if (page.length === 0) {
        // Exchanges answer `since` with the first candles at or after it: candles past `to`
        // mean the rest of the range is empty (before listing, downtime).
        if (raw.some(([ts]) => ts >= to)) return
        cursor += this.pageSize * this.step // nothing here: skip a page's width
        continue
      }
      this.written += this.options.sink.upsertCandles(this.series, page)
      this.done = Math.min(this.total, this.done + page.length)
      this.report(this.phase)
      cursor = Math.max(cursor + this.step, page[page.length - 1][0] + this.step)
    }
  }

  private async fetchPage(since: number): Promise<Candle[]> {
    const backoff = new Backoff(this.options.backoff)
    const attempts = this.options.retries ?? 5
    const sleep = this.options.sleep ?? realSleep
    for (let attempt = 1; ; attempt++) {
      this.requests += 1
      try {
        const page = await this.options.source.fetchOHLCV(this.job.symbol, this.job.timeframe, since, this.pageSize)
        return [...page].sort((a, b) => a[0] - b[0])
      } catch (error) {
        const classified = classifyError(error)
        if (!classified.transient || attempt >= attempts) throw error
        await sleep(backoff.next(), this.options.signal)
      }
    }
  }

  private gaps(): CandleGap[] {
    return this.options.sink.gaps(this.series, this.job.since, this.until)
  }

  private phase: HistoryProgressEvent['phase'] = 'fetching'

  private report(phase: HistoryProgressEvent['phase'], error?: string): void {
    this.phase = phase
    this.options.onProgress?.({ jobId: this.job.jobId, done: this.done, total: this.total, phase, ...(error ? { error } : {}) })
  }

  private get series() {
    return { exchange: this.job.exchange, symbol: this.job.symbol, timeframe: this.job.timeframe }
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw new Error(`history download ${this.job.jobId} was cancelled`)
  }
}
