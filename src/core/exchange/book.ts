import type { OrderBook, Side, Ticker, Trade } from '../../shared/market-data'
import { EPS, floorToTick, tidy, tidySum } from './numeric'
import { marketKey, type BookSide, type ExchangeState, type MarketSnapshot } from './state'

/** The engine's copy of each market: last book, quote and trade price. */

export function snapshotOf(state: ExchangeState, key: string): MarketSnapshot {
  let snap = state.books.get(key)
  if (!snap) {
    snap = { bids: [], asks: [], hasBook: false, timestamp: 0 }
    state.books.set(key, snap)
  }
  return snap
}

const toLevels = (levels: [number, number][]): BookSide[] => levels.map(([price, amount]) => ({ price, amount }))

export function applyBook(state: ExchangeState, book: OrderBook): MarketSnapshot {
  const snap = snapshotOf(state, marketKey(book.exchange, book.symbol))
  // Copies: the engine consumes levels it fills against until the next snapshot arrives.
  snap.bids = toLevels(book.bids)
  snap.asks = toLevels(book.asks)
  snap.hasBook = true
  snap.bid = snap.bids[0]?.price
  snap.ask = snap.asks[0]?.price
  snap.timestamp = book.timestamp
  return snap
}

export function applyTicker(state: ExchangeState, ticker: Ticker): MarketSnapshot {
  const snap = snapshotOf(state, marketKey(ticker.exchange, ticker.symbol))
  if (!snap.hasBook) {
    snap.bid = ticker.bid
    snap.ask = ticker.ask
  }
  snap.last = ticker.last
  snap.timestamp = Math.max(snap.timestamp, ticker.timestamp)
  return snap
}

export function applyTradePrice(state: ExchangeState, trade: Trade): MarketSnapshot {
  const snap = snapshotOf(state, marketKey(trade.exchange, trade.symbol))
  snap.last = trade.price
  snap.timestamp = Math.max(snap.timestamp, trade.timestamp)
  return snap
}

export function midOf(snap: MarketSnapshot | undefined): number | undefined {
  if (!snap) return undefined
  if (snap.bid !== undefined && snap.ask !== undefined) return (snap.bid + snap.ask) / 2
  return snap.last ?? snap.bid ?? snap.ask
}

/** Price used to value holdings: last trade, else mid. */
export function markOf(snap: MarketSnapshot | undefined): number | undefined {
  return snap?.last ?? midOf(snap)
}

export interface TakeStep {
  price: number
  amount: number
}

export interface TakePlan {
  steps: TakeStep[]
  filled: number
  /** Why taking stopped: all taken, book exhausted, funds exhausted, or the limit price reached. */
  stop: 'complete' | 'depth' | 'funds' | 'price'
}

export interface TakeLimits {
  /** Do not take levels worse than this (marketable limit orders). */
  limitPrice?: number
  /** Quote available to a buy; the walk stops where it runs out. */
  quoteFunds?: number
  feeRate: number
}

/** Walks the opposite side of the book for `amount` base, level by level, without mutating it. */
export function planTake(snap: MarketSnapshot, side: Side, amount: number, amountTick: number, limits: TakeLimits): TakePlan {
  const levels = side === 'buy' ? snap.asks : snap.bids
  const steps: TakeStep[] = []
  let left = amount
  let funds = limits.quoteFunds
  const feeFactor = 1 + Math.max(limits.feeRate, 0)
  for (const level of levels) {
    if (limits.limitPrice !== undefined && (side === 'buy' ? level.price > limits.limitPrice : level.price < limits.limitPrice)) {
      return { steps, filled: tidy(amount - left), stop: 'price' }
    }
    let take = floorToTick(Math.min(left, level.amount), amountTick)
    let fundsShort = false
    if (funds !== undefined) {
      const affordable = floorToTick(funds / (level.price * feeFactor), amountTick)
      if (affordable < take) {
        take = affordable
        fundsShort = true
      }
    }
    if (take > 0) {
      steps.push({ price: level.price, amount: take })
      left = tidySum(left, -take)
      if (funds !== undefined) funds -= take * level.price * feeFactor
    }
    if (fundsShort) return { steps, filled: tidy(amount - left), stop: 'funds' }
    if (left <= EPS) return { steps, filled: amount, stop: 'complete' }
  }
  return { steps, filled: tidy(amount - left), stop: 'depth' }
}

/** Removes what a plan took from the book copy, so the same liquidity is not taken twice. */
export function consume(snap: MarketSnapshot, side: Side, plan: TakePlan): void {
  const levels = side === 'buy' ? snap.asks : snap.bids
  let i = 0
  for (const step of plan.steps) {
    while (i < levels.length && levels[i].price !== step.price) i++
    if (i === levels.length) break
    levels[i].amount = tidySum(levels[i].amount, -step.amount)
  }
  const remaining = levels.filter((l) => l.amount > EPS)
  if (side === 'buy') snap.asks = remaining
  else snap.bids = remaining
  snap.bid = snap.bids[0]?.price ?? (snap.hasBook ? undefined : snap.bid)
  snap.ask = snap.asks[0]?.price ?? (snap.hasBook ? undefined : snap.ask)
}
