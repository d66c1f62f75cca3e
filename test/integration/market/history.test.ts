import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ccxt from 'ccxt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DemoMarket } from '../../../src/core/market/demo-market'
import { type CandleSource, downloadHistory } from '../../../src/core/market/history'
import { HistoryQueue } from '../../../src/core/market/history-queue'
import { MarketStore } from '../../../src/core/storage/market/market-store'
import { HistoryProgressEvent } from '../../../src/shared/market'
import type { Candle, Timeframe } from '../../../src/shared/market-data'

const M = 60_000
const NOW = 1_000 * M + 30_000
const series = { exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' as const }
const candle = (ts: number): Candle => [ts, 10, 11, 9, 10, 1]

/** A paging source with scripted failures and holes. */
class ScriptedSource implements CandleSource {
  calls: number[] = []
  failures: unknown[] = []
  holesOnce = new Set<number>()
  holesAlways = new Set<number>()
  async fetchOHLCV(_symbol: string, _tf: Timeframe, since: number, limit: number): Promise<Candle[]> {
    this.calls.push(since)
    const failure = this.failures.shift()
    if (failure) throw failure
    const out: Candle[] = []
    for (let ts = Math.ceil(since / M) * M; out.length < limit && ts <= NOW; ts += M) {
      if (this.holesAlways.has(ts)) continue
      if (this.holesOnce.delete(ts)) continue
      out.push(candle(ts))
    }
    return out
  }
}

describe('history download', () => {
  let dir: string
  let store: MarketStore
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-history-'))
    store = new MarketStore(join(dir, 'market.db'))
  })
  afterEach(() => {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const noSleep = async () => undefined

  it('pages through the range with progress, retries transient errors and fills gaps', async () => {
    const source = new ScriptedSource()
    source.failures = [new ccxt.NetworkError('socket hang up'), undefined, new ccxt.RateLimitExceeded('429')]
    source.holesOnce = new Set([150 * M, 151 * M])
    source.holesAlways = new Set([300 * M])
    const progress: HistoryProgressEvent[] = []
    const result = await downloadHistory(
      { jobId: 'j1', ...series, since: 100 * M, until: 400 * M },
      { source, sink: store, pageSize: 100, now: () => NOW, sleep: noSleep, onProgress: (e) => progress.push(HistoryProgressEvent.parse(e)) }
    )
    expect(store.extent(series)).toEqual({ first: 100 * M, last: 399 * M, count: 299 })
    expect(result.gapsRemaining).toEqual([{ from: 300 * M, to: 300 * M, missing: 1 }])
    expect(progress[0]).toMatchObject({ phase: 'fetching', done: 0, total: 300 })
    expect(progress.some((p) => p.phase === 'filling-gaps')).toBe(true)
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: 299, total: 300 })
    const dones = progress.map((p) => p.done)
    expect(dones.every((d) => d <= 300)).toBe(true)
    expect(source.calls.filter((s) => s === 100 * M)).toHaveLength(2) // the network error was retried
  })

  it('fails clearly on a permanent error, after reporting it', async () => {
    const source = new ScriptedSource()
    source.failures = [new ccxt.BadSymbol('binance does not have market symbol FOO/BAR')]
    const progress: HistoryProgressEvent[] = []
    await expect(
      downloadHistory({ jobId: 'j2', ...series, since: 0, until: 10 * M }, { source, sink: store, now: () => NOW, sleep: noSleep, onProgress: (e) => progress.push(e) })
    ).rejects.toThrow(/FOO\/BAR/)
    expect(progress.at(-1)).toMatchObject({ phase: 'failed', error: expect.stringMatching(/FOO\/BAR/) })
    expect(source.calls).toHaveLength(1)
  })

  it('gives up after the retry budget', async () => {
    const source = new ScriptedSource()
    source.failures = Array.from({ length: 10 }, () => new ccxt.NetworkError('down'))
    await expect(downloadHistory({ jobId: 'j3', ...series, since: 0, until: 10 * M }, { source, sink: store, retries: 3, now: () => NOW, sleep: noSleep })).rejects.toThrow(/down/)
    expect(source.calls).toHaveLength(3)
  })

  it('never asks for the future or the open candle, and refuses an empty range', async () => {
    const source = new ScriptedSource()
    await expect(downloadHistory({ jobId: 'j4', ...series, since: NOW - 10_000 }, { source, sink: store, now: () => NOW })).rejects.toThrow(/nothing to download/)
    const result = await downloadHistory({ jobId: 'j5', ...series, since: NOW - 3 * M }, { source, sink: store, now: () => NOW, sleep: noSleep })
    expect(result.gapsRemaining).toEqual([])
    expect(store.extent(series)).toMatchObject({ first: 998 * M, last: 999 * M, count: 2 })
  })

  it('queues jobs one at a time and reports setup errors as failed jobs', async () => {
    const demo = new DemoMarket({ seed: 1, startTime: NOW })
    const events: HistoryProgressEvent[] = []
    let id = 0
    const queue = new HistoryQueue({
      sourceFor: (exchange) => {
        if (exchange !== 'demo') throw new Error(`no feed for ${exchange}`)
        return demo
      },
      sink: store,
      onProgress: (e) => events.push(e),
      newJobId: () => `job-${++id}`,
      now: () => NOW
    })
    const a = queue.enqueue({ exchange: 'demo', symbol: 'BTC/USDT', timeframe: '5m', since: NOW - 86_400_000 })
    const b = queue.enqueue({ exchange: 'nowhere', symbol: 'BTC/USDT', timeframe: '5m', since: 0 })
    expect([a.jobId, b.jobId]).toEqual(['job-1', 'job-2'])
    expect(queue.running).toBe(2)
    expect((await a.finished)?.gapsRemaining).toEqual([])
    expect(await b.finished).toBeUndefined()
    expect(events.filter((e) => e.jobId === 'job-2').at(-1)).toMatchObject({ phase: 'failed', error: 'no feed for nowhere' })
    expect(store.extent({ exchange: 'demo', symbol: 'BTC/USDT', timeframe: '5m' })?.count).toBe(287) // a day of closed 5m candles, the open one excluded
    expect(queue.running).toBe(0)
  })
})
