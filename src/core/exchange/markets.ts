import type { MarketInfo } from '../../shared/market-data'
import { KeelError } from '../../shared/errors'
import { amountBreak, costBreak, describeBreak, priceBreak, roundToStep, tickBreak, type RuleBreak } from '../../shared/market-rules'
import { marketKey, type ExchangeState } from './state'

/**
 * Precision and limits the way the exchange applies them (ccxt market structure, rules in
 * src/shared/market-rules): an amount off the lot step, a price off the tick or anything outside
 * the limits is rejected with the exchange-style reason, never silently adjusted. The ticket
 * puts the trader's input on the grid before it is sent.
 */

export function findMarket(state: ExchangeState, exchange: string, symbol: string): MarketInfo {
  const market = state.markets.get(marketKey(exchange, symbol))
  if (!market) throw new KeelError('rejected', `unknown symbol ${symbol} on ${exchange}`)
  if (!market.active) throw new KeelError('rejected', `market ${symbol} on ${exchange} is not active`)
  return market
}

function refuse(problem: RuleBreak | undefined, market: MarketInfo): void {
  if (problem) throw new KeelError('rejected', describeBreak(problem, market.symbol))
}

/** The amount, checked, without float residue (0.30000000000000004 → 0.3). */
export function checkAmount(market: MarketInfo, amount: number): number {
  refuse(amountBreak(market, amount), market)
  return roundToStep(amount, market.precision.amount)
}

/** A limit, trigger or bracket price, checked, without float residue. */
export function checkPrice(market: MarketInfo, price: number, field = 'price'): number {
  refuse(priceBreak(market, price, field), market)
  return roundToStep(price, market.precision.price)
}

/** A trailing distance: on the tick, not bound by the price limits. */
export function checkDistance(market: MarketInfo, distance: number, field: string): number {
  refuse(tickBreak(market, distance, field), market)
  return roundToStep(distance, market.precision.price)
}

/** Notional check with the price the order is expected to trade at. */
export function checkCost(market: MarketInfo, amount: number, price: number): void {
  refuse(costBreak(market, amount, price), market)
}
