import type { MarketInfo, Side } from '../../shared/market-data'
import { KeelError } from '../../shared/errors'
import { buyCost } from '../../shared/market-rules'
import type { AmendOrderParams, CancelAllParams, CancelOrderParams, PlaceOrderParams } from '../../shared/trading'
import { ensureAccount, feeRates, freeOf } from './accounts'
import { markOf, planTake } from './book'
import { checkAmount, checkCost, checkDistance, checkPrice, findMarket } from './markets'
import { fmt, tidy, tidySum } from './numeric'
import { approxAtMost, ownNeed, reserveAssetOf, reserveNeed, syncReservation } from './reserve'
import {
  contextOf,
  crossesBook,
  finalize,
  insertOrder,
  runLimit,
  runMarket,
  type OrderContext
} from './lifecycle'
import { amountForCost } from './quote-sizing'
import { clientKey, isLive, marketKey, type AccountState, type MarketSnapshot, type OrderRecord } from './state'
import { trailingTrigger } from './triggers'
import type { Tx } from './tx'

/** The order commands: place, cancel, cancel-all, amend. Every check that can reject runs
 * before the first change, so a rejected command leaves the state as it was. */

const PENDING_TYPES = new Set(['stop_market', 'stop_limit', 'take_profit', 'trailing_stop'])

/** Canonical form of what was asked, to tell an honest re-send from a reused clientOrderId. */
function fingerprintOf(params: PlaceOrderParams): string {
  // A copy loop, fields in the params' order: a rest pattern costs several times as much.
  const order: Record<string, unknown> = {}
  for (const field in params) if (field !== 'clientOrderId' && field !== 'account') order[field] = params[field as keyof PlaceOrderParams]
  return JSON.stringify(order)
}

export function placeOrder(tx: Tx, params: PlaceOrderParams): OrderRecord {
  const acct = ensureAccount(tx, params.account)
  const indexed = tx.state.config.clientIdIndex
  const fingerprint = indexed ? fingerprintOf(params) : ''
  if (indexed && params.clientOrderId !== undefined) {
    const existing = findByClientId(tx, params.account, params.clientOrderId)
    if (existing) {
      if (existing.fingerprint === fingerprint) return existing
      throw new KeelError(
        'rejected',
        `clientOrderId ${params.clientOrderId} was already used for a different order (${existing.id})`
      )
    }
  }
  const market = findMarket(tx.state, acct.exchange, params.symbol)
  const order = draftOrder(tx, acct, market, params, fingerprint)
  checkFunds(tx, { acct, market, order })

  tx.state.nextOrderSeq++
  insertOrder(tx, order)
  if (order.type === 'bracket') addBracketLegs(tx, order, market)
  launch(tx, { acct, market, order })
  return order
}

function findByClientId(tx: Tx, account: string, clientOrderId: string): OrderRecord | undefined {
  const id = tx.state.byClientId.get(clientKey(account, clientOrderId))
  return id === undefined ? undefined : tx.state.orders.get(id)
}

