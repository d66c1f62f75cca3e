import { z } from 'zod'

/**
 * Market data as it crosses process boundaries (market worker → host → execution worker and
 * clients). Shapes follow ccxt's unified structures, trimmed to what Keel uses, so a live
 * ccxt exchange and the built-in demo market produce the same thing.
 */

const finite = z.number().finite()
const positive = finite.positive()
const nonNegative = finite.nonnegative()

/** A ccxt-style market: precision as tick sizes (ccxt TICK_SIZE mode), limits, fees. */
export const MarketInfo = z.object({
  exchange: z.string().min(1),
  symbol: z.string().min(1), // "BTC/USDT"
  base: z.string().min(1),
  quote: z.string().min(1),
  active: z.boolean().default(true),
  precision: z.object({
    amount: positive, // tick size, e.g. 0.00001
    price: positive // tick size, e.g. 0.01
  }),
  limits: z.object({
    amount: z.object({ min: nonNegative.optional(), max: positive.optional() }).default({}),
    price: z.object({ min: nonNegative.optional(), max: positive.optional() }).default({}),
    cost: z.object({ min: nonNegative.optional(), max: positive.optional() }).default({})
  }),
  maker: finite, // fee rate, e.g. 0.001 (may be negative: rebates)
  taker: finite
})
export type MarketInfo = z.infer<typeof MarketInfo>

export const Side = z.enum(['buy', 'sell'])
export type Side = z.infer<typeof Side>

export const Trade = z.object({
  exchange: z.string(),
  symbol: z.string(),
  id: z.string().optional(),
  timestamp: finite, // ms since epoch
  price: positive,
  amount: positive,
  side: Side // the aggressor's side
})
export type Trade = z.infer<typeof Trade>

/** [price, amount] levels; bids descending, asks ascending. */
export const BookLevel = z.tuple([positive, positive])
export const OrderBook = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timestamp: finite,
  bids: z.array(BookLevel),
  asks: z.array(BookLevel)
})
export type OrderBook = z.infer<typeof OrderBook>

export const Ticker = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timestamp: finite,
  bid: positive.optional(),
  ask: positive.optional(),
  last: positive,
  open24h: positive.optional(), // for change %
  high24h: positive.optional(),
  low24h: positive.optional(),
  baseVolume24h: nonNegative.optional()
})
export type Ticker = z.infer<typeof Ticker>

/** One OHLCV candle: [timestamp, open, high, low, close, volume] like ccxt. */
export const Candle = z.tuple([finite, positive, positive, positive, positive, nonNegative])
export type Candle = z.infer<typeof Candle>

/**
 * Candles as columns: one Float64Array per field, `length` rows. A million candles take 48 MB
 * instead of the ~100 MB of a million small arrays, read faster in a hot loop, and travel to
 * worker threads on a SharedArrayBuffer without a copy.
 */
export interface CandleColumns {
  readonly length: number
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

export const Timeframe = z.enum(['1m', '5m', '15m', '1h', '4h', '1d'])
export type Timeframe = z.infer<typeof Timeframe>

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000
}
