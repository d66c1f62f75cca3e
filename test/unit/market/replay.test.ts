import { describe, expect, it } from 'vitest'
import type { MarketEvent } from '../../../src/core/market/events'
import { CandleReplay } from '../../../src/core/market/replay'
import { MarketEvents } from '../../../src/shared/market'
import type { Candle } from '../../../src/shared/market-data'

const M = 60_000
const T0 = Date.UTC(2024, 5, 1)
const candles: Candle[] = [
  [T0, 100, 110, 95, 105, 8], // up: O→L→H→C
  [T0 + M, 105, 107, 90, 92, 4], // down: O→H→L→C
  [T0 + 2 * M, 92, 93, 91, 92, 0]
]
const WALL = 1_000_000
const prices = (events: MarketEvent[]) => events.filter((e) => e.name === 'trade').map((e) => (e.data as { price: number }).price)

describe('CandleReplay', () => {
  it('plays at 1× in real time along the intra-candle path', () => {
    const replay = new CandleReplay({ exchange: 'replay', symbol: 'BTC/USDT', candles, startAt: WALL })
    expect(replay.timeframe).toBe('1m')
    expect(prices(replay.advance(WALL))).toEqual([100])
    expect(prices(replay.advance(WALL + 44_999))).toEqual([95, 110])
    expect(prices(replay.advance(WALL + 45_000))).toEqual([105])
    const atClose = replay.advance(WALL + M)
    expect(atClose.map((e) => e.name)).toEqual(['candle', 'trade', 'ticker'])
    expect(atClose[0].data).toMatchObject({ candle: candles[0], closed: true, timeframe: '1m' })
    expect(prices(atClose)).toEqual([105])
  })

  it('plays at 1000×: three minutes of candles in 180 ms', () => {
    const replay = new CandleReplay({ exchange: 'replay', symbol: 'BTC/USDT', candles, speed: 1000, startAt: WALL })
    expect(replay.advance(WALL + 179).filter((e) => e.name === 'candle')).toHaveLength(2)
    expect(replay.done).toBe(false)
    const rest = replay.advance(WALL + 180)
    expect(rest.filter((e) => e.name === 'candle')).toHaveLength(1)
    expect(replay.done).toBe(true)
    expect(replay.progress).toBe(1)
    expect(replay.advance(WALL + 10_000)).toEqual([])
  })

  it('emits market-time stamps, buy/sell by direction, valid events, no trade for zero volume', () => {
    const replay = new CandleReplay({ exchange: 'replay', symbol: 'BTC/USDT', candles, speed: 1000, startAt: WALL })
    const events = replay.advance(WALL + 1_000)
    for (const e of events) expect(() => MarketEvents[e.name].parse(e.data)).not.toThrow()
    const trades = events.filter((e) => e.name === 'trade').map((e) => e.data as { timestamp: number; side: string })
    expect(trades).toHaveLength(8)
    expect(trades[0].timestamp).toBe(T0)
    expect(trades[1]).toMatchObject({ timestamp: T0 + 15_000, side: 'sell' })
    expect(trades[2]).toMatchObject({ side: 'buy' })
  })

  it('changes speed and pauses without jumping', () => {
    const replay = new CandleReplay({ exchange: 'replay', symbol: 'X/Y', candles, startAt: WALL })
    replay.setSpeed(60, WALL + 15_000) // 15 s of market time at 1×
    expect(replay.marketTime(WALL + 16_000)).toBe(T0 + 15_000 + 60_000)
    replay.pause(WALL + 16_000)
    expect(replay.marketTime(WALL + 99_000)).toBe(T0 + 75_000)
    replay.resume(WALL + 99_000)
    expect(replay.marketTime(WALL + 100_000)).toBe(T0 + 135_000)
  })

  it('refuses bad speeds and series it cannot time', () => {
    expect(() => new CandleReplay({ exchange: 'r', symbol: 'X/Y', candles, speed: 1001, startAt: 0 })).toThrow(/between 1× and 1000×/)
    expect(() => new CandleReplay({ exchange: 'r', symbol: 'X/Y', candles, speed: 0.5, startAt: 0 })).toThrow(/between/)
    expect(() => new CandleReplay({ exchange: 'r', symbol: 'X/Y', candles: [], startAt: 0 })).toThrow(/at least one candle/)
    expect(() => new CandleReplay({ exchange: 'r', symbol: 'X/Y', candles: [candles[0], [T0 + 7 * M, 1, 1, 1, 1, 1]], startAt: 0 })).toThrow(/timeframe/)
  })
})
