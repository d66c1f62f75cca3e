import type { AccountSummary, Balance, Order, Position } from '../../shared/trading'
import { previewAccount } from './accounts'
import { toPublicOrder } from './engine'
import { isLive, type ExchangeState } from './state'
import { listBalances, listPositions, summarize } from './valuation'

/** Read-only answers from memory. Unknown accounts read as they would open (default balances). */

export function balances(state: ExchangeState, account: string): Balance[] {
  return listBalances(previewAccount(state, account))
}

export function positions(state: ExchangeState, account: string): Position[] {
  return listPositions(state, previewAccount(state, account))
}

export function accountSummary(state: ExchangeState, account: string): AccountSummary {
  return summarize(state, previewAccount(state, account))
}

export function getOrder(state: ExchangeState, id: string): Order | undefined {
  const order = state.orders.get(id)
  return order && toPublicOrder(order)
}

/** Live orders of an account, oldest first. */
export function openOrders(state: ExchangeState, account: string, symbol?: string): Order[] {
  const out = [...state.orders.values()].filter(
    (o) => o.account === account && isLive(o) && (symbol === undefined || o.symbol === symbol)
  )
  return out.sort((a, b) => a.seq - b.seq).map(toPublicOrder)
}
