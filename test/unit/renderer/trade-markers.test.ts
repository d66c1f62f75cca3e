import { describe, expect, it } from 'vitest'
import { markerPoints, marksOfBacktest, marksOfFills } from '../../../src/renderer/src/chart/trade-markers'
import type { Fill } from '../../../src/shared/trading'

// The one marker module both charts use: which marks exist, on which candle, at which price.

const HOUR = 3_600_000
const bucket = (t: number) => Math.floor(t / HOUR) * HOUR
const fill = (id: string, side: 'buy' | 'sell', price: number, timestamp: number): Fill => ({
  id, orderId: `o${id}`, clientOrderId: `c${id}`, account: 'bot:abcdef', symbol: 'BTC/USDT', side, price, amount: 0.5, cost: price * 0.5, fee: 0, feeAsset: 'USDT', liquidity: 'taker', timestamp
})

describe('trade markers', () => {
  it('fills become marks on the candle they happened in, split by side; outside the loaded candles none', () => {
    const t0 = 10 * HOUR
    const fills = [fill('1', 'buy', 100, t0 + 1_000), fill('2', 'sell', 105.5, t0 + HOUR + 59_000), fill('3', 'buy', 90, t0 - 1), fill('4', 'sell', 99, t0 + 5 * HOUR)]
    const { buys, sells } = markerPoints(marksOfFills(fills), bucket, { from: t0, to: t0 + 2 * HOUR })
    expect(buys).toEqual([{ x: t0, y: 100, time: t0 + 1_000, label: 'buy 0.5 @ 100' }])
    expect(sells).toEqual([{ x: t0 + HOUR, y: 105.5, time: t0 + HOUR + 59_000, label: 'sell 0.5 @ 105.5' }])
    expect(markerPoints(marksOfFills(fills), bucket, undefined)).toEqual({ buys: [], sells: [] })
  })

  it('a backtest gives an entry and an exit per round trip and the entry of an open position', () => {
    const marks = marksOfBacktest({
      trades: [{ entryTime: HOUR, exitTime: 3 * HOUR, entryPrice: 10, exitPrice: 12, size: 2, pnl: 3.9, returnPct: 19.5, fees: 0.1 }],
      openTrades: [{ entryTime: 5 * HOUR, entryPrice: 11, size: 1, markPrice: 11.5, unrealizedPnl: 0.49, returnPct: 4.4, fees: 0.01 }]
    })
    expect(marks.map(({ side, price, time }) => [side, price, time])).toEqual([
      ['buy', 10, HOUR],
      ['sell', 12, 3 * HOUR],
      ['buy', 11, 5 * HOUR]
    ])
  })
})
