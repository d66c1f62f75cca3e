import { afterEach, describe, expect, it, vi } from 'vitest'
import { ClientFanout, type FanoutFrame } from '../../../src/main/client-fanout'

const ticker = (symbol: string, last: number) => ({ exchange: 'demo', symbol, timestamp: 1, last })
const trade = (i: number) => ({ exchange: 'demo', symbol: 'BTC/USDT', timestamp: i, price: 1, amount: 1, side: 'buy' })

afterEach(() => vi.useRealTimers())

describe('ClientFanout', () => {
  it('coalesces state per key to the latest value, keeps orders and trades in order', () => {
    vi.useFakeTimers()
    const frames: FanoutFrame[][] = []
    const fanout = new ClientFanout({ deliver: (f) => frames.push(f), frameMs: 16 })
    for (let i = 1; i <= 100; i++) fanout.offer('ticker', ticker('BTC/USDT', i))
    fanout.offer('ticker', ticker('ETH/USDT', 7))
    fanout.offer('orderUpdated', { n: 1 })
    fanout.offer('trade', trade(1))
    fanout.offer('orderUpdated', { n: 2 })
    vi.advanceTimersByTime(16)
    expect(frames).toHaveLength(1)
    const [frame] = frames
    expect(frame?.filter((f) => f.event === 'orderUpdated').map((f) => f.payload)).toEqual([{ n: 1 }, { n: 2 }])
    expect(frame?.filter((f) => f.event === 'ticker').map((f) => f.payload)).toEqual([ticker('BTC/USDT', 100), ticker('ETH/USDT', 7)])
    expect(frame?.filter((f) => f.event === 'trade')).toHaveLength(1)
  })

  it('holds a slow client to bounded memory and gives it the latest state when it catches up', () => {
    vi.useFakeTimers()
    let ready = false
    const frames: FanoutFrame[][] = []
    const fanout = new ClientFanout({ deliver: (f) => frames.push(f), isReady: () => ready, frameMs: 16 })
    for (let i = 0; i < 10_000; i++) {
      fanout.offer('ticker', ticker('BTC/USDT', i + 1))
      fanout.offer('trade', trade(i))
      if (i % 100 === 0) vi.advanceTimersByTime(16)
    }
    expect(frames).toHaveLength(0)
    expect(fanout.droppedTrades).toBe(8_000)
    ready = true
    vi.advanceTimersByTime(16)
    expect(frames).toHaveLength(1)
    expect(frames[0]?.filter((f) => f.event === 'trade')).toHaveLength(2_000)
    expect(frames[0]?.find((f) => f.event === 'tradesDropped')?.payload).toEqual({ count: 8_000 })
    expect(frames[0]?.find((f) => f.event === 'ticker')?.payload).toEqual(ticker('BTC/USDT', 10_000))
  })
})
