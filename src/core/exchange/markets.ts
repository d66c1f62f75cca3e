import type { MarketInfo } from '../../shared/market-data'
import { KeelError } from '../../shared/errors'
import { floorToTick, fmt, roundToTick } from './numeric'
import { marketKey, type ExchangeState } from './state'

/**
 * Precision and limits the way the exchange applies them (ccxt market structure): price to
 * the nearest tick, amount truncated to its tick, then min/max amount, price and cost. A
 * violation throws a KeelError('rejected') carrying the exchange-style reason.
 */

export function findMarket(state: ExchangeState, exchange: string, symbol: string): MarketInfo {
  const market = state.markets.get(marketKey(exchange, symbol))
  if (!market) throw new KeelError('rejected', `unknown symbol ${symbol} on ${exchange}`)
  if (!market.active) throw new KeelError('rejected', `market ${symbol} on ${exchange} is not active`)
  return market
}

function checkRange(
  what: 'amount' | 'price' | 'cost',
  value: number,
  range: { min?: number; max?: number },
  symbol: string
): void {
  if (range.min !== undefined && value < range.min) {
    throw new KeelError('rejected', `${what} ${fmt(value)} below minimum ${fmt(range.min)} for ${symbol}`)
  }
  if (range.max !== undefined && value > range.max) {
    throw new KeelError('rejected', `${what} ${fmt(value)} above maximum ${fmt(range.max)} for ${symbol}`)
  }
}

export function normalizeAmount(market: MarketInfo, amount: number): number {
  const rounded = floorToTick(amount, market.precision.amount)
  const { amount: limits } = market.limits
  if (limits.min !== undefined && rounded < limits.min) checkRange('amount', amount, limits, market.symbol)
  if (rounded <= 0) {
    throw new KeelError(
      'rejected',
      `amount ${fmt(amount)} is below the amount precision ${fmt(market.precision.amount)} for ${market.symbol}`
    )
  }
  checkRange('amount', rounded, limits, market.symbol)
  return rounded
}

export function normalizePrice(market: MarketInfo, price: number, field = 'price'): number {
  const rounded = roundToTick(price, market.precision.price)
  if (rounded <= 0) {
    throw new KeelError(
      'rejected',
      `${field} ${fmt(price)} is below the price precision ${fmt(market.precision.price)} for ${market.symbol}`
    )
  }
  checkRange('price', rounded, market.limits.price, market.symbol)
  return rounded
}

/** Notional check with the price the order is expected to trade at. */
export function checkCost(market: MarketInfo, amount: number, price: number): void {
  checkRange('cost', Number((amount * price).toPrecision(12)), market.limits.cost, market.symbol)
}
