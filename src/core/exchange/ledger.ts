import type { MarketInfo } from '../../shared/market-data'
import type { Fill, Liquidity } from '../../shared/trading'
import { credit, feeRates } from './accounts'
import { tidy, tidySum } from './numeric'
import type { AccountState, OrderRecord, PositionState } from './state'
import type { Tx } from './tx'
import { valueHoldings } from './valuation'

/**
 * Fills → balances, positions, PnL and equity. The single place money moves on a trade.
 * Fees are charged in the quote asset (added to a buy's cost, taken from a sell's proceeds)
 * and counted once: in the fill, the order's `fees` and the account's `feesPaid`. Realized PnL
 * is gross of fees (price only), so net PnL = realized + unrealized − feesPaid.
 */

export interface FillContext {
  acct: AccountState
  market: MarketInfo
  order: OrderRecord
}

/** Books one fill. Callers release the order's reservation first, so funds are free. */
export function recordFill(
  tx: Tx,
  { acct, market, order }: FillContext,
  price: number,
  amount: number,
  liquidity: Liquidity,
  mid: number | undefined
): Fill {
  const rates = feeRates(acct, market)
  const cost = tidy(price * amount)
  const fee = tidy(cost * (liquidity === 'maker' ? rates.maker : rates.taker))
  if (order.side === 'buy') {
    credit(tx, acct, market.quote, -tidy(cost + fee))
    credit(tx, acct, market.base, amount)
  } else {
    credit(tx, acct, market.base, -amount)
    credit(tx, acct, market.quote, tidy(cost - fee))
  }
  acct.feesPaid = tidy(acct.feesPaid + fee)
  updatePosition(tx, acct, order, price, amount)

  // 15 significant digits cannot hold every lot of a 1e9 order in 1e-8 steps: rounding may put
  // `filled` a hair past `amount`, which is a complete fill, never a negative remainder.
  order.filled = Math.min(order.amount, tidySum(order.filled, amount))
  order.remaining = Math.max(0, tidySum(order.amount, -order.filled))
  order.cost = tidy(order.cost + cost)
  order.fees = tidy(order.fees + fee)
  order.avgFillPrice = tidy(order.cost / order.filled)
  order.status = order.remaining > 0 ? 'partially_filled' : 'filled'
  tx.order(order)
  tx.account(acct.id)

  const id = `f${tx.state.nextFillSeq++}`
  const timestamp = tx.at
  const { id: orderId, clientOrderId, symbol, side } = order
  const feeAsset = market.quote
  const account = acct.id
  // One literal per case, the same field order in both: no second object and no shape change.
  let fill: Fill
  if (mid === undefined) {
    fill = { id, orderId, clientOrderId, account, symbol, side, price, amount, cost, fee, feeAsset, liquidity, timestamp }
  } else {
    const slippage = tidy(side === 'buy' ? price - mid : mid - price)
    const slippageBps = tidy((slippage / mid) * 10_000)
    fill = { id, orderId, clientOrderId, account, symbol, side, price, amount, cost, fee, feeAsset, liquidity, timestamp, mid, slippage, slippageBps }
  }
  tx.fill(fill)
  if (tx.state.config.equityOnFill) sampleEquity(tx, acct)
  return fill
}

/** Long-only average-cost position. Selling more than the position (e.g. deposited coins)
 * realizes PnL only on the part bought here; the rest has no known entry. */
function updatePosition(tx: Tx, acct: AccountState, order: OrderRecord, price: number, amount: number): void {
  const position: PositionState = (acct.positions[order.symbol] ??= {
    symbol: order.symbol,
    amount: 0,
    avgEntry: 0,
    realizedPnl: 0
  })
  if (order.side === 'buy') {
    const next = tidySum(position.amount, amount)
    position.avgEntry = tidy((position.amount * position.avgEntry + amount * price) / next)
    position.amount = next
  } else {
    const matched = Math.min(amount, position.amount)
    const pnl = tidy(matched * (price - position.avgEntry))
    position.amount = tidySum(position.amount, -matched)
    if (position.amount === 0) position.avgEntry = 0
    position.realizedPnl = tidy(position.realizedPnl + pnl)
    acct.realizedPnl = tidy(acct.realizedPnl + pnl)
  }
  tx.position(acct.id, order.symbol)
}

export function sampleEquity(tx: Tx, acct: AccountState): void {
  const { cash, positionsValue } = valueHoldings(tx.state, acct)
  const sample = { t: tx.at, equity: tidy(cash + positionsValue) }
  acct.equityHistory.push(sample)
  const excess = acct.equityHistory.length - tx.state.config.equityHistoryLimit
  if (excess > 0) acct.equityHistory.splice(0, excess)
  acct.lastEquitySampleAt = tx.at
  tx.sample(acct.id, sample)
  tx.account(acct.id)
}
