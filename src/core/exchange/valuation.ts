import type { AccountSummary, Balance, Position } from '../../shared/trading'
import { markOf } from './book'
import { tidy } from './numeric'
import { marketKey, type AccountState, type ExchangeState } from './state'

/** Read-only views of an account valued at current marks. */

/** Price of one unit of `asset` in the account's quote asset, if a market prices it. */
export function priceInQuote(state: ExchangeState, acct: AccountState, asset: string): number | undefined {
  if (asset === acct.quote) return 1
  return markOf(state.books.get(marketKey(acct.exchange, `${asset}/${acct.quote}`)))
}

export function listBalances(acct: AccountState): Balance[] {
  return Object.entries(acct.balances)
    .map(([asset, b]) => ({ asset, free: b.free, locked: b.locked, total: tidy(b.free + b.locked) }))
    .sort((a, b) => a.asset.localeCompare(b.asset))
}

export function listPositions(state: ExchangeState, acct: AccountState): Position[] {
  const out: Position[] = []
  for (const p of Object.values(acct.positions)) {
    if (p.amount === 0 && p.realizedPnl === 0) continue
    const mark = markOf(state.books.get(marketKey(acct.exchange, p.symbol)))
    const unrealizedPnl = mark === undefined ? 0 : tidy(p.amount * (mark - p.avgEntry))
    out.push({ symbol: p.symbol, amount: p.amount, avgEntry: p.avgEntry, realizedPnl: p.realizedPnl, unrealizedPnl, mark })
  }
  return out.sort((a, b) => a.symbol.localeCompare(b.symbol))
}

/** equity = cash (quote asset, free + locked) + every other holding at its mark. Holdings no
 * market prices count 0 until one does. */
export function valueHoldings(state: ExchangeState, acct: AccountState): { cash: number; positionsValue: number } {
  let cash = 0
  let positionsValue = 0
  for (const [asset, b] of Object.entries(acct.balances)) {
    const total = b.free + b.locked
    if (asset === acct.quote) cash += total
    else if (total !== 0) positionsValue += total * (priceInQuote(state, acct, asset) ?? 0)
  }
  return { cash, positionsValue }
}

/** The last reset's deposits at current marks (unpriced assets count 0, as in equity). */
function startingEquity(state: ExchangeState, acct: AccountState): number {
  let total = 0
  for (const [asset, amount] of Object.entries(acct.deposits)) total += amount * (priceInQuote(state, acct, asset) ?? 0)
  return total
}

export function summarize(state: ExchangeState, acct: AccountState): AccountSummary {
  const { cash, positionsValue } = valueHoldings(state, acct)
  const unrealizedPnl = listPositions(state, acct).reduce((sum, p) => sum + p.unrealizedPnl, 0)
  return {
    account: acct.id,
    exchange: acct.exchange,
    quote: acct.quote,
    equity: tidy(cash + positionsValue),
    cash: tidy(cash),
    positionsValue: tidy(positionsValue),
    realizedPnl: acct.realizedPnl,
    unrealizedPnl: tidy(unrealizedPnl),
    feesPaid: acct.feesPaid,
    equityHistory: acct.equityHistory.slice(),
    resetAt: acct.resetAt,
    startingEquity: tidy(startingEquity(state, acct)),
    startingBalances: { ...acct.deposits }
  }
}
