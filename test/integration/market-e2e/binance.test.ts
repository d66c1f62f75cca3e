import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import { type ExchangeHealth, type FeedStatusEvent, HistoryProgressEvent, MarketsResult } from '../../../src/shared/market'
import { Candle, OrderBook, TIMEFRAME_MS, Ticker, Trade } from '../../../src/shared/market-data'
import { fakeCandle } from '../../support/fake-exchange/candles'
import { type FakeExchange, startFakeExchange } from '../../support/fake-exchange/server'
import { type ServeProcess, startServe, stopProcess, tempDir, waitFor } from '../../support/processes'
import { EventLog, ok, readStored } from './events'

// A ccxt exchange through the real product: `keel serve` with its market worker creating the
// ccxt binance client itself, pointed at the loopback fake by KEEL_CCXT_URL_OVERRIDES (the
// only thing faked is the exchange).

const SYMBOL = 'BTC/USDT'
const ACCOUNT = 'binance-paper'

let fake: FakeExchange
let dir: ReturnType<typeof tempDir>
let serve: ServeProcess
let events: EventLog

beforeAll(async () => {
  fake = await startFakeExchange()
  dir = tempDir('keel-market-e2e-binance-')
  const previous = process.env.KEEL_CCXT_URL_OVERRIDES
  process.env.KEEL_CCXT_URL_OVERRIDES = JSON.stringify({ binance: { http: fake.httpUrl, ws: fake.wsUrl } })
  try {
    serve = await startServe(dir.path) // inherits the environment, as a user's shell would pass it
  } finally {
    if (previous === undefined) delete process.env.KEEL_CCXT_URL_OVERRIDES
    else process.env.KEEL_CCXT_URL_OVERRIDES = previous
  }
  await waitFor('execution and market running', async () => {
    const { body } = await serve.call('health')
    const workers = HealthReport.parse(body).workers
    return ['market', 'execution'].every((name) => workers.some((w) => w.name === name && w.state === 'running'))
  })
  events = await EventLog.connect(serve)
})

afterAll(async () => {
  events?.close()
  if (serve) await stopProcess(serve.child)
  dir?.remove()
  await fake?.close()
})

const subscribe = () => ok<{ subscribed: string[] }>(serve, 'subscribe', { exchange: 'binance', symbols: [SYMBOL], channels: ['ticker', 'trades', 'orderBook'] })
const binanceHealth = async (): Promise<ExchangeHealth | undefined> => HealthReport.parse(await ok(serve, 'health')).exchanges.find((e) => e.exchange === 'binance')
const isBinance = (p: { exchange: string; symbol?: string }) => p.exchange === 'binance' && p.symbol === SYMBOL
const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error

