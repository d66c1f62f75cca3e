import type { MarketInfo } from '../../shared/market-data'
import type { OrderStatus } from '../../shared/trading'
import { feeRates, freeOf } from './accounts'
import { consume, midOf, planTake, type TakePlan } from './book'
import { recordFill } from './ledger'
import { floorToTick, fmt } from './numeric'
import { approxAtMost, release, syncReservation } from './reserve'
import { clientKey, isLive, marketKey, type AccountState, type ExchangeState, type OrderRecord } from './state'
import type { Tx } from './tx'

/**
 * How an order moves once it exists: take liquidity, rest, fill from trades, trigger, close.
 * Closing an order also settles its relatives: the other leg of an OCO pair is cancelled, and
 * a bracket entry arms its legs (sized to what it filled) or cancels them if nothing filled.
 */

export interface OrderContext {
  acct: AccountState
  market: MarketInfo
  order: OrderRecord
}

export function contextOf(tx: Tx, order: OrderRecord): OrderContext {
  const acct = tx.state.accounts.get(order.account)
  const market = tx.state.markets.get(marketKey(order.exchange, order.symbol))
  if (!acct || !market) throw new Error(`order ${order.id} refers to a missing account or market`)
  return { acct, market, order }
}

/** Registers a new order (ids, idempotency index, live index). */
export function insertOrder(tx: Tx, order: OrderRecord): void {
  const { state } = tx
  state.orders.set(order.id, order)
  if (state.config.clientIdIndex) state.byClientId.set(clientKey(order.account, order.clientOrderId), order.id)
  indexLive(state, order)
  tx.order(order)
}

/** Adds a live order to its market's set: the orders a trade on that market looks at. */
export function indexLive(state: ExchangeState, order: OrderRecord): void {
  const key = marketKey(order.exchange, order.symbol)
  let live = state.live.get(key)
  if (!live) state.live.set(key, (live = new Set()))
  live.add(order)
}

export function finalize(tx: Tx, ctx: OrderContext, status: OrderStatus, reason?: string): void {
  const { order } = ctx
  order.status = status
  if (reason !== undefined) order.reason = reason
  order.resting = false
  release(tx, order, ctx.acct)
  tx.state.live.get(marketKey(order.exchange, order.symbol))?.delete(order)
  tx.order(order)
  rememberClosed(tx.state, order)
  breakOco(tx, order, `OCO: other leg ${status}`)
  if (order.childIds) settleBracketLegs(tx, order)
}

/** Keeps the most recent closed orders in memory; older ones are served by the store. */
export function rememberClosed(state: ExchangeState, order: OrderRecord): void {
  const limit = state.config.closedOrderMemory
  state.closedQueue.push(order.id)
  // Evict in batches: one splice per `slack` closes instead of an O(n) shift per close.
  const slack = Math.min(1024, Math.max(1, limit))
  if (state.closedQueue.length < limit + slack) return
  for (const id of state.closedQueue.splice(0, state.closedQueue.length - limit)) {
    const old = state.orders.get(id)
    if (!old || isLive(old)) continue
    state.orders.delete(id)
    if (!state.config.clientIdIndex) continue
    const key = clientKey(old.account, old.clientOrderId)
    if (state.byClientId.get(key) === id) state.byClientId.delete(key)
  }
}

/** One leg of a bracket executed or closed: the other leg is cancelled. */
export function breakOco(tx: Tx, order: OrderRecord, reason: string): void {
  if (order.siblingId === undefined) return
  const sibling = tx.state.orders.get(order.siblingId)
  order.siblingId = undefined
  tx.order(order)
  if (!sibling) return
  sibling.siblingId = undefined
  if (isLive(sibling)) finalize(tx, contextOf(tx, sibling), 'cancelled', reason)
}

function settleBracketLegs(tx: Tx, entry: OrderRecord): void {
  const legs: OrderRecord[] = []
  for (const id of entry.childIds ?? []) {
    const leg = tx.state.orders.get(id)
    if (leg && isLive(leg)) legs.push(leg)
  }
  for (const leg of legs) {
    if (entry.filled > 0) {
      leg.amount = entry.filled
      leg.remaining = entry.filled
      leg.armed = true
      tx.activated.add(leg.id) // armed by this event: reacts from the next one
      tx.order(leg)
    } else {
      finalize(tx, contextOf(tx, leg), 'cancelled', `bracket entry ${entry.status} without a fill`)
    }
  }
  // Arm the stop-loss first (it holds nothing while its sibling lives), then the take-profit,
  // which rests as a limit and holds the pair's funds.
  for (const leg of legs.sort((a, b) => (a.role === 'stop_loss' ? -1 : b.role === 'stop_loss' ? 1 : 0))) {
    if (!isLive(leg) || !leg.armed) continue
    const ctx = contextOf(tx, leg)
    if (leg.role === 'take_profit') {
      leg.status = 'open'
      leg.resting = true
      runLimit(tx, ctx)
    } else if (!syncReservation(tx, leg, ctx.market, ctx.acct)) {
      finalize(tx, ctx, 'cancelled', 'insufficient balance to arm the bracket leg')
    }
  }
}

