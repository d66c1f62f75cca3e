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
  // Created on first use: most market events touch nothing, and a backtest applies millions.
  private fills: Fill[] | undefined
  private orders: Map<string, OrderRecord> | undefined
  /** Touched balances as account, asset pairs, each once: an input touches two or three, so a
   * scan of a short list beats building and hashing a joined key per touch. */
  private balances: string[] | undefined
  private positions: Map<string, [string, string]> | undefined
  private accounts: Set<string> | undefined
  private resets: string[] | undefined
  private samples: { account: string; sample: EquitySample }[] | undefined
  private markets: MarketInfo[] | undefined
  private activatedIds: Set<string> | undefined

  constructor(
    readonly state: ExchangeState,
    readonly at: number,
    /** Only fills are wanted (a backtest keeps no store and has no clients to tell). */
    private readonly fillsOnly = false
  ) {}

  /** Orders that became active during this input: they must not also fill from the same trade. */
  get activated(): Set<string> {
    return (this.activatedIds ??= new Set())
  }
  fill(fill: Fill): void {
    ;(this.fills ??= []).push(fill)
  }
  // With fillsOnly, orders, positions and accounts touched are not collected: no effect reports them.
  order(order: OrderRecord): void {
    order.updatedAt = this.at
    if (!this.fillsOnly) (this.orders ??= new Map()).set(order.id, order)
  }
  /** Always collected: the ledger guard checks every balance touched. */
  balance(account: string, asset: string): void {
    const touched = (this.balances ??= [])
    for (let k = 0; k < touched.length; k += 2) if (touched[k] === account && touched[k + 1] === asset) return
    touched.push(account, asset)
  }
  position(account: string, symbol: string): void {
    if (!this.fillsOnly) (this.positions ??= new Map()).set(`${account}\u0000${symbol}`, [account, symbol])
  }
  account(account: string): void {
    if (!this.fillsOnly) (this.accounts ??= new Set()).add(account)
  }
  reset(account: string): void {
    ;(this.resets ??= []).push(account)
  }
  sample(account: string, sample: EquitySample): void {
    ;(this.samples ??= []).push({ account, sample })
  }
  marketsChanged(markets: MarketInfo[]): void {
    this.markets = markets
  }

  /** The ledger guard: no balance this input touched may end negative, NaN or infinite. */
  unsoundBalance(): string | undefined {
    const touched = this.balances
    if (!touched) return undefined
    for (let k = 0; k < touched.length; k += 2) {
      const account = touched[k]
      const asset = touched[k + 1]
      const b = this.state.accounts.get(account)?.balances[asset]
      if (b && !(b.free >= 0 && b.locked >= 0 && Number.isFinite(b.free + b.locked))) {
        return `it would leave ${asset} of account ${account} at free ${b.free}, locked ${b.locked}`
      }
    }
    return undefined
  }

  effects(): Effect[] {
    const out: Effect[] = []
    const { fills = NONE, orders, balances, positions, accounts: touched = NONE, resets = NONE, samples = NONE } = this
    if (this.fillsOnly) {
      for (const fill of fills) out.push({ kind: 'fillCreated', fill })
      return out
    }
    const { accounts } = this.state
    for (const account of resets) out.push({ kind: 'accountReset', account })
    if (this.markets) out.push({ kind: 'marketsChanged', markets: this.markets })
    for (const id of touched) {
      const acct = accounts.get(id)
      if (acct) out.push({ kind: 'accountChanged', account: accountRecord(acct) })
    }
    for (const fill of fills) out.push({ kind: 'fillCreated', fill })
    if (orders) for (const order of orders.values()) out.push({ kind: 'orderUpdated', order: { ...order } })
    if (balances) for (let k = 0; k < balances.length; k += 2) {
      const account = balances[k]
      const asset = balances[k + 1]
      const b = accounts.get(account)?.balances[asset]
      if (b) out.push({ kind: 'balanceChanged', account, balance: { asset, free: b.free, locked: b.locked, total: tidy(b.free + b.locked) } })
    }
    if (positions) for (const [account, symbol] of positions.values()) {
      const p = accounts.get(account)?.positions[symbol]
      if (p) out.push({ kind: 'positionChanged', account, position: { ...p } })
    }
    for (const s of samples) out.push({ kind: 'equitySampled', account: s.account, sample: s.sample })
    return out
  }
}

const NONE: readonly never[] = []

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
