import type { MarketInfo, Trade } from '../../shared/market-data'
import { applyTradePrice, midOf } from './book'
import { sampleEquity } from './ledger'
import { contextOf, fillResting, trigger } from './lifecycle'
import { floorToTick, roundToTick } from './numeric'
import { syncReservation } from './reserve'
import { isLive, marketKey, type OrderRecord } from './state'
import type { Tx } from './tx'

/**
 * What a market trade does to live orders, in order: trailing stops follow the price, stops
 * and take-profits whose trigger the trade reached fire (against the current book), then
 * resting limits the trade went through fill by the trade's volume, best price first, then
 * time priority. Orders that became active during this trade do not also fill from it.
 */

/** A trailing stop's trigger: its best price less (sell) or plus (buy) the trail. */
export function trailingTrigger(
  side: 'buy' | 'sell',
  extreme: number,
  trailingAmount: number | undefined,
  trailingPercent: number | undefined,
  market: MarketInfo
): number {
  const offset = trailingAmount ?? (extreme * (trailingPercent ?? 0)) / 100
  const trigger = roundToTick(side === 'sell' ? extreme - offset : extreme + offset, market.precision.price)
  return Math.max(trigger, market.precision.price)
}

/** Moves a trailing stop's best price, and its trigger with it. */
function followPrice(tx: Tx, order: OrderRecord, price: number): void {
  const better = order.extreme === undefined || (order.side === 'sell' ? price > order.extreme : price < order.extreme)
  if (!better) return
  const ctx = contextOf(tx, order)
  order.extreme = price
  order.stopPrice = trailingTrigger(order.side, price, order.trailingAmount, order.trailingPercent, ctx.market)
  tx.order(order)
  syncReservation(tx, order, ctx.market, ctx.acct) // a buy's trigger only falls: frees funds
}

export function reachesTrigger(order: OrderRecord, price: number): boolean {
  const stop = order.stopPrice
  if (stop === undefined) return false
  // Take-profits fire when the price moves in the order's favour; stops when it moves against.
  const favourable = order.type === 'take_profit'
  const upward = (order.side === 'buy') !== favourable
  return upward ? price >= stop : price <= stop
}

/** Does this trade fill a resting limit? conservative: strictly through; optimistic: touch. */
function tradesThrough(tx: Tx, order: OrderRecord, price: number): boolean {
  const limit = order.price as number
  if (tx.state.config.queueModel === 'optimistic') return order.side === 'buy' ? price <= limit : price >= limit
  return order.side === 'buy' ? price < limit : price > limit
}

const bySeq = (a: OrderRecord, b: OrderRecord) => a.seq - b.seq

export function onTrade(tx: Tx, trade: Trade): void {
  const snap = applyTradePrice(tx.state, trade)
  const live = tx.state.live.get(marketKey(trade.exchange, trade.symbol))
  if (live && live.size > 0) {
    // One pass over the live orders (kept in placement order); only the few that react get sorted.
    const fired: OrderRecord[] = []
    const through: OrderRecord[] = []
    for (const order of live) {
      if (order.status === 'pending' && order.armed) {
        if (order.type === 'trailing_stop') followPrice(tx, order, trade.price)
        if (reachesTrigger(order, trade.price)) fired.push(order)
      } else if (order.resting && tradesThrough(tx, order, trade.price)) {
        through.push(order)
      }
    }
    for (const order of fired.sort(bySeq)) if (order.status === 'pending') trigger(tx, contextOf(tx, order))
    // `through` was collected before the triggers ran: an order that triggered or was armed by
    // this trade does not also fill from it.
    fillFromVolume(tx, through, trade, midOf(snap))
  }
  sampleOnInterval(tx, trade.exchange)
}

function fillFromVolume(tx: Tx, orders: OrderRecord[], trade: Trade, mid: number | undefined): void {
  const hit = orders
    .filter((o) => isLive(o) && !tx.activated.has(o.id))
    .sort((a, b) => {
      const byPrice = a.side === 'buy' ? (b.price as number) - (a.price as number) : (a.price as number) - (b.price as number)
      return byPrice !== 0 ? byPrice : a.seq - b.seq
    })
  // Buys and sells are separate queues: a trade through a bid does not also consume ask volume.
  const volume = { buy: trade.amount, sell: trade.amount }
  for (const order of hit) {
    if (!isLive(order) || !order.resting) continue // closed by its OCO sibling meanwhile
    const ctx = contextOf(tx, order)
    const amount = floorToTick(Math.min(order.remaining, volume[order.side]), ctx.market.precision.amount)
    if (amount <= 0) continue
    volume[order.side] -= amount
    fillResting(tx, ctx, amount, mid)
  }
}

function sampleOnInterval(tx: Tx, exchange: string): void {
  const interval = tx.state.config.equitySampleIntervalMs
  for (const acct of tx.state.accounts.values()) {
    if (acct.exchange === exchange && tx.at - acct.lastEquitySampleAt >= interval) sampleEquity(tx, acct)
  }
}
