import type { Side } from '../../shared/market-data'
import { ceilToStep, floorToStep } from '../../shared/market-rules'
import { tidy } from './numeric'
import type { MarketSnapshot } from './state'

/**
 * Market orders sized by quote (placeOrder `cost`, like Binance quoteOrderQty): the base amount
 * is found by walking the opposite side of the book, fees included, and sits on the lot step.
 * A buy gets the most base that `cost` pays for (each level's share rounded down, so the spend
 * never exceeds `cost`); a sell the least base whose proceeds net of fees reach `cost` (the last
 * level's share rounded up). Where the book ends first, the rest is sized at its last price:
 * the order then fills the depth and the remainder is cancelled, as an amount-sized order's is.
 */
export function amountForCost(snap: MarketSnapshot, side: Side, cost: number, amountStep: number, takerFee: number): number {
  const levels = side === 'buy' ? snap.asks : snap.bids
  // Quote per unit of base at a level: a buy pays price + fee, a sell receives price − fee.
  const perUnit = (price: number) => price * (side === 'buy' ? 1 + takerFee : 1 - takerFee)
  let left = cost
  let amount = 0
  for (const level of levels) {
    const unit = perUnit(level.price)
    const wanted = left / unit
    if (wanted <= level.amount) return tidy(amount + (side === 'buy' ? floorToStep(wanted, amountStep) : ceilToStep(wanted, amountStep)))
    const take = floorToStep(level.amount, amountStep)
    amount = tidy(amount + take)
    left -= take * unit
  }
  const last = levels[levels.length - 1]
  if (!last || left <= 0) return amount
  const rest = left / perUnit(last.price)
  return tidy(amount + (side === 'buy' ? floorToStep(rest, amountStep) : ceilToStep(rest, amountStep)))
}
