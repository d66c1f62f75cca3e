import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CcxtFeed, type CcxtFeedOptions } from '../../../src/core/market/ccxt-feed'
import { FeedRequestError } from '../../../src/core/market/ccxt-errors'
import type { MarketEvent } from '../../../src/core/market/events'
import { downloadHistory } from '../../../src/core/market/history'
import { MarketStore } from '../../../src/core/storage/market/market-store'
import { MarketEvents } from '../../../src/shared/market'
import { type FakeExchange, startFakeExchange } from '../../support/fake-exchange/server'

const HOUR = 3_600_000
const NOW = Date.UTC(2025, 0, 2, 0, 0, 0)

/** Waits until `check` passes (polling), so tests need no fixed sleeps. */
async function eventually(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const EXCHANGES = [
  { id: 'binance', symbol: 'BTC/USDT', second: 'ETH/USDT', priceTick: 0.01, ohlcvPath: '/api/v3/klines', tickerPath: '/ticker/24hr', pageLimit: 1000 },
  { id: 'kraken', symbol: 'BTC/USD', second: 'ETH/USD', priceTick: 0.1, ohlcvPath: '/0/public/OHLC', tickerPath: '/0/public/Ticker', pageLimit: 720 }
] as const

describe.each(EXCHANGES)('CcxtFeed against a fake $id', (spec) => {
  let fake: FakeExchange
  let feeds: CcxtFeed[] = []
  let dir: string
  beforeAll(async () => {
    fake = await startFakeExchange({
      now: () => NOW,
      ohlcv: { listedSince: NOW - 30 * HOUR, missingOnce: [[NOW - 10 * HOUR, NOW - 10 * HOUR + 120_000]], missingAlways: [[NOW - 5 * HOUR, NOW - 5 * HOUR]] }
    })
    dir = mkdtempSync(join(tmpdir(), 'keel-ccxt-'))
  })
  afterEach(async () => {
    await Promise.all(feeds.map((feed) => feed.close()))
    feeds = []
  })
  afterAll(async () => {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const makeFeed = (events: MarketEvent[] = [], extra: Partial<CcxtFeedOptions> = {}) => {
    const feed = new CcxtFeed({
      exchangeId: spec.id,
      factory: { urlOverride: { http: fake.httpUrl, ws: fake.wsUrl }, rateLimitMs: 1, options: { ws: { backoff: { base: 20, max: 200 } } } },
      onEvent: (e) => events.push(e),
      backoff: { initialMs: 10, maxMs: 100 },
      rateLimitPauseMs: 30,
      pollIntervalMs: { ticker: 20, trades: 20, orderBook: 20, candles: 20 },
      ...extra
    })
    feeds.push(feed)
    return feed
  }

  it('loads markets as MarketInfo with tick-size precision, limits and fees', async () => {
    const markets = await makeFeed().loadMarkets()
    expect(markets.map((m) => m.symbol).sort()).toEqual([spec.symbol, spec.second].sort())
    const main = markets.find((m) => m.symbol === spec.symbol)
    expect(main).toMatchObject({ exchange: spec.id, precision: { price: spec.priceTick } })
    expect(main?.limits.amount.min).toBeGreaterThan(0)
    expect(main?.limits.cost.min).toBeGreaterThan(0)
    expect(main?.taker).toBeGreaterThan(0)
  })

  it('fetches a ticker and an order book of the requested depth', async () => {
    const feed = makeFeed()
    const ticker = await feed.fetchTicker(spec.symbol)
    expect(ticker).toMatchObject({ exchange: spec.id, symbol: spec.symbol, bid: 64250, ask: 64250.1, last: 64250.1 })
    const book = await feed.fetchOrderBook(spec.symbol, 2)
    expect(book.bids).toEqual([[64250, expect.any(Number)], [expect.any(Number), expect.any(Number)]])
    expect(book.asks[0][0]).toBeGreaterThan(book.bids[0][0])
    expect(feed.health.snapshot(Date.now()).latencyMs).not.toBeNull()
    expect(feed.ohlcvPageLimit).toBe(spec.pageLimit)
  })

  it('pages OHLCV into MarketStore with progress, filling a flaky gap', async () => {
    const feed = makeFeed()
    const store = new MarketStore(join(dir, `${spec.id}.db`))
    const progress: number[] = []
    const since = NOW - 24 * HOUR
    const result = await downloadHistory(
      { jobId: `${spec.id}-1`, exchange: spec.id, symbol: spec.symbol, timeframe: '1m', since },
      { source: feed, sink: store, pageSize: 500, now: () => NOW, onProgress: (e) => progress.push(e.done) }
    )
    const key = { exchange: spec.id, symbol: spec.symbol, timeframe: '1m' as const }
    expect(result.gapsRemaining).toEqual([{ from: NOW - 5 * HOUR, to: NOW - 5 * HOUR, missing: 1 }])
    expect(store.extent(key)).toEqual({ first: since, last: NOW - 60_000, count: 24 * 60 - 1 })
    expect(progress.length).toBeGreaterThan(3)
    expect(progress.at(-1)).toBe(24 * 60 - 1)
    expect(fake.requests.filter((r) => r.startsWith(spec.ohlcvPath)).length).toBeGreaterThanOrEqual(4)
    store.close()
  })

  it('surfaces an error response clearly and counts it in health', async () => {
    const feed = makeFeed()
    await feed.loadMarkets()
    fake.failNext(spec.tickerPath, 'error')
    const error = await feed.fetchTicker(spec.symbol).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FeedRequestError)
    expect((error as Error).message).toMatch(new RegExp(`^${spec.id} fetchTicker ${spec.symbol} failed`))
    expect((error as Error).message).toMatch(/unknown error|Invalid arguments/)
    const health = feed.health.snapshot(Date.now())
    expect(health.errorRate).toBeGreaterThan(0)
    expect(health.lastError).toMatch(/unknown error|Invalid arguments/)
    expect(await feed.fetchTicker(spec.symbol)).toMatchObject({ last: 64250.1 }) // next call is fine
  })

  it('counts a rate-limit response, backs off and carries on polling', async () => {
    const events: MarketEvent[] = []
    const feed = makeFeed(events, { forcePolling: true })
    await feed.loadMarkets()
    fake.failNext(spec.tickerPath, 'rateLimit', 2)
    feed.subscribe([spec.symbol], ['ticker'])
    await eventually(() => events.some((e) => e.name === 'ticker'), 'a ticker after the rate limit')
    const health = feed.health.snapshot(Date.now())
    expect(health.rateLimitHits).toBe(2)
    expect(events.filter((e) => e.name === 'feedStatus').map((e) => e.data.status)).toEqual(['reconnecting', 'connected'])
    for (const e of events) expect(() => MarketEvents[e.name].parse(e.data)).not.toThrow()
  })

  it('polls trades, books and candles without repeating trades', async () => {
    const events: MarketEvent[] = []
    const feed = makeFeed(events, { forcePolling: true, depth: 3 })
    expect(feed.usesWebSocket('trades')).toBe(false)
    feed.subscribe([spec.symbol], ['trades', 'orderBook', 'candles'])
    await eventually(() => events.filter((e) => e.name === 'orderBook').length >= 3 && events.some((e) => e.name === 'candle'), 'polled data')
    const tradeIds = events.filter((e) => e.name === 'trade').map((e) => (e.data as { id?: string }).id)
    expect(tradeIds).toHaveLength(3) // the fixture's three trades, once, however often it is polled
    expect(new Set(tradeIds).size).toBe(3)
    await feed.unsubscribe([spec.symbol], ['trades', 'orderBook', 'candles'])
    expect(feed.subscriptions).toEqual([])
  })

  it('reconnects polling after the server restarts', async () => {
    const events: MarketEvent[] = []
    const feed = makeFeed(events, { forcePolling: true })
    feed.subscribe([spec.symbol], ['ticker'])
    await eventually(() => events.some((e) => e.name === 'ticker'), 'first ticker')
    await fake.stop()
    await eventually(() => events.some((e) => e.name === 'feedStatus' && e.data.status === 'reconnecting'), 'reconnecting status')
    const before = events.length
    await fake.start()
    await eventually(() => events.slice(before).some((e) => e.name === 'ticker'), 'ticker after restart')
    expect(feed.health.snapshot(Date.now()).reconnects).toBe(1)
  })
})

describe('CcxtFeed over a WebSocket (binance protocol)', () => {
  let fake: FakeExchange
  beforeAll(async () => {
    fake = await startFakeExchange({ wsIntervalMs: 10 })
  })
  afterAll(async () => {
    await fake.close()
  })

  it('watches trades and tickers, and reconnects and resubscribes after the server drops', async () => {
    const events: MarketEvent[] = []
    const feed = new CcxtFeed({
      exchangeId: 'binance',
      factory: { urlOverride: { http: fake.httpUrl, ws: fake.wsUrl }, rateLimitMs: 1, options: { ws: { backoff: { base: 20, max: 200 } } } },
      onEvent: (e) => events.push(e),
      backoff: { initialMs: 10, maxMs: 100 }
    })
    try {
      expect(feed.usesWebSocket('trades')).toBe(true)
      feed.subscribe(['BTC/USDT'], ['trades', 'ticker'])
      await eventually(() => events.filter((e) => e.name === 'trade').length >= 3 && events.some((e) => e.name === 'ticker'), 'pushed trades and ticker')
      expect(fake.subscriptions.flat().sort()).toEqual(['btcusdt@miniTicker', 'btcusdt@trade'])
      for (const e of events) expect(() => MarketEvents[e.name].parse(e.data)).not.toThrow()

      fake.dropWebSockets()
      await eventually(() => events.some((e) => e.name === 'feedStatus' && e.data.status === 'reconnecting'), 'reconnecting status')
      const afterDrop = events.length
      await eventually(() => events.slice(afterDrop).filter((e) => e.name === 'trade').length >= 3, 'trades after reconnect')
      expect(fake.subscriptions.flat().filter((s) => s === 'btcusdt@trade')).toHaveLength(2) // resubscribed
      const health = feed.health.snapshot(Date.now())
      expect(health.reconnects).toBe(1)
      expect(health.lastMessageAgeMs).toBeLessThan(1_000)
      const statuses = events.filter((e) => e.name === 'feedStatus').map((e) => e.data.status)
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected'])
    } finally {
      await feed.close()
    }
  })
})
