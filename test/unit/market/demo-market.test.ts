import { describe, expect, it } from 'vitest'
import { DemoMarket } from '../../../src/core/market/demo-market'
import { DEMO_SYMBOLS, demoSpec } from '../../../src/core/market/demo-symbols'
import type { MarketEvent } from '../../../src/core/market/events'
import { isOnTick } from '../../../src/core/market/ticks'
import { type MarketEventName, type MarketEventPayload, MarketEvents } from '../../../src/shared/market'
import { MarketInfo, type OrderBook, type Trade } from '../../../src/shared/market-data'

const START = Date.UTC(2025, 0, 1, 12, 0, 0)
const run = (seed: number, ms: number, chunkMs = ms) => {
  const market = new DemoMarket({ seed, startTime: START })
  const events: MarketEvent[] = []
  for (let t = START + chunkMs; t <= START + ms; t += chunkMs) events.push(...market.advance(t))
  return { market, events }
}
const ofType = <N extends MarketEventName>(events: MarketEvent[], name: N): MarketEventPayload<N>[] =>
  events.filter((e) => e.name === name).map((e) => e.data as MarketEventPayload<N>)

describe('DemoMarket determinism', () => {
  it('gives identical events for the same seed, however the clock is chunked', () => {
    const whole = run(7, 20_000).events
    const chunked = run(7, 20_000, 250).events
    expect(whole.length).toBeGreaterThan(500)
    expect(chunked).toEqual(whole)
  })

  it('gives different events for a different seed', () => {
    const a = ofType(run(1, 10_000).events, 'trade')
    const b = ofType(run(2, 10_000).events, 'trade')
    expect(a.map((t) => t.price)).not.toEqual(b.map((t) => t.price))
  })

  it('generates the same history for the same seed and start', () => {
    const a = new DemoMarket({ seed: 3, startTime: START }).historicalCandles('ETH/USDT', '15m', START - 86_400_000)
    const b = new DemoMarket({ seed: 3, startTime: START }).historicalCandles('ETH/USDT', '15m', START - 86_400_000)
    const c = new DemoMarket({ seed: 4, startTime: START }).historicalCandles('ETH/USDT', '15m', START - 86_400_000)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it('does not let queries change the stream', () => {
    const plain = new DemoMarket({ seed: 9, startTime: START })
    const queried = new DemoMarket({ seed: 9, startTime: START })
    const a = plain.advance(START + 5_000)
    queried.orderBook('BTC/USDT', 100)
    queried.ticker('ETH/USDT')
    queried.historicalCandles('SOL/USDT', '1h', START - 86_400_000)
    expect(queried.advance(START + 5_000)).toEqual(a)
  })
})

describe('DemoMarket sanity', () => {
  const { market, events } = run(11, 60_000)

  it('emits events that pass the shared schemas', () => {
    for (const event of events) expect(() => MarketEvents[event.name].parse(event.data)).not.toThrow()
    for (const info of market.markets()) expect(() => MarketInfo.parse(info)).not.toThrow()
  })

  it('lists ccxt-shaped markets with realistic metadata', () => {
    const btc = market.markets().find((m) => m.symbol === 'BTC/USDT')
    expect(btc).toMatchObject({ exchange: 'demo', base: 'BTC', quote: 'USDT', maker: 0.001, taker: 0.001 })
    expect(btc?.precision.price).toBe(0.01)
    expect(btc?.limits.cost.min).toBeGreaterThan(0)
    expect(market.symbols).toEqual(DEMO_SYMBOLS.map((s) => s.symbol))
  })

  it('keeps books uncrossed, tick-aligned, sorted and positive', () => {
    const books = ofType(events, 'orderBook')
    expect(books.length).toBeGreaterThan(100)
    for (const book of books as OrderBook[]) {
      const spec = demoSpec(book.symbol)
      expect(book.bids[0][0]).toBeLessThan(book.asks[0][0])
      for (let i = 1; i < book.bids.length; i++) expect(book.bids[i][0]).toBeLessThan(book.bids[i - 1][0])
      for (let i = 1; i < book.asks.length; i++) expect(book.asks[i][0]).toBeGreaterThan(book.asks[i - 1][0])
      for (const [price, amount] of [...book.bids, ...book.asks]) {
        expect(isOnTick(price, spec.priceTick)).toBe(true)
        expect(isOnTick(amount, spec.amountTick)).toBe(true)
        expect(amount).toBeGreaterThan(0)
      }
    }
  })

  it('produces trades on tick with both aggressor sides, at roughly the configured rate', () => {
    const trades = ofType(events, 'trade') as Trade[]
    const btc = trades.filter((t) => t.symbol === 'BTC/USDT')
    const spec = demoSpec('BTC/USDT')
    expect(btc.length).toBeGreaterThan(spec.tradesPerSecond * 60 * 0.5)
    expect(btc.length).toBeLessThan(spec.tradesPerSecond * 60 * 3)
    expect(new Set(btc.map((t) => t.side))).toEqual(new Set(['buy', 'sell']))
    for (const t of btc) expect(isOnTick(t.price, spec.priceTick)).toBe(true)
    for (let i = 1; i < btc.length; i++) expect(btc[i].timestamp).toBeGreaterThanOrEqual(btc[i - 1].timestamp)
  })

  it('moves prices plausibly: no jumps over a minute beyond a few percent', () => {
    for (const spec of DEMO_SYMBOLS) {
      const mid = market.midPrice(spec.symbol)
      expect(Math.abs(Math.log(mid / spec.startPrice))).toBeLessThan(0.05)
    }
  })

  it('fills tickers with a 24h window seeded from the history', () => {
    const ticker = market.ticker('BTC/USDT')
    expect(ticker.open24h).toBeDefined()
    expect(ticker.high24h).toBeGreaterThanOrEqual(ticker.low24h as number)
    expect(ticker.baseVolume24h).toBeGreaterThan(0)
    expect(ticker.bid).toBeLessThan(ticker.ask as number)
  })

  it('joins history to the live market at the start price', () => {
    const history = market.historicalCandles('BTC/USDT', '1m', START - 3_600_000)
    expect(history).toHaveLength(60)
    expect(history.at(-1)?.[4]).toBe(demoSpec('BTC/USDT').startPrice)
    for (const [, open, high, low, close] of history) {
      expect(high).toBeGreaterThanOrEqual(Math.max(open, close))
      expect(low).toBeLessThanOrEqual(Math.min(open, close))
    }
  })

  it('rolls timeframes up from one path, so they agree', () => {
    const minutes = market.historicalCandles('SOL/USDT', '1m', START - 3_600_000)
    const [hour] = market.historicalCandles('SOL/USDT', '1h', START - 3_600_000)
    expect(hour[1]).toBe(minutes[0][1])
    expect(hour[4]).toBe(minutes.at(-1)?.[4])
    expect(hour[2]).toBe(Math.max(...minutes.map((c) => c[2])))
  })

  it('serves years of daily history, oldest first', () => {
    const days = market.historicalCandles('BTC/USDT', '1d', START - 400 * 86_400_000)
    expect(days.length).toBeGreaterThanOrEqual(399)
    for (let i = 1; i < days.length; i++) expect(days[i][0] - days[i - 1][0]).toBe(86_400_000)
  })

  it('refuses unknown symbols and bad options clearly', () => {
    expect(() => market.ticker('DOGE/USDT')).toThrow(/no symbol DOGE\/USDT/)
    expect(() => new DemoMarket({ seed: 1.5, startTime: START })).toThrow(/integer/)
    expect(() => new DemoMarket({ seed: 1, startTime: START, symbols: ['FOO/BAR'] })).toThrow(/FOO\/BAR/)
  })

  it('catches up over a long pause without generating every trade', () => {
    const paused = new DemoMarket({ seed: 5, startTime: START })
    const events = paused.advance(START + 3_600_000)
    const trades = ofType(events, 'trade')
    expect(trades.length).toBeLessThan(60 * 60) // only the last minute is simulated trade by trade
    expect(paused.now).toBe(START + 3_600_000)
  })
})
