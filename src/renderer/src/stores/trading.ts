import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import { LIVE_STATUSES, type AccountSummary, type Balance, type Fill, type Order, type Position } from '../../../shared/trading'
import { messageOf } from '../lib/errors'

export const ACCOUNT = 'default'
const MAX_FILLS = 500
const MAX_CLOSED_ORDERS = 500
/** Unrealized PnL moves with the market; the account view is refreshed this often. */
const ACCOUNT_POLL_MS = 2_000

interface TradingState {
  orders: Record<string, Order>
  /** Newest first. */
  fills: Fill[]
  balances: Record<string, Balance>
  positions: Position[]
  summary: AccountSummary | null
  loaded: boolean
  error: string | null
  upsertOrder(order: Order): void
  addFill(fill: Fill): void
  setBalance(balance: Balance): void
  setSnapshot(snapshot: Partial<Pick<TradingState, 'fills' | 'positions' | 'summary'>> & { orders?: Order[]; balances?: Balance[] }): void
  setError(error: string | null): void
}

export const useTradingStore = create<TradingState>((set) => ({
  orders: {},
  fills: [],
  balances: {},
  positions: [],
  summary: null,
  loaded: false,
  error: null,
  upsertOrder: (order) =>
    set((s) => {
      const known = s.orders[order.id]
      // Events can overtake a list answer: never let an older state replace a newer one.
      if (known && known.updatedAt > order.updatedAt) return s
      return { orders: pruneClosed({ ...s.orders, [order.id]: order }) }
    }),
  addFill: (fill) =>
    set((s) => (s.fills.some((f) => f.id === fill.id) ? s : { fills: [fill, ...s.fills].slice(0, MAX_FILLS) })),
  setBalance: (balance) => set((s) => ({ balances: { ...s.balances, [balance.asset]: balance } })),
  setSnapshot: ({ orders, balances, ...rest }) =>
    set((s) => ({
      ...rest,
      ...(orders ? { orders: Object.fromEntries(orders.map((o) => [o.id, o])) } : {}),
      ...(balances ? { balances: Object.fromEntries(balances.map((b) => [b.asset, b])) } : {}),
      loaded: s.loaded || orders !== undefined,
      error: null
    })),
  setError: (error) => set({ error })
}))

export function isLiveOrder(order: Order): boolean {
  return LIVE_STATUSES.includes(order.status)
}

/** Live orders, newest first. */
export function selectOpenOrders(orders: Record<string, Order>): Order[] {
  return Object.values(orders)
    .filter(isLiveOrder)
    .sort((a, b) => b.createdAt - a.createdAt)
}

/** Finished orders (filled, cancelled, rejected, expired), newest update first. */
export function selectOrderHistory(orders: Record<string, Order>): Order[] {
  return Object.values(orders)
    .filter((o) => !isLiveOrder(o))
    .sort((a, b) => b.updatedAt - a.updatedAt)
}

function pruneClosed(orders: Record<string, Order>): Record<string, Order> {
  const closed = selectOrderHistory(orders)
  if (closed.length <= MAX_CLOSED_ORDERS) return orders
  const next = { ...orders }
  for (const order of closed.slice(MAX_CLOSED_ORDERS)) delete next[order.id]
  return next
}

/** Everything the account views show, fetched in one go. */
export async function loadAccount(client: KeelClient): Promise<void> {
  const account = ACCOUNT
  const [open, recent, fills, balances, positions, summary] = await Promise.all([
    client.call('listOrders', { account, status: 'open', limit: 500 }),
    client.call('listOrders', { account, status: 'closed', limit: 200 }),
    client.call('listFills', { account, limit: 200 }),
    client.call('balances', { account }),
    client.call('positions', { account }),
    client.call('accountSummary', { account })
  ])
  useTradingStore.getState().setSnapshot({ orders: [...recent.orders, ...open.orders], fills: fills.fills, balances, positions, summary })
}

/** Positions and summary only: the part that moves with prices. */
export async function refreshValuation(client: KeelClient): Promise<void> {
  const [positions, summary] = await Promise.all([client.call('positions', { account: ACCOUNT }), client.call('accountSummary', { account: ACCOUNT })])
  useTradingStore.getState().setSnapshot({ positions, summary })
}

/** Keeps the trading store live: a full load (retried until it works), events, and a valuation poll. */
export function bindTrading(client: KeelClient): () => void {
  const store = useTradingStore.getState()
  let refreshSoon: ReturnType<typeof setTimeout> | undefined
  let executionPid: number | null = null
  const scheduleValuation = () => {
    clearTimeout(refreshSoon)
    refreshSoon = setTimeout(() => void refreshValuation(client).catch(() => undefined), 150)
  }
  const offs = [
    client.on('orderUpdated', ({ account, order }) => account === ACCOUNT && store.upsertOrder(order)),
    client.on('fillCreated', ({ account, fill }) => {
      if (account !== ACCOUNT) return
      store.addFill(fill)
      scheduleValuation()
    }),
    client.on('balanceChanged', ({ account, balance }) => account === ACCOUNT && store.setBalance(balance)),
    // The host dropped events this client was too slow for: what we hold is incomplete.
    client.on('resync', () => void loadAccount(client).catch(() => undefined)),
    // A restarted execution worker may have moved on while we were not listening: reload.
    client.on('health', (report) => {
      const pid = report.workers.find((w) => w.name === 'execution' && w.state === 'running')?.pid ?? null
      if (pid !== null && executionPid !== null && pid !== executionPid) void loadAccount(client).catch(() => undefined)
      if (pid !== null) executionPid = pid
    })
  ]
  const tick = async (): Promise<void> => {
    try {
      if (!useTradingStore.getState().loaded) await loadAccount(client)
      else await refreshValuation(client)
    } catch (err) {
      useTradingStore.getState().setError(`Account unavailable: ${messageOf(err)}`)
    }
  }
  void tick()
  const poll = setInterval(() => void tick(), ACCOUNT_POLL_MS)
  return () => {
    clearInterval(poll)
    clearTimeout(refreshSoon)
    for (const off of offs) off()
  }
}
