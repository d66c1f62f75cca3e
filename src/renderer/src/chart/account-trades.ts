import type { KeelClient } from '../../../shared/api'
import { LIVE_STATUSES, type Fill, type Order } from '../../../shared/trading'

/** Fills kept for the chart's markers (newest); older ones are history the chart rarely shows. */
const FILLS_KEPT = 1000

/**
 * One account's trading on one symbol, for the price chart: its fills (the markers) and its
 * live orders (the order lines), loaded once and kept current from events. Any account: the
 * trader's own or a bot's.
 */
export class AccountTrades {
  fills: Fill[] = []
  readonly orders = new Map<string, Order>()
  private stopped = false
  private readonly offs: (() => void)[] = []

  constructor(
    private readonly client: KeelClient,
    readonly account: string,
    readonly symbol: string,
    private readonly onChange: () => void
  ) {}

  start(): void {
    const mine = (account: string, symbol: string) => account === this.account && symbol === this.symbol
    this.offs.push(
      this.client.on('fillCreated', ({ account, fill }) => {
        if (!mine(account, fill.symbol) || this.fills.some((f) => f.id === fill.id)) return
        this.fills = [fill, ...this.fills].slice(0, FILLS_KEPT)
        this.onChange()
      }),
      this.client.on('orderUpdated', ({ account, order }) => {
        if (!mine(account, order.symbol)) return
        const known = this.orders.get(order.id)
        if (known && known.updatedAt > order.updatedAt) return // an event overtaken by the list answer
        if (LIVE_STATUSES.includes(order.status)) this.orders.set(order.id, order)
        else this.orders.delete(order.id)
        this.onChange()
      }),
      // Events were dropped for this client: what we hold may be incomplete.
      this.client.on('resync', () => void this.load())
    )
    void this.load()
  }

  stop(): void {
    this.stopped = true
    for (const off of this.offs) off()
  }

  private async load(): Promise<void> {
    try {
      const [fills, open] = await Promise.all([
        this.client.call('listFills', { account: this.account, symbol: this.symbol, limit: FILLS_KEPT }),
        this.client.call('listOrders', { account: this.account, symbol: this.symbol, status: 'open', limit: 1000 })
      ])
      if (this.stopped) return
      const seen = new Set(fills.fills.map((f) => f.id))
      this.fills = [...this.fills.filter((f) => !seen.has(f.id)), ...fills.fills].sort((a, b) => b.timestamp - a.timestamp).slice(0, FILLS_KEPT)
      this.orders.clear()
      for (const o of open.orders) this.orders.set(o.id, o)
      this.onChange()
    } catch {
      // The chart shows no marks until the account answers; the next resync or remount asks again.
    }
  }
}
