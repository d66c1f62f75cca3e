import type { MarketInfo } from '../../shared/market-data'
import type { Balance, EquitySample, Fill } from '../../shared/trading'
import { tidy } from './numeric'
import type { AccountState, ExchangeState, OrderRecord, PositionState } from './state'

/** The durable header of an account (balances, positions and equity samples travel separately). */
export type AccountRecord = Omit<AccountState, 'balances' | 'positions' | 'equityHistory'>

/**
 * What one command or market event changed. The store persists effects; the host forwards
 * fillCreated / orderUpdated / balanceChanged to clients. Each order, balance and position
 * appears at most once per input, with its final value.
 */
export type Effect =
  | { kind: 'accountReset'; account: string }
  | { kind: 'accountChanged'; account: AccountRecord }
  | { kind: 'fillCreated'; fill: Fill }
  | { kind: 'orderUpdated'; order: OrderRecord }
  | { kind: 'balanceChanged'; account: string; balance: Balance }
  | { kind: 'positionChanged'; account: string; position: PositionState }
  | { kind: 'equitySampled'; account: string; sample: EquitySample }
  | { kind: 'marketsChanged'; markets: MarketInfo[] }

/** Collects what an input touches, then turns it into effects with final values. */
export class Tx {
  private readonly fills: Fill[] = []
  private readonly orders = new Map<string, OrderRecord>()
  private readonly balances = new Map<string, [string, string]>()
  private readonly positions = new Map<string, [string, string]>()
  private readonly accounts = new Set<string>()
  private readonly resets: string[] = []
  private readonly samples: { account: string; sample: EquitySample }[] = []
  private markets: MarketInfo[] | undefined
  /** Orders that became active during this input: they must not also fill from the same trade. */
  readonly activated = new Set<string>()

  constructor(
    readonly state: ExchangeState,
    readonly at: number
  ) {}

  fill(fill: Fill): void {
    this.fills.push(fill)
  }
  order(order: OrderRecord): void {
    order.updatedAt = this.at
    this.orders.set(order.id, order)
  }
  balance(account: string, asset: string): void {
    this.balances.set(`${account}\u0000${asset}`, [account, asset])
  }
  position(account: string, symbol: string): void {
    this.positions.set(`${account}\u0000${symbol}`, [account, symbol])
  }
  account(account: string): void {
    this.accounts.add(account)
  }
  reset(account: string): void {
    this.resets.push(account)
  }
  sample(account: string, sample: EquitySample): void {
    this.samples.push({ account, sample })
  }
  marketsChanged(markets: MarketInfo[]): void {
    this.markets = markets
  }

  effects(): Effect[] {
    const out: Effect[] = []
    const { accounts } = this.state
    for (const account of this.resets) out.push({ kind: 'accountReset', account })
    if (this.markets) out.push({ kind: 'marketsChanged', markets: this.markets })
    for (const id of this.accounts) {
      const acct = accounts.get(id)
      if (acct) out.push({ kind: 'accountChanged', account: accountRecord(acct) })
    }
    for (const fill of this.fills) out.push({ kind: 'fillCreated', fill })
    for (const order of this.orders.values()) out.push({ kind: 'orderUpdated', order: { ...order } })
    for (const [account, asset] of this.balances.values()) {
      const b = accounts.get(account)?.balances[asset]
      if (b) out.push({ kind: 'balanceChanged', account, balance: { asset, free: b.free, locked: b.locked, total: tidy(b.free + b.locked) } })
    }
    for (const [account, symbol] of this.positions.values()) {
      const p = accounts.get(account)?.positions[symbol]
      if (p) out.push({ kind: 'positionChanged', account, position: { ...p } })
    }
    for (const s of this.samples) out.push({ kind: 'equitySampled', account: s.account, sample: s.sample })
    return out
  }
}

export function accountRecord(acct: AccountState): AccountRecord {
  return {
    id: acct.id,
    exchange: acct.exchange,
    quote: acct.quote,
    fees: { ...acct.fees },
    deposits: { ...acct.deposits },
    flows: { ...acct.flows },
    realizedPnl: acct.realizedPnl,
    feesPaid: acct.feesPaid,
    lastEquitySampleAt: acct.lastEquitySampleAt,
    resetAt: acct.resetAt
  }
}
