import { describe, expect, it } from 'vitest'
import { BoundedRing, FrameFlusher, MarketEventCoalescer, type CoalescedBatch } from '../../../src/core/market/coalescer'
import { type MarketEvent, marketEvent } from '../../../src/core/market/events'

const ticker = (symbol: string, last: number): MarketEvent => marketEvent('ticker', { exchange: 'demo', symbol, timestamp: last, last })
const trade = (i: number): MarketEvent => marketEvent('trade', { exchange: 'demo', symbol: 'BTC/USDT', timestamp: i, price: 100 + i, amount: 1, side: 'buy' })

describe('BoundedRing', () => {
  it('keeps the newest items and counts what it dropped', () => {
    const ring = new BoundedRing<number>(3)
    for (let i = 1; i <= 5; i++) ring.push(i)
    expect(ring.size).toBe(3)
    expect(ring.drain()).toEqual({ items: [3, 4, 5], dropped: 2 })
    expect(ring.drain()).toEqual({ items: [], dropped: 0 })
    expect(() => new BoundedRing(0)).toThrow(/positive/)
  })
})

describe('MarketEventCoalescer', () => {
  it('keeps only the latest state per key and every trade in order', () => {
    const c = new MarketEventCoalescer(10)
    c.offer(ticker('BTC/USDT', 1))
    c.offer(trade(1))
    c.offer(ticker('ETH/USDT', 2))
    c.offer(ticker('BTC/USDT', 3))
    c.offer(trade(2))
    const batch = c.drain()
    expect(batch.events.map((e) => [e.name, (e.data as { timestamp: number }).timestamp])).toEqual([
      ['ticker', 2],
      ['ticker', 3],
      ['trade', 1],
      ['trade', 2]
    ])
    expect(batch.superseded).toBe(1)
    expect(c.pending).toBe(0)
  })

  it('stays bounded under a consumer that never reads, then hands it the latest state', () => {
    const c = new MarketEventCoalescer(100)
    for (let i = 0; i < 100_000; i++) {
      c.offer(ticker(`S${i % 5}/USDT`, i))
      c.offer(trade(i))
      expect(c.pending).toBeLessThanOrEqual(105)
    }
    const batch = c.drain()
    expect(batch.droppedTrades).toBe(100_000 - 100)
    const tickers = batch.events.filter((e) => e.name === 'ticker').map((e) => (e.data as { last: number }).last)
    expect(tickers.sort((a, b) => a - b)).toEqual([99_995, 99_996, 99_997, 99_998, 99_999])
    const trades = batch.events.filter((e) => e.name === 'trade')
    expect((trades[0].data as { timestamp: number }).timestamp).toBe(99_900)
  })

  it('does not let an open candle overwrite the one that just closed', () => {
    const c = new MarketEventCoalescer()
    const candle = (ts: number, closed: boolean) => marketEvent('candle', { exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1m', candle: [ts, 1, 1, 1, 1, 1], closed })
    c.offer(candle(0, true))
    c.offer(candle(60_000, false))
    c.offer(candle(60_000, false))
    expect(c.drain().events).toHaveLength(2)
  })
})

describe('FrameFlusher', () => {
  it('delivers at most once per frame and skips frames while the consumer is busy', () => {
    const coalescer = new MarketEventCoalescer()
    const delivered: CoalescedBatch[] = []
    let ready = false
    const flusher = new FrameFlusher({ coalescer, deliver: (b) => delivered.push(b), isReady: () => ready })
    expect(flusher.tick()).toBe(false) // nothing pending
    coalescer.offer(ticker('BTC/USDT', 1))
    expect(flusher.tick()).toBe(false) // busy consumer
    coalescer.offer(ticker('BTC/USDT', 2))
    ready = true
    expect(flusher.tick()).toBe(true)
    expect(delivered).toHaveLength(1)
    expect(delivered[0].events.map((e) => (e.data as { last: number }).last)).toEqual([2])
  })

  it('runs on injected timers and stops cleanly', () => {
    const callbacks: (() => void)[] = []
    const timers = { setInterval: (fn: () => void) => callbacks.push(fn), clearInterval: () => callbacks.splice(0) }
    const coalescer = new MarketEventCoalescer()
    let count = 0
    const flusher = new FrameFlusher({ coalescer, deliver: () => count++, timers, frameMs: 16 })
    flusher.start()
    flusher.start()
    expect(callbacks).toHaveLength(1)
    coalescer.offer(trade(1))
    callbacks[0]()
    expect(count).toBe(1)
    flusher.stop()
    expect(callbacks).toHaveLength(0)
    expect(() => new FrameFlusher({ coalescer, deliver: () => 0, frameMs: 0 })).toThrow(/at least 1 ms/)
  })
})
