import { isLive, type Effect, type EngineInput, type OrderRecord, type Reply } from '../../exchange'
import type { Statements } from './statements'

/**
 * Accumulates the effects of a batch of inputs and writes them in one go. Orders, balances,
 * positions and accounts touched several times in a batch are written once with their last
 * value (group commit stays cheap under load); fills, equity samples and journal rows are
 * appended. An account reset deletes the account's rows at its place in the sequence and
 * drops what the batch had pending for it, so nothing from before the reset is revived.
 */
export class EffectWriter {
  private readonly orders = new Map<number, OrderRecord>()
  private readonly balances = new Map<string, [string, string, number, number]>()
  private readonly positions = new Map<string, [string, string, string]>()
  private readonly accounts = new Map<string, string>()
  private readonly appends: (() => void)[] = []

  constructor(private readonly sql: Statements) {}

  get empty(): boolean {
    return this.appends.length === 0 && this.orders.size === 0 && this.balances.size === 0 && this.accounts.size === 0
  }

  journal(input: EngineInput, reply: Reply): void {
    if (!('at' in input)) return // market data is not journaled: its consequences are in the rows
    const { kind, at, ...payload } = input
    const error = reply.ok ? null : `${reply.error.code}: ${reply.error.message}`
    this.appends.push(() => this.sql.insertJournal.run(at, kind, JSON.stringify(payload), reply.ok ? 1 : 0, error))
  }

  add(effects: Effect[]): void {
    for (const e of effects) this.addOne(e)
  }

  private addOne(e: Effect): void {
    const { sql } = this
    switch (e.kind) {
      case 'accountReset': {
        const prefix = `${e.account}\u0000`
        for (const key of [...this.balances.keys()]) if (key.startsWith(prefix)) this.balances.delete(key)
        for (const key of [...this.positions.keys()]) if (key.startsWith(prefix)) this.positions.delete(key)
        this.appends.push(() => {
          sql.deleteBalances.run(e.account)
          sql.deletePositions.run(e.account)
          sql.deleteEquity.run(e.account)
        })
        return
      }
      case 'accountChanged':
        this.accounts.set(e.account.id, JSON.stringify(e.account))
        return
      case 'marketsChanged':
        for (const m of e.markets) this.appends.push(() => sql.upsertMarket.run(m.exchange, m.symbol, JSON.stringify(m)))
        return
      case 'fillCreated': {
        const f = e.fill
        this.appends.push(() => sql.insertFill.run(Number(f.id.slice(1)), f.orderId, f.account, f.symbol, JSON.stringify(f)))
        return
      }
      case 'orderUpdated':
        this.orders.set(e.order.seq, e.order)
        return
      case 'balanceChanged':
        this.balances.set(`${e.account}\u0000${e.balance.asset}`, [e.account, e.balance.asset, e.balance.free, e.balance.locked])
        return
      case 'positionChanged':
        this.positions.set(`${e.account}\u0000${e.position.symbol}`, [e.account, e.position.symbol, JSON.stringify(e.position)])
        return
      case 'equitySampled':
        this.appends.push(() => sql.insertEquity.run(e.account, e.sample.t, e.sample.equity))
    }
  }

  /** Runs inside the caller's transaction. */
  write(): void {
    const { sql } = this
    for (const append of this.appends) append()
    for (const [id, data] of this.accounts) sql.upsertAccount.run(id, data)
    for (const o of this.orders.values()) {
      sql.upsertOrder.run(o.seq, o.id, o.account, o.clientOrderId, o.symbol, isLive(o) ? 1 : 0, JSON.stringify(o))
    }
    for (const row of this.balances.values()) sql.upsertBalance.run(...row)
    for (const row of this.positions.values()) sql.upsertPosition.run(...row)
  }
}
