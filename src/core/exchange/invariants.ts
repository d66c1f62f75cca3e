import { approxEqual } from './numeric'
import { isLive, marketKey, type AccountState, type ExchangeState } from './state'
import { reserveNeed } from './reserve'
import { summarize, valueHoldings } from './valuation'

/**
 * The ledger's invariants, checked from the state alone. Returns one line per violation (empty
 * = healthy). Used by the property tests after every step and by the chaos test after restarts.
 */
export function checkInvariants(state: ExchangeState): string[] {
  const problems: string[] = []
  const reservedBy = reservationsByAccountAsset(state, problems)
  for (const acct of state.accounts.values()) {
    checkBalances(acct, reservedBy, problems)
    checkPositions(state, acct, problems)
    const summary = summarize(state, acct)
    const { cash, positionsValue } = valueHoldings(state, acct)
    if (!approxEqual(summary.equity, cash + positionsValue) || !approxEqual(summary.equity, summary.cash + summary.positionsValue)) {
      problems.push(`${acct.id}: equity ${summary.equity} != cash ${cash} + positions ${positionsValue}`)
    }
  }
  return problems
}

function reservationsByAccountAsset(state: ExchangeState, problems: string[]): Map<string, number> {
  const sums = new Map<string, number>()
  for (const order of state.orders.values()) {
    const where = `order ${order.id}`
    if (!approxEqual(order.filled + order.remaining, order.amount)) {
      problems.push(`${where}: filled ${order.filled} + remaining ${order.remaining} != amount ${order.amount}`)
    }
    if (order.filled < 0 || order.remaining < 0) problems.push(`${where}: negative filled/remaining`)
    if (order.status === 'filled' && order.remaining !== 0) problems.push(`${where}: filled with ${order.remaining} remaining`)
    if (order.filled > 0 && !approxEqual((order.avgFillPrice ?? 0) * order.filled, order.cost)) {
      problems.push(`${where}: avgFillPrice × filled != cost`)
    }
    if (!isLive(order)) {
      if (order.reserved !== 0) problems.push(`${where}: closed (${order.status}) but holds ${order.reserved}`)
      continue
    }
    if (!state.live.get(marketKey(order.exchange, order.symbol))?.has(order)) problems.push(`${where}: live but not indexed`)
    if (order.reserved < 0) problems.push(`${where}: negative reservation ${order.reserved}`)
    const market = state.markets.get(marketKey(order.exchange, order.symbol))
    const acct = state.accounts.get(order.account)
    const need = market && acct ? reserveNeed(state, order, market, acct) : Number.NaN
    if (!approxEqual(order.reserved, need)) problems.push(`${where}: holds ${order.reserved} but needs ${need}`)
    const key = `${order.account}\u0000${order.reserveAsset}`
    sums.set(key, (sums.get(key) ?? 0) + order.reserved)
  }
  return sums
}

function checkBalances(acct: AccountState, reservedBy: Map<string, number>, problems: string[]): void {
  const assets = new Set([...Object.keys(acct.balances), ...Object.keys(acct.deposits), ...Object.keys(acct.flows)])
  for (const asset of assets) {
    const b = acct.balances[asset] ?? { free: 0, locked: 0 }
    const where = `${acct.id} ${asset}`
    if (!Number.isFinite(b.free) || !Number.isFinite(b.locked)) problems.push(`${where}: non-finite balance`)
    if (b.free < 0) problems.push(`${where}: negative free ${b.free}`)
    if (b.locked < 0) problems.push(`${where}: negative locked ${b.locked}`)
    const reserved = reservedBy.get(`${acct.id}\u0000${asset}`) ?? 0
    if (!approxEqual(b.locked, reserved)) problems.push(`${where}: locked ${b.locked} != reserved by open orders ${reserved}`)
    const expected = (acct.deposits[asset] ?? 0) + (acct.flows[asset] ?? 0)
    if (!approxEqual(b.free + b.locked, expected)) problems.push(`${where}: total ${b.free + b.locked} != deposits + fills ${expected}`)
  }
}

function checkPositions(state: ExchangeState, acct: AccountState, problems: string[]): void {
  const heldByBase = new Map<string, number>()
  for (const p of Object.values(acct.positions)) {
    if (p.amount < 0) problems.push(`${acct.id} ${p.symbol}: negative position ${p.amount}`)
    if (p.amount === 0 && p.avgEntry !== 0) problems.push(`${acct.id} ${p.symbol}: flat position with an entry price`)
    const base = state.markets.get(marketKey(acct.exchange, p.symbol))?.base ?? p.symbol.split('/')[0]
    heldByBase.set(base, (heldByBase.get(base) ?? 0) + p.amount)
  }
  for (const [base, amount] of heldByBase) {
    const b = acct.balances[base] ?? { free: 0, locked: 0 }
    const held = b.free + b.locked
    if (amount > held && !approxEqual(amount, held)) problems.push(`${acct.id} ${base}: positions ${amount} exceed holdings ${held}`)
  }
}
