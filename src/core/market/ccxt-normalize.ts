import type { MarketInterface, OHLCV, OrderBook as CcxtOrderBook, Ticker as CcxtTicker, Trade as CcxtTrade } from 'ccxt'
import type { z } from 'zod'
import { describeZodError } from '../../shared/errors'
import { Candle, MarketInfo, OrderBook, Ticker, Trade } from '../../shared/market-data'

/**
 * ccxt's unified structures → Keel's shared ones, validated on the way: ccxt parses the
 * exchange's JSON but passes nulls and odd values through, and nothing malformed may cross
 * into the rest of the app.
 */

export class MalformedDataError extends Error {
  constructor(what: string, detail: string) {
    super(`malformed ${what} from exchange: ${detail}`)
    this.name = 'MalformedDataError'
  }
}

function validated<S extends z.ZodType>(schema: S, what: string, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new MalformedDataError(what, describeZodError(result.error))
  return result.data
}

const orUndefined = (value: number | null | undefined): number | undefined =>
  value === null || value === undefined || !Number.isFinite(value) ? undefined : value
const positiveOrUndefined = (value: number | null | undefined): number | undefined => {
  const v = orUndefined(value)
  return v !== undefined && v > 0 ? v : undefined
}

const nonNegativeOrUndefined = (value: number | null | undefined): number | undefined => {
  const v = orUndefined(value)
  return v !== undefined && v >= 0 ? v : undefined
}

/** ccxt precision modes (ccxt's constants): digits after the point, or the tick itself. */
const DECIMAL_PLACES = 2
const SIGNIFICANT_DIGITS = 3

function precisionToTick(value: number | undefined, precisionMode: number, what: string, symbol: string): number {
  if (value === undefined || !Number.isFinite(value)) throw new MalformedDataError('market', `${symbol} has no ${what} precision`)
  if (precisionMode === DECIMAL_PLACES || precisionMode === SIGNIFICANT_DIGITS) return Number((10 ** -value).toFixed(Math.max(0, value)))
  return value
}

/** A ccxt market → MarketInfo with tick-size precision, whatever the exchange's precision mode. */
export function toMarketInfo(exchange: string, market: MarketInterface, precisionMode: number): MarketInfo {
  const { limits } = market
  const minMax = (range: { min?: number | null; max?: number | null } | undefined) => ({
    min: nonNegativeOrUndefined(range?.min),
    max: positiveOrUndefined(range?.max)
  })
  return validated(MarketInfo, 'market', {
    exchange,
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    active: market.active !== false,
    precision: {
      amount: precisionToTick(market.precision?.amount ?? undefined, precisionMode, 'amount', market.symbol),
      price: precisionToTick(market.precision?.price ?? undefined, precisionMode, 'price', market.symbol)
    },
    limits: { amount: minMax(limits?.amount), price: minMax(limits?.price), cost: minMax(limits?.cost) },
    maker: orUndefined(market.maker) ?? 0.001,
    taker: orUndefined(market.taker) ?? 0.001
  })
}

export function toTicker(exchange: string, symbol: string, ticker: CcxtTicker, now: number): Ticker {
  return validated(Ticker, 'ticker', {
    exchange,
    symbol,
    timestamp: orUndefined(ticker.timestamp) ?? now,
    bid: positiveOrUndefined(ticker.bid),
    ask: positiveOrUndefined(ticker.ask),
    last: positiveOrUndefined(ticker.last) ?? positiveOrUndefined(ticker.close),
    open24h: positiveOrUndefined(ticker.open),
    high24h: positiveOrUndefined(ticker.high),
    low24h: positiveOrUndefined(ticker.low),
    baseVolume24h: orUndefined(ticker.baseVolume)
  })
}

export function toTrade(exchange: string, symbol: string, trade: CcxtTrade): Trade {
  return validated(Trade, 'trade', {
    exchange,
    symbol,
    id: trade.id ?? undefined,
    timestamp: trade.timestamp,
    price: trade.price,
    amount: trade.amount,
    side: trade.side
  })
}

export function toOrderBook(exchange: string, symbol: string, book: CcxtOrderBook, depth: number, now: number): OrderBook {
  const levels = (side: [number | undefined, number | undefined][]) =>
    side.slice(0, depth).map(([price, amount]) => [price, amount])
  return validated(OrderBook, 'order book', {
    exchange,
    symbol,
    timestamp: orUndefined(book.timestamp) ?? now,
    bids: levels(book.bids),
    asks: levels(book.asks)
  })
}

export function toCandle(candle: OHLCV): Candle {
  return validated(Candle, 'candle', candle.slice(0, 6))
}