describe('binance (loopback fake) through keel serve', () => {
  it('subscribes: ticker, trade and book events arrive over the WebSocket; health shows binance', async () => {
    const since = events.mark
    const { subscribed } = await subscribe()
    expect(subscribed).toEqual(expect.arrayContaining([`ticker:${SYMBOL}`, `trades:${SYMBOL}`, `orderBook:${SYMBOL}`]))
    const ticker = Ticker.parse(await events.next('ticker', isBinance, since))
    const trade = Trade.parse(await events.next('trade', isBinance, since))
    const book = OrderBook.parse(await events.next('orderBook', isBinance, since))
    expect(ticker.last).toBeGreaterThan(0)
    expect(trade.id).toBeTruthy()
    expect(book.bids[0][0]).toBeLessThan(book.asks[0][0])
    // Pushed over the exchange's WebSocket, not polled.
    expect(fake.subscriptions.flat()).toEqual(expect.arrayContaining(['btcusdt@trade']))

    const health = await waitFor('binance in health.exchanges with a latency', async () => {
      const h = await binanceHealth()
      return h && h.latencyMs !== null && h
    })
    expect(health.status).toBe('ok')
    expect(health.latencyMs).toBeGreaterThanOrEqual(0)
    expect(health.lastMessageAgeMs).not.toBeNull()
  })

  it('answers ticker, orderBook and markets for binance from the exchange', async () => {
    const ticker = Ticker.parse(await ok(serve, 'ticker', { exchange: 'binance', symbol: SYMBOL }))
    expect(ticker).toMatchObject({ exchange: 'binance', symbol: SYMBOL })
    const book = OrderBook.parse(await ok(serve, 'orderBook', { exchange: 'binance', symbol: SYMBOL, depth: 3 }))
    expect(book.bids).toHaveLength(3)
    expect(book.bids[0][0]).toBeLessThan(book.asks[0][0])
    const markets = MarketsResult.parse(await ok(serve, 'markets', { exchange: 'binance' }))
    const btc = markets.find((m) => m.symbol === SYMBOL)
    expect(btc).toMatchObject({ exchange: 'binance', base: 'BTC', quote: 'USDT', precision: { price: 0.01, amount: 0.00001 } })
    expect(btc?.limits.cost?.min).toBeGreaterThan(0)
    // An unknown symbol is the caller's mistake (404), not a server error.
    for (const [method, params] of [
      ['ticker', { exchange: 'binance', symbol: 'NOPE/USDT' }],
      ['orderBook', { exchange: 'binance', symbol: 'NOPE/USDT' }],
      ['candles', { exchange: 'binance', symbol: 'NOPE/USDT', timeframe: '1h' }],
      ['subscribe', { exchange: 'binance', symbols: ['NOPE/USDT'], channels: ['ticker'] }]
    ] as const) {
      const res = await serve.call(method, params)
      expect(res.status, method).toBe(404)
      expect(errorOf(res.body).message, method).toContain('NOPE/USDT')
    }
  })

  it("binance markets reach the execution worker: an account on binance trades by binance's rules", async () => {
    await subscribe()
    await events.next('orderBook', isBinance) // execution has a book to walk
    const summary = await ok<{ exchange: string }>(serve, 'resetAccount', { account: ACCOUNT, exchange: 'binance' })
    expect(summary.exchange).toBe('binance')
    const order = await waitFor('a filled market order on binance', async () => {
      // Right after subscribing, execution may not have seen fresh data yet: retry until it has.
      const res = await serve.call('placeOrder', { account: ACCOUNT, symbol: SYMBOL, side: 'buy', type: 'market', amount: 0.01 })
      return res.status === 200 && (res.body as { status: string; avgFillPrice: number; fees: number; cost: number })
    })
    expect(order.status).toBe('filled')
    expect(order.avgFillPrice).toBe(64_250.1) // the fake's best ask
    expect(order.fees).toBeCloseTo(order.cost * 0.001, 9) // binance's taker fee from its markets
    // binance's own limits, not the demo's: min amount 0.00001 BTC.
    const tooSmall = await serve.call('placeOrder', { account: ACCOUNT, symbol: SYMBOL, side: 'buy', type: 'market', amount: 0.000001 })
    expect(tooSmall.status).toBe(422)
    expect(errorOf(tooSmall.body).message).toContain('below minimum 0.00001')
    // A symbol only the demo has is unknown on binance.
    const notListed = await serve.call('placeOrder', { account: ACCOUNT, symbol: 'SOL/USDT', side: 'buy', type: 'market', amount: 1 })
    expect(notListed.status).toBeGreaterThanOrEqual(400)
    expect(errorOf(notListed.body).message).toContain('SOL/USDT')
  })

  it('reconnects after the exchange drops its WebSockets, and counts the reconnect', async () => {
    await subscribe()
    await waitFor('binance connected', async () => (await binanceHealth())?.status === 'ok')
    const before = (await binanceHealth())!.reconnects
    const since = events.mark
    fake.dropWebSockets()
    await events.next<FeedStatusEvent>('feedStatus', (s) => s.exchange === 'binance' && s.status === 'reconnecting', since)
    await events.next<FeedStatusEvent>('feedStatus', (s) => s.exchange === 'binance' && s.status === 'connected', since)
    const after = await waitFor('the reconnect in health', async () => {
      const h = await binanceHealth()
      return h && h.reconnects > before && h
    })
    expect(after.reconnects).toBeGreaterThan(before)
    const resumed = events.mark
    await events.next('trade', isBinance, resumed) // data flows again
  })

  it('goes stale when the exchange stops answering, refuses orders on it, and recovers when it is back', async () => {
    await subscribe()
    await events.next('trade', isBinance, events.mark)
    const before = (await binanceHealth())!.reconnects
    const since = events.mark
    await fake.stop()
    const stale = await events.next<FeedStatusEvent>('feedStatus', (s) => isBinance(s) && s.status === 'stale', since, 30_000)
    expect(stale.reason).toContain('stale')
    const down = await binanceHealth()
    expect(down?.status).not.toBe('ok')
    // Execution will not trade on data it cannot trust, and says why.
    const refused = await serve.call('placeOrder', { account: ACCOUNT, symbol: SYMBOL, side: 'buy', type: 'market', amount: 0.01 })
    expect(refused.status).toBe(422)
    expect(errorOf(refused.body).message).toMatch(/stale/)

    const back = events.mark
    await fake.start()
    await events.next<FeedStatusEvent>('feedStatus', (s) => isBinance(s) && s.status === 'connected', back, 45_000)
    await events.next('trade', isBinance, back)
    const healthy = await waitFor('binance ok again, reconnect counted', async () => {
      const h = await binanceHealth()
      return h && h.status === 'ok' && h.reconnects > before && h
    })
    expect(healthy.reconnects).toBeGreaterThan(before)
    const accepted = await waitFor('an order accepted on fresh data', async () => {
      const res = await serve.call('placeOrder', { account: ACCOUNT, symbol: SYMBOL, side: 'sell', type: 'market', amount: 0.001 })
      return res.status === 200 && (res.body as { status: string })
    })
    expect(accepted.status).toBe('filled')
  }, 120_000)

  it('downloads binance history into market.db with progress to done; candles then answers from market.db', async () => {
    await subscribe()
    const hour = TIMEFRAME_MS['1h']
    const until = Math.floor(Date.now() / hour) * hour - hour
    const since = until - 48 * hour
    const since0 = events.mark
    const { jobId } = await ok<{ jobId: string }>(serve, 'downloadHistory', { exchange: 'binance', symbol: SYMBOL, timeframe: '1h', since, until })
    const done = HistoryProgressEvent.parse(await events.next<HistoryProgressEvent>('historyProgress', (p) => p.jobId === jobId && (p.phase === 'done' || p.phase === 'failed'), since0, 30_000))
    expect(done).toMatchObject({ phase: 'done', done: 48, total: 48 })

    const expected = Array.from({ length: 48 }, (_, i) => fakeCandle(since + i * hour))
    expect(readStored(join(dir.path, 'market.db'), 'binance', SYMBOL, '1h', since, until)).toEqual(expected)
    // Requests are told apart by their window: a background request (a resumed download after
    // a worker restart under load) must not read as the chart asking the exchange.
    const asked = fake.requests.length
    const klinesAsked = (startTime: number, limit: number) =>
      fake.requests.slice(asked).filter((r) => {
        const url = new URL(r, 'http://fake')
        return url.pathname === '/api/v3/klines' && Number(url.searchParams.get('startTime')) === startTime && Number(url.searchParams.get('limit')) === limit
      }).length
    const charted = (await ok<unknown[]>(serve, 'candles', { exchange: 'binance', symbol: SYMBOL, timeframe: '1h', since, limit: 48 })).map((c) => Candle.parse(c))
    expect(charted).toEqual(expected)
    const scrolled = (await ok<unknown[]>(serve, 'candles', { exchange: 'binance', symbol: SYMBOL, timeframe: '1h', before: since + 10 * hour, limit: 5 })).map((c) => Candle.parse(c))
    expect(scrolled).toEqual(expected.slice(5, 10))
    // answered from market.db, not the exchange
    expect(klinesAsked(since, 48)).toBe(0)
    expect(klinesAsked(since + 5 * hour, 5)).toBe(0)

    // A window market.db only partly covers is completed from the exchange, not cut short.
    const wide = (await ok<unknown[]>(serve, 'candles', { exchange: 'binance', symbol: SYMBOL, timeframe: '1h', since: since - 24 * hour, limit: 72 })).map((c) => Candle.parse(c))
    expect(wide.map((c) => c[0])).toEqual(Array.from({ length: 72 }, (_, i) => since - 24 * hour + i * hour))
    expect(wide.slice(24)).toEqual(expected)
    expect(klinesAsked(since - 24 * hour, 72)).toBe(1)
  })

  it('a killed market worker comes back with the binance feed the user chose (and without the one they dropped)', async () => {
    await subscribe()
    await ok(serve, 'subscribe', { exchange: 'binance', symbols: ['ETH/USDT'], channels: ['trades'] })
    await ok(serve, 'unsubscribe', { exchange: 'binance', symbols: ['ETH/USDT'], channels: ['trades'] })
    await events.next('trade', isBinance, events.mark)
    const market = () => ok<unknown>(serve, 'health').then((b) => HealthReport.parse(b).workers.find((w) => w.name === 'market')!)
    const { pid } = await market()
    process.kill(pid!, 'SIGKILL')
    await waitFor('the market worker restarted', async () => {
      const w = await market()
      return w.pid !== pid && w.state === 'running'
    })
    const restarted = events.mark
    const trade = Trade.parse(await events.next('trade', isBinance, restarted))
    expect(trade.exchange).toBe('binance')
    await waitFor('binance back in health.exchanges', async () => (await binanceHealth())?.lastMessageAgeMs != null)
    await events.next('trade', (t: Trade) => t.exchange === 'binance', events.mark) // still flowing
    expect(events.all<Trade>('trade', restarted, (t) => t.exchange === 'binance' && t.symbol === 'ETH/USDT')).toEqual([])
  })
})
