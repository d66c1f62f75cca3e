import type { OrderBook } from '../../shared/market-data'
import type { DemoSymbolSpec } from './demo-symbols'
import type { Prng } from './prng'
import { ceilToTick, floorToTick, roundToTick } from './ticks'

/** The best quotes around a mid: tick-aligned, at least one tick apart, never crossed. */
export function quoteAround(mid: number, spec: DemoSymbolSpec): { bid: number; ask: number } {
  const tick = spec.priceTick
  const halfSpread = Math.max(tick / 2, (mid * spec.halfSpreadBps) / 10_000)
  const bid = Math.max(tick, floorToTick(mid - halfSpread, tick))
  const ask = Math.max(roundToTick(bid + tick, tick), ceilToTick(mid + halfSpread, tick))
  return { bid, ask }
}

export interface BookShape {
  levels: number
  /** Multiplies all level sizes; the demo drifts it so depth thins and thickens over time. */
  depthFactor: number
}

/**
 * An order book of `levels` per side: level gaps grow away from the touch (1, 1, 2, 2, 3...
 * ticks, scaled for cheap-tick symbols), sizes grow with distance and carry log-normal noise.
 */
export function buildBook(
  exchange: string,
  spec: DemoSymbolSpec,
  mid: number,
  timestamp: number,
  shape: BookShape,
  prng: Prng
): OrderBook {
  const { bid, ask } = quoteAround(mid, spec)
  const tick = spec.priceTick
  // Space levels by at least ~0.5 bp so a 0.01 tick on BTC does not give a 20-cent-deep book.
  const unit = Math.max(tick, roundToTick((mid * 0.5) / 10_000, tick))
  // A level holds a few typical trades, more further out, so market orders walk a plausible book.
  const baseSize = (spec.medianTradeNotional * 4) / mid
  const bids: [number, number][] = []
  const asks: [number, number][] = []
  let bidPrice = bid
  let askPrice = ask
  for (let level = 0; level < shape.levels; level++) {
    const gap = level === 0 ? 0 : unit * Math.ceil(level / 2)
    bidPrice = floorToTick(bidPrice - gap, tick)
    askPrice = roundToTick(askPrice + gap, tick)
    const sizeAt = () => levelSize(baseSize * (1 + level * 0.5) * shape.depthFactor, spec.amountTick, prng)
    if (bidPrice >= tick) bids.push([bidPrice, sizeAt()])
    asks.push([askPrice, sizeAt()])
  }
  return { exchange, symbol: spec.symbol, timestamp, bids, asks }
}

function levelSize(median: number, amountTick: number, prng: Prng): number {
  return Math.max(amountTick, roundToTick(prng.logNormal(median, 0.6), amountTick))
}
