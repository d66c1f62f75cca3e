import type { MarketInfo } from '../../shared/market-data'
import { LEDGER_LIMITS, type ResetAccountParams } from '../../shared/trading'
import { approxEqual, tidy, tidySum } from './numeric'
import type { AccountState, AssetBalance, ExchangeState } from './state'
import type { Tx } from './tx'

/** Paper accounts: creation, reset and the only functions that move balances. */

export function ensureAccount(tx: Tx, id: string): AccountState {
  return tx.state.accounts.get(id) ?? register(tx, previewAccount(tx.state, id))
}

/** What a query sees for an account that does not exist yet: the one the first order would open. */
export function previewAccount(state: ExchangeState, id: string): AccountState {
  const { config } = state
  return (
    state.accounts.get(id) ??
    newAccount(id, defaultExchangeFor(state, id), config.defaultQuote, {}, config.defaultBalances, 0)
  )
}

/** The exchange an account trades, or will trade once its first order opens it. */
export function accountExchange(state: ExchangeState, id: string): string {
  return state.accounts.get(id)?.exchange ?? defaultExchangeFor(state, id)
}

/** An account named after a known exchange trades that exchange ("one account per exchange"). */
function defaultExchangeFor(state: ExchangeState, id: string): string {
  for (const market of state.markets.values()) if (market.exchange === id) return id
  return state.config.defaultExchange
}

/** A fresh account value (not registered anywhere). */
export function newAccount(
  id: string,
  exchange: string,
  quote: string,
  fees: AccountState['fees'],
  balances: Record<string, number>,
  at: number
): AccountState {
  const acct: AccountState = {
    id,
    exchange,
    quote,
    fees,
    balances: {},
    deposits: {},
    flows: {},
    positions: {},
    realizedPnl: 0,
    feesPaid: 0,
    equityHistory: [],
    lastEquitySampleAt: 0,
    resetAt: at
  }
  for (const [asset, amount] of Object.entries(balances)) {
    acct.deposits[asset] = tidy(amount)
    acct.balances[asset] = { free: tidy(amount), locked: 0 }
  }
  return acct
}

function register(tx: Tx, acct: AccountState): AccountState {
  tx.state.accounts.set(acct.id, acct)
  tx.account(acct.id)
  for (const asset of Object.keys(acct.balances)) tx.balance(acct.id, asset)
  return acct
}

/** Replaces the account with a fresh one. Callers cancel its live orders first. */
export function resetAccount(tx: Tx, params: ResetAccountParams): AccountState {
  const previous = tx.state.accounts.get(params.account)
  const { config } = tx.state
  const exchange = params.exchange ?? previous?.exchange ?? defaultExchangeFor(tx.state, params.account)
  const quote = params.quote ?? previous?.quote ?? config.defaultQuote
  const fees = params.fees ?? previous?.fees ?? {}
  tx.reset(params.account)
  const balances = params.balances ?? config.defaultBalances
  return register(tx, newAccount(params.account, exchange, quote, { ...fees }, balances, tx.at))
}

export function balanceOf(acct: AccountState, asset: string): AssetBalance {
  let b = acct.balances[asset]
  if (!b) {
    b = { free: 0, locked: 0 }
    acct.balances[asset] = b
  }
  return b
}

export function freeOf(acct: AccountState, asset: string): number {
  return acct.balances[asset]?.free ?? 0
}

/** Applies `delta` to a balance. A result below 0 by no more than the residue `approxAtMost`
 * forgives when it lets an order spend or lock funds (the same `approxEqual` of what is there and
 * what is taken, bound included) becomes 0: every shortfall the funds checks accept is settled
 * here, never left as a negative balance. A real shortfall stays visible to checkInvariants. */
function settle(before: number, delta: number): number {
  const next = before + delta
  if (next < 0 && approxEqual(before, -delta)) return 0
  return tidySum(before, delta)
}

/** Moves `amount` from free to locked (negative amount: back). */
export function lock(tx: Tx, acct: AccountState, asset: string, amount: number): void {
  if (amount === 0) return
  const b = balanceOf(acct, asset)
  b.free = settle(b.free, -amount)
  b.locked = settle(b.locked, amount)
  tx.balance(acct.id, asset)
}

/** Changes the free balance by a fill's delta and records it in the account's flows. */
export function credit(tx: Tx, acct: AccountState, asset: string, delta: number): void {
  const b = balanceOf(acct, asset)
  b.free = settle(b.free, delta)
  acct.flows[asset] = tidySum(acct.flows[asset] ?? 0, delta)
  tx.balance(acct.id, asset)
}

export interface FeeRates {
  maker: number
  taker: number
}

/** The account's rates, else the market's, held within LEDGER_LIMITS: an exchange's market data
 * is not range-checked at the feed, and a fee outside the bounds could make a fill pay out more
 * than it takes in. */
export function feeRates(acct: AccountState, market: MarketInfo): FeeRates {
  const { makerFee, takerFee } = LEDGER_LIMITS
  return {
    maker: clamp(acct.fees.maker ?? market.maker, makerFee.min, makerFee.max),
    taker: clamp(acct.fees.taker ?? market.taker, takerFee.min, takerFee.max)
  }
}

const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x)