/** Takes liquidity from the book for the order's remaining amount (taker fills). */
function takeNow(tx: Tx, ctx: OrderContext, limitPrice?: number): TakePlan {
  const { order, market, acct } = ctx
  const snap = tx.state.books.get(marketKey(order.exchange, order.symbol))
  if (!snap) return { steps: [], filled: 0, stop: 'depth' }
  const mid = midOf(snap)
  release(tx, order, acct)
  // A sell executing without a placement check (an armed take-profit crossing the book) may find
  // its coins committed elsewhere: it sells what is free, never below zero.
  // What the funds checks forgive as rounding residue (approxAtMost) is sold in full, as before.
  const free = order.side === 'sell' ? freeOf(acct, market.base) : 0
  const sellable = order.side === 'buy' || approxAtMost(order.remaining, free) ? order.remaining : floorToTick(free, market.precision.amount)
  const plan = planTake(snap, order.side, Math.min(order.remaining, sellable), market.precision.amount, {
    limitPrice,
    quoteFunds: order.side === 'buy' ? freeOf(acct, market.quote) : undefined,
    feeRate: feeRates(acct, market).taker
  })
  if (sellable < order.remaining && plan.stop === 'complete') plan.stop = 'funds'
  for (const step of plan.steps) recordFill(tx, ctx, step.price, step.amount, 'taker', mid)
  consume(snap, order.side, plan)
  return plan
}

/** Market semantics: walk the book now; what cannot fill is cancelled with the reason. */
export function runMarket(tx: Tx, ctx: OrderContext): void {
  const { order } = ctx
  const snap = tx.state.books.get(marketKey(order.exchange, order.symbol))
  if (!snap?.hasBook) return finalize(tx, ctx, 'cancelled', `no order book for ${order.symbol}`)
  order.status = 'open'
  const plan = takeNow(tx, ctx)
  if (order.remaining <= 0) return finalize(tx, ctx, 'filled')
  finalize(tx, ctx, 'cancelled', plan.stop === 'funds' ? 'insufficient balance' : 'insufficient book depth')
}

/** Does a limit at this price cross the book (take liquidity) right now? */
export function crossesBook(tx: Tx, order: OrderRecord, price: number): { crosses: boolean; best?: number } {
  const snap = tx.state.books.get(marketKey(order.exchange, order.symbol))
  const best = order.side === 'buy' ? snap?.asks[0]?.price : snap?.bids[0]?.price
  if (best === undefined) return { crosses: false }
  return { crosses: order.side === 'buy' ? best <= price : best >= price, best }
}

/** Limit semantics: post-only and fill-or-kill checks, take what crosses, then rest or expire. */
export function runLimit(tx: Tx, ctx: OrderContext): void {
  const { order, market, acct } = ctx
  const price = order.price as number
  const { crosses, best } = crossesBook(tx, order, price)
  const tif = order.timeInForce ?? 'GTC'
  if (tif === 'PO' && crosses) {
    const what = order.side === 'buy' ? 'ask' : 'bid'
    return finalize(tx, ctx, 'rejected', `post-only order would take liquidity (best ${what} ${fmt(best as number)}, price ${fmt(price)})`)
  }
  if (tif === 'FOK' && !canFillWhole(tx, ctx, price)) {
    return finalize(tx, ctx, 'expired', `FOK order could not be filled in full at ${fmt(price)} or better`)
  }
  if (crosses) takeNow(tx, ctx, price)
  if (order.remaining <= 0) return finalize(tx, ctx, 'filled')
  if (tif === 'IOC' || tif === 'FOK') return finalize(tx, ctx, 'expired', `${tif}: unfilled remainder expired`)
  order.resting = true
  order.status = order.filled > 0 ? 'partially_filled' : 'open'
  tx.order(order)
  if (!syncReservation(tx, order, market, acct)) finalize(tx, ctx, 'cancelled', 'insufficient balance to rest the order')
}

function canFillWhole(tx: Tx, ctx: OrderContext, price: number): boolean {
  const { order, market, acct } = ctx
  const snap = tx.state.books.get(marketKey(order.exchange, order.symbol))
  if (!snap) return false
  const plan = planTake(snap, order.side, order.remaining, market.precision.amount, {
    limitPrice: price,
    quoteFunds: order.side === 'buy' ? freeOf(acct, market.quote) + order.reserved : undefined,
    feeRate: feeRates(acct, market).taker
  })
  return plan.stop === 'complete'
}

/** A resting limit filled (maker, at its price) by market volume. */
export function fillResting(tx: Tx, ctx: OrderContext, amount: number, mid: number | undefined): void {
  const { order, market, acct } = ctx
  release(tx, order, acct)
  recordFill(tx, ctx, order.price as number, amount, 'maker', mid)
  breakOco(tx, order, 'OCO: other leg filled')
  if (order.remaining <= 0) finalize(tx, ctx, 'filled')
  else syncReservation(tx, order, market, acct)
}

/** A stop / take-profit / trailing stop fired: cancel its OCO sibling, then execute. */
export function trigger(tx: Tx, ctx: OrderContext): void {
  const { order } = ctx
  order.triggeredAt = tx.at
  tx.activated.add(order.id)
  breakOco(tx, order, 'OCO: other leg triggered')
  release(tx, order, ctx.acct)
  order.status = 'open'
  tx.order(order)
  if (order.price !== undefined) runLimit(tx, ctx)
  else runMarket(tx, ctx)
}
