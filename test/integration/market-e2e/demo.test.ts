import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import { CandleEvent, ExchangesResult, HistoryProgressEvent, MarketsResult } from '../../../src/shared/market'
import { Candle, MarketInfo, OrderBook, TIMEFRAME_MS, Ticker, type Timeframe, Trade } from '../../../src/shared/market-data'
import { type ServeProcess, startServe, stopProcess, tempDir, waitFor } from '../../support/processes'
import { EventLog, ok, onTick, readStored } from './events'

// The demo market as a user meets it: `keel serve` with no flags, a WebSocket client, the HTTP API.

let dir: ReturnType<typeof tempDir>
let serve: ServeProcess
let events: EventLog
let markets: Map<string, MarketInfo>

beforeAll(async () => {
  dir = tempDir('keel-market-e2e-')
  serve = await startServe(dir.path)
  await waitFor('the market worker running', async () => {
    const { body } = await serve.call('health')
    return HealthReport.parse(body).workers.some((w) => w.name === 'market' && w.state === 'running')
  })
  events = await EventLog.connect(serve)
  const list = MarketsResult.parse(await ok(serve, 'markets', { exchange: 'demo' }))
  markets = new Map(list.map((m) => [m.symbol, m]))
})

afterAll(async () => {
  events?.close()
  if (serve) await stopProcess(serve.child)
  dir?.remove()
})

const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error