function draftOrder(
  tx: Tx,
  acct: AccountState,
  market: MarketInfo,
  params: PlaceOrderParams,
  fingerprint: string
): OrderRecord {
  const snap = tx.state.books.get(marketKey(acct.exchange, market.symbol))
  const amount = checkAmount(market, params.amount ?? sizeByCost(acct, market, snap, params.side, params.cost))
  const price = params.price === undefined ? undefined : checkPrice(market, params.price)
  let stopPrice = params.stopPrice === undefined ? undefined : checkPrice(market, params.stopPrice, 'stopPrice')
  const bracket = params.bracket && {
    stopLoss: checkPrice(market, params.bracket.stopLoss, 'bracket.stopLoss'),
    takeProfit: checkPrice(market, params.bracket.takeProfit, 'bracket.takeProfit'),
    ...(params.bracket.stopLossLimit === undefined
      ? {}
      : { stopLossLimit: checkPrice(market, params.bracket.stopLossLimit, 'bracket.stopLossLimit') })
  }
  const trailingAmount = params.trailingAmount === undefined ? undefined : checkDistance(market, params.trailingAmount, 'trailingAmount')
  let extreme: number | undefined
  if (params.type === 'trailing_stop') {
    extreme = markOf(snap)
    if (extreme === undefined && params.side === 'buy') {
      throw new KeelError('rejected', `a trailing buy stop needs a market price for ${market.symbol}; none received yet`)
    }
    if (extreme !== undefined) stopPrice = trailingTrigger(params.side, extreme, trailingAmount, params.trailingPercent, market)
  }
  const immediatePrice = params.side === 'buy' ? snap?.asks[0]?.price : snap?.bids[0]?.price
  const refPrice = price ?? stopPrice ?? immediatePrice ?? markOf(snap)
  if (refPrice !== undefined) checkCost(market, amount, refPrice)

  const seq = tx.state.nextOrderSeq
  const id = `o${seq}`
  const limitLike = params.type === 'limit' || (params.type === 'bracket' && price !== undefined)
  // Built field by field in the public order's key order, optional fields only when present:
  // no throw-away object per optional field, as spreading `cond ? {} : { field }` would make.
  const order = {
    id,
    clientOrderId: params.clientOrderId ?? `auto-${id}`,
    account: acct.id,
    symbol: market.symbol,
    side: params.side,
    type: params.type,
    status: PENDING_TYPES.has(params.type) ? 'pending' : 'open'
  } as OrderRecord
  if (params.timeInForce !== undefined) order.timeInForce = params.timeInForce
  order.amount = amount
  order.filled = 0
  order.remaining = amount
  if (price !== undefined) order.price = price
  if (stopPrice !== undefined) order.stopPrice = stopPrice
  if (trailingAmount !== undefined) order.trailingAmount = trailingAmount
  if (params.trailingPercent !== undefined) order.trailingPercent = params.trailingPercent
  if (bracket !== undefined) order.bracket = bracket
  if (params.cost !== undefined) order.quoteOrderQty = params.cost
  if (extreme !== undefined) order.extreme = extreme
  order.cost = 0
  order.fees = 0
  order.createdAt = tx.at
  order.updatedAt = tx.at
  order.exchange = acct.exchange
  order.seq = seq
  order.reserved = 0
  order.reserveAsset = reserveAssetOf(params, market)
  order.armed = true
  order.resting = limitLike
  order.fingerprint = fingerprint
  return order
}

/** The base amount a market order sized by `cost` trades: from the book, fees included. */
function sizeByCost(acct: AccountState, market: MarketInfo, snap: MarketSnapshot | undefined, side: Side, cost: number | undefined): number {
  if (cost === undefined) throw new KeelError('bad_request', 'amount or cost is required') // the schema already says so
  if (!snap?.hasBook) throw new KeelError('rejected', `no order book for ${market.symbol} yet; market orders need book depth`)
  if (side === 'buy') {
    const free = freeOf(acct, market.quote)
    if (!approxAtMost(cost, free)) throw insufficient(cost, market.quote, free)
  }
  const amount = amountForCost(snap, side, cost, market.precision.amount, feeRates(acct, market).taker)
  if (amount <= 0) {
    const what = side === 'buy' ? `${fmt(cost)} ${market.quote} buys` : `a sale for ${fmt(cost)} ${market.quote} needs`
    throw new KeelError('rejected', `${what} less than the amount step ${fmt(market.precision.amount)} ${market.base} at the current book`)
  }
  return amount
}

function insufficient(need: number, asset: string, free: number): KeelError {
  return new KeelError('rejected', `insufficient balance: need ${fmt(need)} ${asset}, have ${fmt(free)} ${asset} free`)
}

/** A market order, or a bracket with a market entry: it takes the book on placement. */
function executesNow(order: OrderRecord): boolean {
  return order.type === 'market' || (order.type === 'bracket' && order.price === undefined)
}

