import type { DepthConfig, FillModel, IntrabarOrder } from '../../shared/backtest'
import type { OrderBook } from '../../shared/market-data'
import { floorToTick, roundToTick } from '../exchange/numeric'

/**
 * What a candle becomes for the exchange engine: a price path through the candle (open, then
 * high and low in a configurable order, then close) and, at each point of it, an order book
 * built from the candle's volume.
 */

/** The base a fill-at-the-price book quotes: effectively unlimited, still a finite number. */
const UNLIMITED = 1e15

/** true: the path visits the low before the high. */
export function lowFirst(order: IntrabarOrder, open: number, close: number, long: boolean): boolean {
  switch (order) {
    case 'pessimistic':
      return long
    case 'direction':
      return close >= open
    case 'low-first':
      return true
    case 'high-first':
      return false
  }
}

export interface BookSpec {
  exchange: string
  symbol: string
  fill: FillModel
  depth: DepthConfig
  priceTick: number
  amountStep: number
}

/**
 * The book at one point of the path. next-open: one level each side at the price, unlimited,
 * so a market order fills wholly there. book: `levels` levels a side, half-spread and level
 * distance in bps, `bookShare` of the candle's volume spread over them; a candle without
 * volume has an empty book.
 */
export function syntheticBook(spec: BookSpec, price: number, volume: number, timestamp: number): OrderBook {
  const { exchange, symbol } = spec
  if (spec.fill === 'next-open') {
    return { exchange, symbol, timestamp, bids: [[price, UNLIMITED]], asks: [[price, UNLIMITED]] }
  }
  const { levels, levelBps, halfSpreadBps, bookShare } = spec.depth
  const perLevel = floorToTick((volume * bookShare) / levels, spec.amountStep)
  const bids: [number, number][] = []
  const asks: [number, number][] = []
  if (perLevel <= 0) return { exchange, symbol, timestamp, bids, asks }
  const tick = spec.priceTick
  for (let k = 0; k < levels; k++) {
    const offset = (halfSpreadBps + k * levelBps) / 10_000
    // Levels stay strictly ordered even when the tick is coarser than the level distance.
    let ask = roundToTick(price * (1 + offset), tick)
    if (k > 0 && ask <= asks[k - 1][0]) ask = roundToTick(asks[k - 1][0] + tick, tick)
    let bid = roundToTick(price * (1 - offset), tick)
    if (bids.length > 0 && bid >= bids[bids.length - 1][0]) bid = roundToTick(bids[bids.length - 1][0] - tick, tick)
    asks.push([ask, perLevel])
    if (bid > 0) bids.push([bid, perLevel])
  }
  return { exchange, symbol, timestamp, bids, asks }
}