describe('demo market through keel serve', () => {
  it('moves: tickers, trades, books and candles arrive over the WebSocket', async () => {
    const since = events.mark
    const isDemo = (p: { exchange: string }) => p.exchange === 'demo'
    const ticker = Ticker.parse(await events.next('ticker', isDemo, since))
    const trade = Trade.parse(await events.next('trade', isDemo, since))
    const book = OrderBook.parse(await events.next('orderBook', isDemo, since))
    const candle = CandleEvent.parse(await events.next('candle', isDemo, since))
    expect(ticker.bid).toBeLessThan(ticker.ask!)
    expect(trade.amount).toBeGreaterThan(0)
    expect(book.bids[0][0]).toBeLessThan(book.asks[0][0])
    expect(candle.candle[2]).toBeGreaterThanOrEqual(candle.candle[3])
    // A moving market: BTC trades at more than one price, and its clock advances.
    const btc = await waitFor('BTC/USDT trading at two prices', () => {
      const trades = events.all<Trade>('trade', since, (t) => t.exchange === 'demo' && t.symbol === 'BTC/USDT')
      return new Set(trades.map((t) => t.price)).size >= 2 && trades
    })
    expect(btc.at(-1)!.timestamp).toBeGreaterThan(btc[0].timestamp)
  })

  it('lists its markets with ccxt-shaped precision, limits and fees', () => {
    expect([...markets.keys()]).toEqual(expect.arrayContaining(['BTC/USDT', 'ETH/USDT']))
    expect(markets.size).toBeGreaterThanOrEqual(4)
    for (const m of markets.values()) {
      expect(m.exchange).toBe('demo')
      expect(m.symbol).toBe(`${m.base}/${m.quote}`)
      expect(m.precision.price).toBeGreaterThan(0)
      expect(m.precision.amount).toBeGreaterThan(0)
      expect(m.limits.amount?.min).toBeGreaterThan(0)
      expect(m.limits.cost?.min).toBeGreaterThan(0)
      expect(m.maker).toBeGreaterThanOrEqual(0)
      expect(m.taker).toBeGreaterThanOrEqual(0)
    }
  })

  it('lists exchanges with the offline demo first, then ccxt exchanges', async () => {
    const list = ExchangesResult.parse(await ok(serve, 'exchanges'))
    expect(list[0]).toMatchObject({ id: 'demo', isDemo: true })
    expect(list.filter((e) => e.isDemo)).toHaveLength(1)
    expect(list.map((e) => e.id)).toEqual(expect.arrayContaining(['binance', 'kraken']))
  })

  it('answers ticker and orderBook sensibly for every symbol: bids below asks, on the price tick', async () => {
    for (const [symbol, market] of markets) {
      const tick = market.precision.price
      const ticker = Ticker.parse(await ok(serve, 'ticker', { symbol }))
      expect(ticker).toMatchObject({ exchange: 'demo', symbol })
      expect(ticker.bid).toBeLessThan(ticker.ask!)
      for (const price of [ticker.bid!, ticker.ask!, ticker.last]) expect(onTick(price, tick), `${symbol} ${price} on ${tick}`).toBe(true)

      const book = OrderBook.parse(await ok(serve, 'orderBook', { symbol, depth: 7 }))
      expect(book.bids).toHaveLength(7)
      expect(book.asks).toHaveLength(7)
      expect(book.bids[0][0]).toBeLessThan(book.asks[0][0])
      for (let i = 1; i < 7; i++) {
        expect(book.bids[i][0]).toBeLessThan(book.bids[i - 1][0])
        expect(book.asks[i][0]).toBeGreaterThan(book.asks[i - 1][0])
      }
      for (const [price, amount] of [...book.bids, ...book.asks]) {
        expect(onTick(price, tick), `${symbol} level ${price} on ${tick}`).toBe(true)
        expect(amount).toBeGreaterThan(0)
      }
    }
    // The documented default depth.
    const book = OrderBook.parse(await ok(serve, 'orderBook', { symbol: 'ETH/USDT' }))
    expect(book.bids).toHaveLength(20)
  })

  it.each<Timeframe>(['1m', '15m', '1h', '1d'])('answers %s candles ascending without duplicates, and scrolls back with before', async (timeframe) => {
    const step = TIMEFRAME_MS[timeframe]
    const latest = (await ok<unknown[]>(serve, 'candles', { symbol: 'BTC/USDT', timeframe, limit: 60 })).map((c) => Candle.parse(c))
    expect(latest).toHaveLength(60)
    expectSeries(latest, step)
    // The last one is the candle still open now.
    expect(latest.at(-1)![0]).toBeGreaterThan(Date.now() - 2 * step)

    const older = (await ok<unknown[]>(serve, 'candles', { symbol: 'BTC/USDT', timeframe, limit: 60, before: latest[0][0] })).map((c) => Candle.parse(c))
    expect(older).toHaveLength(60)
    expectSeries(older, step)
    expect(older.at(-1)![0]).toBe(latest[0][0] - step) // joins the newer page: no gap, no overlap

    const from = (await ok<unknown[]>(serve, 'candles', { symbol: 'BTC/USDT', timeframe, since: older[10][0], limit: 5 })).map((c) => Candle.parse(c))
    expect(from.map((c) => c[0])).toEqual(older.slice(10, 15).map((c) => c[0]))
  })

  it('rejects bad input with a 4xx and a message that says what is wrong', async () => {
    const unknown = await serve.call('ticker', { symbol: 'NOPE/USDT' })
    expect(unknown.status).toBe(404)
    expect(errorOf(unknown.body).message).toContain('NOPE/USDT')
    for (const [method, params] of [
      ['orderBook', { symbol: 'NOPE/USDT' }],
      ['candles', { symbol: 'NOPE/USDT', timeframe: '1h' }],
      ['subscribe', { exchange: 'demo', symbols: ['NOPE/USDT'], channels: ['ticker'] }]
    ] as const) {
      const res = await serve.call(method, params)
      expect(res.status, method).toBe(404)
      expect(errorOf(res.body).message, method).toContain('NOPE/USDT')
    }

    const depth0 = await serve.call('orderBook', { symbol: 'BTC/USDT', depth: 0 })
    expect(depth0.status).toBe(400)
    expect(errorOf(depth0.body).message).toMatch(/depth/)
    const tooDeep = await serve.call('orderBook', { symbol: 'BTC/USDT', depth: 100_000 })
    expect(tooDeep.status).toBe(400)

    const timeframe = await serve.call('candles', { symbol: 'BTC/USDT', timeframe: '7m' })
    expect(timeframe.status).toBe(400)
    expect(errorOf(timeframe.body).message).toMatch(/timeframe/)
    expect(errorOf(timeframe.body).message).toContain('1h') // names the valid ones

    const noSlash = await serve.call('ticker', { symbol: 'BTCUSDT' })
    expect(noSlash.status).toBe(400)
    expect(errorOf(noSlash.body).message).toContain('BASE/QUOTE')

    const exchange = await serve.call('markets', { exchange: 'no-such-exchange' })
    expect(exchange.status).toBe(400)
    expect(errorOf(exchange.body).message).toContain('no-such-exchange')
  })

  it('reports the demo exchange in health.exchanges', async () => {
    const demo = await waitFor('demo in health.exchanges', async () => HealthReport.parse(await ok(serve, 'health')).exchanges.find((e) => e.exchange === 'demo'))
    expect(demo.status).toBe('ok')
    expect(demo.lastMessageAgeMs).not.toBeNull()
    expect(demo.errorRate).toBe(0)
  })

  it('downloads demo history into market.db with progress to done; the chart agrees with what was stored', async () => {
    const hour = TIMEFRAME_MS['1h']
    const until = Math.floor(Date.now() / hour) * hour - hour
    const since = until - 72 * hour
    const since0 = events.mark
    const { jobId } = await ok<{ jobId: string }>(serve, 'downloadHistory', { exchange: 'demo', symbol: 'ETH/USDT', timeframe: '1h', since, until })
    const done = HistoryProgressEvent.parse(await events.next<HistoryProgressEvent>('historyProgress', (p) => p.jobId === jobId && (p.phase === 'done' || p.phase === 'failed'), since0))
    expect(done).toMatchObject({ phase: 'done', total: 72, done: 72 })
    const progress = events.all<HistoryProgressEvent>('historyProgress', since0, (p) => p.jobId === jobId)
    expect(progress[0].phase).toBe('fetching')
    const counts = progress.map((p) => p.done)
    expect(counts).toEqual([...counts].sort((a, b) => a - b)) // never goes backwards

    const stored = readStored(join(dir.path, 'market.db'), 'demo', 'ETH/USDT', '1h', since, until)
    expect(stored).toHaveLength(72)
    const charted = (await ok<unknown[]>(serve, 'candles', { symbol: 'ETH/USDT', timeframe: '1h', since, limit: 72 })).map((c) => Candle.parse(c))
    expect(charted).toEqual(stored)
  })
})

function expectSeries(candles: Candle[], step: number): void {
  for (let i = 0; i < candles.length; i++) {
    const [ts, open, high, low, close] = candles[i]
    expect(ts % step).toBe(0)
    expect(high).toBeGreaterThanOrEqual(Math.max(open, close))
    expect(low).toBeLessThanOrEqual(Math.min(open, close))
    // The demo has no holes: strictly ascending, one step apart.
    if (i > 0) expect(ts - candles[i - 1][0]).toBe(step)
  }
}