function checkFunds(tx: Tx, { acct, market, order }: OrderContext): void {
  if (!executesNow(order)) {
    const need = ownNeed(order, market, acct)
    const free = freeOf(acct, order.reserveAsset)
    if (!approxAtMost(need, free)) throw insufficient(need, order.reserveAsset, free)
    return
  }
  const snap = tx.state.books.get(marketKey(order.exchange, order.symbol))
  if (!snap?.hasBook) throw new KeelError('rejected', `no order book for ${order.symbol} yet; market orders need book depth`)
  const taker = feeRates(acct, market).taker
  const plan = planTake(snap, order.side, order.amount, market.precision.amount, { feeRate: taker })
  if (plan.filled === 0) {
    throw new KeelError('rejected', `no ${order.side === 'buy' ? 'asks' : 'bids'} in the order book for ${order.symbol}`)
  }
  if (order.side === 'sell') {
    const free = freeOf(acct, market.base)
    if (!approxAtMost(order.amount, free)) throw insufficient(order.amount, market.base, free)
    return
  }
  const need = tidy(plan.steps.reduce((sum, s) => sum + buyCost(s.amount, s.price, taker), 0))
  const free = freeOf(acct, market.quote)
  if (!approxAtMost(need, free)) throw insufficient(need, market.quote, free)
}

/** Stop-loss and take-profit legs, waiting (unarmed) until the entry fills. */
function addBracketLegs(tx: Tx, entry: OrderRecord, market: MarketInfo): void {
  const bracket = entry.bracket
  if (!bracket) return
  const side = entry.side === 'buy' ? 'sell' : 'buy'
  const ocoGroupId = `oco-${entry.id}`
  const leg = (role: 'stop_loss' | 'take_profit'): OrderRecord => {
    const seq = tx.state.nextOrderSeq++
    const stop = role === 'stop_loss'
    const price = stop ? bracket.stopLossLimit : bracket.takeProfit
    return {
      id: `o${seq}`,
      clientOrderId: `${entry.clientOrderId}.${stop ? 'sl' : 'tp'}`,
      account: entry.account,
      symbol: entry.symbol,
      side,
      type: stop ? (price === undefined ? 'stop_market' : 'stop_limit') : 'limit',
      status: 'pending',
      amount: entry.amount,
      filled: 0,
      remaining: entry.amount,
      ...(price === undefined ? {} : { price }),
      ...(stop ? { stopPrice: bracket.stopLoss } : {}),
      cost: 0,
      fees: 0,
      parentId: entry.id,
      ocoGroupId,
      createdAt: tx.at,
      updatedAt: tx.at,
      exchange: entry.exchange,
      seq,
      reserved: 0,
      reserveAsset: reserveAssetOf({ side }, market),
      armed: false,
      resting: false,
      fingerprint: `leg:${entry.id}`,
      role
    }
  }
  const stopLoss = leg('stop_loss')
  const takeProfit = leg('take_profit')
  stopLoss.siblingId = takeProfit.id
  takeProfit.siblingId = stopLoss.id
  entry.childIds = [stopLoss.id, takeProfit.id]
  entry.ocoGroupId = ocoGroupId
  insertOrder(tx, stopLoss)
  insertOrder(tx, takeProfit)
}

function launch(tx: Tx, ctx: OrderContext): void {
  const { order, market, acct } = ctx
  if (executesNow(order)) return runMarket(tx, ctx)
  if (order.resting) return runLimit(tx, ctx)
  syncReservation(tx, order, market, acct)
}

// ---- cancel ------------------------------------------------------------------------------

export function resolveOrder(tx: Tx, ref: { account: string; orderId?: string; clientOrderId?: string }): OrderRecord {
  const order =
    ref.orderId !== undefined ? tx.state.orders.get(ref.orderId) : findByClientId(tx, ref.account, ref.clientOrderId ?? '')
  if (!order || order.account !== ref.account) {
    const what = ref.orderId !== undefined ? `order ${ref.orderId}` : `clientOrderId ${ref.clientOrderId}`
    throw new KeelError('not_found', `${what} not found in account ${ref.account}`)
  }
  return order
}

export function cancelOrder(tx: Tx, params: CancelOrderParams): OrderRecord {
  const order = resolveOrder(tx, params)
  if (isLive(order)) finalize(tx, contextOf(tx, order), 'cancelled', 'cancelled by user')
  else if (order.status === 'filled') throw new KeelError('rejected', `order ${order.id} is already filled`)
  // Cancelling a cancelled/expired/rejected order again answers with it: retries are harmless.
  return order
}

