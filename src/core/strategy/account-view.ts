import { z } from 'zod'
import { Balance, ListOrdersResult, Position } from '../../shared/trading'
import type { AccountSnapshot } from './thread-protocol'

export type HostCall = (method: string, params: unknown) => Promise<unknown>

/**
 * What a bot reads synchronously of its account (position, balances, open orders), fetched
 * from execution — the owner — when an order or fill event says it changed, never guessed.
 */
export class AccountView {
  private snapshot: AccountSnapshot | undefined
  private dirty = true
  private inflight: Promise<AccountSnapshot> | undefined

  constructor(
    private readonly call: HostCall,
    readonly account: string,
    private readonly symbol: string
  ) {}

  markDirty(): void {
    this.dirty = true
  }

  async current(): Promise<AccountSnapshot> {
    if (!this.dirty && this.snapshot) return this.snapshot
    return this.refresh()
  }

  refresh(): Promise<AccountSnapshot> {
    this.dirty = false
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined))
    return this.inflight
  }

  private async fetch(): Promise<AccountSnapshot> {
    const account = this.account
    try {
      const [positions, balances, open] = await Promise.all([
        this.call('positions', { account }),
        this.call('balances', { account }),
        this.call('listOrders', { account, status: 'open', limit: 1000 })
      ])
      const position = z.array(Position).parse(positions).find((p) => p.symbol === this.symbol)
      this.snapshot = {
        position: position ?? { symbol: this.symbol, amount: 0, avgEntry: 0, realizedPnl: 0, unrealizedPnl: 0 },
        balances: z.array(Balance).parse(balances),
        openOrders: ListOrdersResult.parse(open).orders
      }
      return this.snapshot
    } catch (err) {
      this.dirty = true
      throw err
    }
  }
}
