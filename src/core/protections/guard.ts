import { BOT_ACCOUNT_PREFIX, protectionRefusal, type Protections, type ProtectionsState } from '../../shared/bots'
import { LIVE_STATUSES, type PlaceOrderParams } from '../../shared/trading'
import { markOf } from '../exchange/book'
import { marketKey, type AccountState, type ExchangeState, type OrderRecord } from '../exchange/state'
import { priceInQuote, summarize } from '../exchange/valuation'

/**
 * The protections execution enforces before an order reaches the engine, per account: max
 * open orders, order rate, max position notional, max daily loss, max drawdown, a cool-down
 * after a stop-loss, and the global kill switch for bot accounts. Pure apart from the order-rate
 * window it keeps: give it the engine state and the order, get a refusal or nothing.
 */

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const STOP_TYPES = new Set(['stop_market', 'stop_limit', 'trailing_stop'])

type OrderLike = PlaceOrderParams

export class ProtectionGuard {
  private readonly recent = new Map<string, number[]>()

  constructor(private settings: () => ProtectionsState) {}

  /** Why the order is refused ("protection <name>: ..."), or undefined to let it through. */
  check(state: ExchangeState, order: OrderLike, now: number): string | undefined {
    const { killSwitch, accounts } = this.settings()
    if (killSwitch && order.account.startsWith(BOT_ACCOUNT_PREFIX)) return protectionRefusal('killSwitch', 'the kill switch is engaged: bot orders are halted')
    const limits = Object.hasOwn(accounts, order.account) ? accounts[order.account] : undefined
    if (!limits) return undefined
    const refusal = this.judge(state, order, limits, now)
    if (!refusal) this.count(order.account, now)
    return refusal
  }

  private judge(state: ExchangeState, order: OrderLike, limits: Protections, now: number): string | undefined {
    const acct = state.accounts.get(order.account)
    const live = liveOrders(state, order.account)
    if (live.length >= limits.maxOpenOrders) return protectionRefusal('maxOpenOrders', `${live.length} open orders, the limit is ${limits.maxOpenOrders}`)
    const rate = this.inLastMinute(order.account, now)
    if (rate >= limits.maxOrdersPerMinute) return protectionRefusal('maxOrdersPerMinute', `${rate} orders in the last minute, the limit is ${limits.maxOrdersPerMinute}`)
    if (!acct) return undefined
    const buying = order.side === 'buy'
    if (buying) {
      const notional = positionNotionalAfter(state, acct, order)
      if (notional !== undefined && notional > limits.maxPositionNotional) {
        return protectionRefusal('maxPositionNotional', `the position would be worth ${round(notional)} ${acct.quote}, the limit is ${limits.maxPositionNotional}`)
      }
      const cooldown = limits.stopLossCooldownMs
      const stoppedAt = cooldown > 0 ? lastStopLoss(state, order.account) : undefined
      if (stoppedAt !== undefined && now - stoppedAt < cooldown) {
        return protectionRefusal('stopLossCooldownMs', `a stop-loss filled ${Math.round((now - stoppedAt) / 1000)} s ago; no new buys for ${Math.round(cooldown / 1000)} s after one`)
      }
      return this.lossLimits(state, acct, limits, now)
    }
    return undefined
  }

  /** Daily loss and drawdown from the account's equity history and its equity now. */
  private lossLimits(state: ExchangeState, acct: AccountState, limits: Protections, now: number): string | undefined {
    if (limits.maxDailyLoss === undefined && limits.maxDrawdownPercent === undefined) return undefined
    const equity = summarize(state, acct).equity
    const history = acct.equityHistory
    // What the last reset put in, at today's marks: the first equity of an account opened today.
    const deposited = Object.entries(acct.deposits).reduce((sum, [asset, amount]) => sum + amount * (priceInQuote(state, acct, asset) ?? 0), 0)
    if (limits.maxDailyLoss !== undefined) {
      const dayStart = Math.floor(now / DAY_MS) * DAY_MS
      const before = history.filter((s) => s.t < dayStart).at(-1)?.equity
      const opening = before ?? (acct.resetAt >= dayStart ? deposited : (history.find((s) => s.t >= dayStart)?.equity ?? equity))
      const loss = opening - equity
      if (loss >= limits.maxDailyLoss) return protectionRefusal('maxDailyLoss', `lost ${round(loss)} ${acct.quote} today, the limit is ${limits.maxDailyLoss}`)
    }
    if (limits.maxDrawdownPercent !== undefined) {
      const peak = Math.max(equity, deposited, ...history.map((s) => s.equity))
      const drawdown = peak > 0 ? ((peak - equity) / peak) * 100 : 0
      if (drawdown >= limits.maxDrawdownPercent) return protectionRefusal('maxDrawdownPercent', `equity is ${round(drawdown)}% below its peak, the limit is ${limits.maxDrawdownPercent}%`)
    }
    return undefined
  }

  private inLastMinute(account: string, now: number): number {
    const times = (this.recent.get(account) ?? []).filter((t) => now - t < MINUTE_MS)
    this.recent.set(account, times)
    return times.length
  }

  private count(account: string, now: number): void {
    const times = this.recent.get(account) ?? []
    times.push(now)
    this.recent.set(account, times)
  }
}

function liveOrders(state: ExchangeState, account: string): OrderRecord[] {
  // The engine's live index (per market) holds only live orders: no walk over the closed ones kept in memory.
  const out: OrderRecord[] = []
  for (const market of state.live.values()) for (const order of market) if (order.account === account && LIVE_STATUSES.includes(order.status)) out.push(order)
  return out
}

function positionNotionalAfter(state: ExchangeState, acct: AccountState, order: OrderLike): number | undefined {
  const price = order.price ?? markOf(state.books.get(marketKey(acct.exchange, order.symbol)))
  if (price === undefined) return undefined
  const held = acct.positions[order.symbol]?.amount ?? 0
  // A quote-sized market buy spends at most `cost`: that is what it adds to the position.
  if (order.amount === undefined) return Math.abs(held) * price + (order.cost ?? 0)
  return Math.abs(held + order.amount) * price
}

function lastStopLoss(state: ExchangeState, account: string): number | undefined {
  let last: number | undefined
  for (const o of state.orders.values()) {
    const stop = o.role === 'stop_loss' || STOP_TYPES.has(o.type)
    if (o.account === account && stop && o.side === 'sell' && o.filled > 0) last = Math.max(last ?? 0, o.updatedAt)
  }
  return last
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