/** Cancels every live order of the account (optionally one symbol), bracket legs included.
 * Neither cancel-all nor a reset may trade: a partly filled bracket entry cancelled on its own
 * arms its legs, and an armed take-profit can take the book at once. So legs are cancelled
 * before their entries; the entry then finds no live legs to arm. */
export function cancelMatching(tx: Tx, account: string, reason: string, symbol?: string): OrderRecord[] {
  const targets = [...tx.state.orders.values()]
    .filter((o) => o.account === account && isLive(o) && (symbol === undefined || o.symbol === symbol))
    .sort((a, b) => legFirst(a) - legFirst(b) || a.seq - b.seq)
  for (const order of targets) {
    if (isLive(order)) finalize(tx, contextOf(tx, order), 'cancelled', reason) // else closed by a relative already
  }
  return targets.filter((o) => o.status === 'cancelled')
}

const legFirst = (order: OrderRecord): number => (order.parentId === undefined ? 1 : 0)

export function cancelAll(tx: Tx, params: CancelAllParams): OrderRecord[] {
  return cancelMatching(tx, params.account, 'cancelled by user (cancel all)', params.symbol)
}

// ---- amend -------------------------------------------------------------------------------

export function amendOrder(tx: Tx, params: AmendOrderParams): OrderRecord {
  const order = resolveOrder(tx, params)
  if (!isLive(order)) throw new KeelError('rejected', `order ${order.id} is ${order.status}; only live orders can be amended`)
  const ctx = contextOf(tx, order)
  const next = amendedFields(ctx, params)
  if (next.amount === order.amount && next.price === order.price && next.stopPrice === order.stopPrice) return order

  const price = next.price ?? next.stopPrice
  if (price !== undefined) checkCost(ctx.market, next.amount, price)
  if (order.resting && order.timeInForce === 'PO' && next.price !== undefined && crossesBook(tx, order, next.price).crosses) {
    throw new KeelError('rejected', `amend rejected: post-only order at ${fmt(next.price)} would take liquidity`)
  }
  const draft: OrderRecord = { ...order, ...next, remaining: tidySum(next.amount, -order.filled) }
  const need = reserveNeed(tx.state, draft, ctx.market, ctx.acct)
  const free = freeOf(ctx.acct, order.reserveAsset)
  if (!approxAtMost(need - order.reserved, free)) throw insufficient(need, order.reserveAsset, free + order.reserved)

  order.amount = next.amount
  order.remaining = draft.remaining
  if (next.price !== undefined) order.price = next.price
  if (next.stopPrice !== undefined) order.stopPrice = next.stopPrice
  tx.order(order)
  syncReservation(tx, order, ctx.market, ctx.acct)
  if (order.resting && next.price !== undefined && crossesBook(tx, order, next.price).crosses) runLimit(tx, ctx)
  return order
}

function amendedFields(
  { order, market }: OrderContext,
  params: AmendOrderParams
): { amount: number; price?: number; stopPrice?: number } {
  let amount = order.amount
  if (params.amount !== undefined) {
    if (order.role) throw new KeelError('rejected', 'bracket legs are sized by their entry; amend the entry instead')
    amount = checkAmount(market, params.amount)
    if (amount <= order.filled) {
      throw new KeelError('rejected', `amount ${fmt(amount)} must exceed the filled ${fmt(order.filled)}; cancel instead`)
    }
  }
  let price = order.price
  if (params.price !== undefined) {
    if (order.price === undefined) throw new KeelError('rejected', `${order.type} order ${order.id} has no price to amend`)
    price = checkPrice(market, params.price)
  }
  let stopPrice = order.stopPrice
  if (params.stopPrice !== undefined) {
    if (order.status !== 'pending' || order.stopPrice === undefined || order.type === 'trailing_stop') {
      throw new KeelError('rejected', `order ${order.id} has no pending trigger price to amend`)
    }
    stopPrice = checkPrice(market, params.stopPrice, 'stopPrice')
  }
  return { amount, price, stopPrice }
}
