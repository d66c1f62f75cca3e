import type { MarketInfo } from '../market-data'
import { toSignificant } from './decimal'
import { ceilToStep, floorToStep, isOnStep } from './steps'

/**
 * A market's precision and limits (ccxt market structure) as one set of rules for everyone who
 * judges an order: the paper exchange rejects what breaks them, with the exchange's reason; the
 * order ticket rounds what the trader typed onto the grid and shows it before sending.
 */

export type Judged = 'amount' | 'price' | 'cost'

/** One broken rule, structured so each caller words it for its reader. */
export type RuleBreak =
  | { kind: 'off_step'; what: Exclude<Judged, 'cost'>; field: string; value: number; step: number }
  | { kind: 'below_min' | 'above_max'; what: Judged; field: string; value: number; limit: number }

type Range = { min?: number; max?: number }

function rangeBreak(what: Judged, field: string, value: number, range: Range): RuleBreak | undefined {
  if (range.min !== undefined && value < range.min) return { kind: 'below_min', what, field, value, limit: range.min }
  if (range.max !== undefined && value > range.max) return { kind: 'above_max', what, field, value, limit: range.max }
  return undefined
}

/** An amount must be inside the amount limits and sit on the lot step (limits first: "below
 * minimum" says more than "off the step" about an amount too small to trade). */
export function amountBreak(market: MarketInfo, amount: number): RuleBreak | undefined {
  const step = market.precision.amount
  const outside = rangeBreak('amount', 'amount', amount, market.limits.amount)
  if (outside) return outside
  return isOnStep(amount, step) ? undefined : { kind: 'off_step', what: 'amount', field: 'amount', value: amount, step }
}

/** A price (limit, trigger or bracket leg) must be inside the price limits and sit on the tick. */
export function priceBreak(market: MarketInfo, price: number, field = 'price'): RuleBreak | undefined {
  const outside = rangeBreak('price', field, price, market.limits.price)
  return outside ?? tickBreak(market, price, field)
}

/** A price distance (trailing amount) must sit on the tick; price limits do not apply to it. */
export function tickBreak(market: MarketInfo, price: number, field: string): RuleBreak | undefined {
  const step = market.precision.price
  return isOnStep(price, step) ? undefined : { kind: 'off_step', what: 'price', field, value: price, step }
}

/** The notional (amount × the price it is expected to trade at) must be inside the cost limits. */
export function costBreak(market: MarketInfo, amount: number, price: number): RuleBreak | undefined {
  return rangeBreak('cost', 'cost', notional(amount, price), market.limits.cost)
}

/** amount × price without float residue (12 significant digits, like an exchange's display). */
export function notional(amount: number, price: number): number {
  return toSignificant(amount * price, 12)
}

/** Compact number for messages: no float noise, no exponent for ordinary sizes. */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(12)))
}

/** The exchange's wording of a broken rule, e.g. "amount 0.00001 below minimum 0.0001 for BTC/USDT". */
export function describeBreak(problem: RuleBreak, symbol: string): string {
  if (problem.kind === 'off_step') {
    const grid = problem.what === 'amount' ? 'amount step' : 'price tick'
    return `${problem.field} ${fmt(problem.value)} is not a multiple of the ${grid} ${fmt(problem.step)} for ${symbol}`
  }
  const side = problem.kind === 'below_min' ? 'below minimum' : 'above maximum'
  return `${problem.what} ${fmt(problem.value)} ${side} ${fmt(problem.limit)} for ${symbol}`
}

// ── fees ──

/** The rate a buy must be funded at before it is known whether it makes or takes: the higher, never below 0. */
export function fundingFeeRate(maker: number, taker: number): number {
  return Math.max(maker, taker, 0)
}

/** What buying `amount` at `price` costs in the quote asset, fee included. */
export function buyCost(amount: number, price: number, feeRate: number): number {
  return amount * price * (1 + feeRate)
}

/** What selling `amount` at `price` yields in the quote asset, fee deducted. */
export function sellProceeds(amount: number, price: number, feeRate: number): number {
  return amount * price * (1 - feeRate)
}

// ── rounding direction ──

/** How an amount the trader typed (or a % of the balance produced) goes onto the lot step: down,
 * so it never spends more than asked or held. */
export function amountOnStep(market: MarketInfo, amount: number): number {
  return floorToStep(amount, market.precision.amount)
}

/** How a price goes onto the tick: a buy's down and a sell's up, so the order never trades at a
 * worse price than the one typed. */
export function priceOnTick(market: MarketInfo, price: number, side: 'buy' | 'sell'): number {
  return side === 'buy' ? floorToStep(price, market.precision.price) : ceilToStep(price, market.precision.price)
}

/** The largest amount on the lot step that `funds` of quote buy at `price`, fee included. */
export function affordableAmount(market: MarketInfo, funds: number, price: number, feeRate: number): number {
  return floorToStep(funds / (price * (1 + feeRate)), market.precision.amount)
}
