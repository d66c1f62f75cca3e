import type { AccountSummary, Balance, Position } from '../../shared/trading'
import { previewAccount } from './accounts'
import type { ExchangeState } from './state'
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
