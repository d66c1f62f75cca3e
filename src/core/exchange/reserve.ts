import type { MarketInfo } from '../../shared/market-data'
import { buyCost, fundingFeeRate } from '../../shared/market-rules'
import { balanceOf, feeRates, freeOf, lock } from './accounts'
import { approxEqual, tidy, tidySum } from './numeric'
import { isLive, type AccountState, type ExchangeState, type OrderRecord } from './state'
import type { Tx } from './tx'

/**
 * What each live order keeps locked. A sell locks its remaining base; a buy locks remaining ×
 * its price × (1 + the higher fee rate), because a limit may end up taking. Orders that execute
 * at once (market, triggered stop-market) lock nothing: they spend free funds directly.
 * The two legs of a bracket trade the same coins and only one can execute, so they share one
 * reservation, held by the take-profit leg; the stop-loss leg holds 0 while its sibling lives
 * and, when it triggers, executes with the funds the cancelled take-profit leg gave back. Invariant: an account's
 * locked balance per asset = the sum of `reserved` over its live orders.
 */

export function ownNeed(order: OrderRecord, market: MarketInfo, acct: AccountState): number {
  if (!isLive(order) || !order.armed) return 0
  // Neither resting nor waiting for a trigger: it is executing right now and spends free funds.
  if (!order.resting && order.status !== 'pending') return 0
  if (order.side === 'sell') return order.remaining
  // A resting buy is funded at its limit; a waiting one at its limit, else its trigger.
  const price = order.resting ? order.price : (order.price ?? order.stopPrice)
  if (price === undefined) return 0
  const { maker, taker } = feeRates(acct, market)
  return tidy(buyCost(order.remaining, price, fundingFeeRate(maker, taker)))
}

function liveSibling(state: ExchangeState, order: OrderRecord): OrderRecord | undefined {
  const sibling = order.siblingId === undefined ? undefined : state.orders.get(order.siblingId)
  return sibling && isLive(sibling) && sibling.armed ? sibling : undefined
}

export function reserveNeed(state: ExchangeState, order: OrderRecord, market: MarketInfo, acct: AccountState): number {
  if (order.role === 'stop_loss' && liveSibling(state, order)) return 0
  return ownNeed(order, market, acct)
}

export function reserveAssetOf(order: { side: string }, market: MarketInfo): string {
  return order.side === 'sell' ? market.base : market.quote
}

/** Locks or unlocks the difference between what the order holds and what it needs now.
 * Returns false (and changes nothing) when the free balance cannot cover an increase. */
export function syncReservation(tx: Tx, order: OrderRecord, market: MarketInfo, acct: AccountState): boolean {
  const need = reserveNeed(tx.state, order, market, acct)
  if (need === order.reserved) return true
  const delta = tidySum(need, -order.reserved)
  if (delta > 0 && !approxAtMost(delta, freeOf(acct, order.reserveAsset))) return false
  lock(tx, acct, order.reserveAsset, delta)
  order.reserved = need
  tx.order(order)
  return true
}

/** a ≤ b, forgiving rounding residue. */
export function approxAtMost(a: number, b: number): boolean {
  return a <= b || approxEqual(a, b)
}

/** Returns everything the order holds to free (before its funds are spent or it closes).
 * Rounding over reservations many decades apart (1e15 beside 0.01) can leave `locked` a hair
 * below the last holder's reservation; it takes back what is there, so locked never goes
 * negative. */
export function release(tx: Tx, order: OrderRecord, acct: AccountState): void {
  if (order.reserved === 0) return
  lock(tx, acct, order.reserveAsset, -Math.min(order.reserved, balanceOf(acct, order.reserveAsset).locked))
  order.reserved = 0
  tx.order(order)
}
