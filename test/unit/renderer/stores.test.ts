import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HealthReport, WorkerHealth } from '../../../src/shared/health'
import type { Ticker } from '../../../src/shared/market-data'
import type { Fill, Order } from '../../../src/shared/trading'
import { bindAlerts, healthTransitions, onToast, useAlertsStore } from '../../../src/renderer/src/stores/alerts'
import { changePercent, createMarketIngest, referencePrice, useMarketStore } from '../../../src/renderer/src/stores/market'
import { clampPane, DEFAULT_LAYOUT, usePrefsStore } from '../../../src/renderer/src/stores/prefs'
import { useTicketStore } from '../../../src/renderer/src/stores/ticket'
import { bindTrading, selectOpenOrders, selectOrderHistory, useTradingStore } from '../../../src/renderer/src/stores/trading'
import { FakeClient } from './fake-client'

const order = (patch: Partial<Order>): Order => ({
  id: 'o1',
  clientOrderId: 'c1',
  account: 'default',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'limit',
  status: 'open',
  amount: 1,
  filled: 0,
  remaining: 1,
  price: 100,
  cost: 0,
  fees: 0,
  createdAt: 1,
  updatedAt: 1,
  ...patch
})
const fill = (patch: Partial<Fill>): Fill => ({
  id: 'f1',
  orderId: 'o1',
  clientOrderId: 'c1',
  account: 'default',
  symbol: 'BTC/USDT',
  side: 'buy',
  price: 100,
  amount: 1,
  cost: 100,
  fee: 0.1,
  feeAsset: 'USDT',
  liquidity: 'taker',
  timestamp: 5,
  ...patch
})
const ticker = (symbol: string, last: number): Ticker => ({ exchange: 'demo', symbol, timestamp: 1, last, open24h: 100 })
const worker = (name: string, state: WorkerHealth['state'], restarts = 0, pid = 10): WorkerHealth => ({
  name,
  pid,
  state,
  restarts,
  uptimeMs: 1,
  lastHeartbeatAgeMs: 1,
  eventLoopDelayMs: 1,
  rssBytes: 1,
  lastCrash: null,
  retryAt: null
})
const report = (workers: WorkerHealth[]): HealthReport => ({
  workers,
  host: { mode: 'headless', pid: 1, version: '0', uptimeMs: 1, rssBytes: 1, cpuPercent: 0, eventLoopDelayMs: 0, dataDir: '/tmp' },
  crashes: [],
  exchanges: []
})

const initial = {
  trading: useTradingStore.getState(),
  market: useMarketStore.getState(),
  alerts: useAlertsStore.getState(),
  ticket: useTicketStore.getState()
}
beforeEach(() => {
  useTradingStore.setState(initial.trading, true)
  useMarketStore.setState(initial.market, true)
  useAlertsStore.setState(initial.alerts, true)
  useTicketStore.setState(initial.ticket, true)
})
afterEach(() => vi.useRealTimers())

describe('trading store', () => {
  it('upserts orders but never lets an older state overwrite a newer one', () => {
    const { upsertOrder } = useTradingStore.getState()
    upsertOrder(order({ status: 'filled', filled: 1, remaining: 0, updatedAt: 5 }))
    upsertOrder(order({ status: 'open', updatedAt: 3 }))
    expect(useTradingStore.getState().orders.o1.status).toBe('filled')
  })

  it('splits open orders from history, newest first', () => {
    const { upsertOrder } = useTradingStore.getState()
    upsertOrder(order({ id: 'a', createdAt: 1 }))
    upsertOrder(order({ id: 'b', createdAt: 2, status: 'pending', type: 'stop_market' }))
    upsertOrder(order({ id: 'c', status: 'cancelled', updatedAt: 9 }))
    const { orders } = useTradingStore.getState()
    expect(selectOpenOrders(orders).map((o) => o.id)).toEqual(['b', 'a'])
    expect(selectOrderHistory(orders).map((o) => o.id)).toEqual(['c'])
  })

  it('keeps fills newest first without duplicates', () => {
    const { addFill } = useTradingStore.getState()
    addFill(fill({ id: 'f1' }))
    addFill(fill({ id: 'f2' }))
    addFill(fill({ id: 'f1' }))
    expect(useTradingStore.getState().fills.map((f) => f.id)).toEqual(['f2', 'f1'])
  })

  it('loads the account, follows events, and reloads after an execution restart', async () => {
    vi.useFakeTimers()
    let openOrders = [order({ id: 'o1' })]
    const client = new FakeClient()
      .answer('listOrders', (p) => ({ orders: p.status === 'open' ? openOrders : [] }))
      .answer('listFills', () => ({ fills: [] }))
      .answer('balances', () => [{ asset: 'USDT', free: 900, locked: 100, total: 1000 }])
      .answer('positions', () => [])
      .answer('accountSummary', () => ({ account: 'default', exchange: 'demo', quote: 'USDT', equity: 1000, cash: 1000, positionsValue: 0, realizedPnl: 0, unrealizedPnl: 0, feesPaid: 0 }))
    const unbind = bindTrading(client)
    await vi.advanceTimersByTimeAsync(0)
    expect(useTradingStore.getState()).toMatchObject({ loaded: true, balances: { USDT: { free: 900 } } })
    expect(Object.keys(useTradingStore.getState().orders)).toEqual(['o1'])

    client.emit('fillCreated', { account: 'default', fill: fill({ id: 'f9' }) })
    client.emit('fillCreated', { account: 'someone-else', fill: fill({ id: 'f10' }) })
    client.emit('balanceChanged', { account: 'default', balance: { asset: 'BTC', free: 1, locked: 0, total: 1 } })
    expect(useTradingStore.getState().fills.map((f) => f.id)).toEqual(['f9'])
    expect(useTradingStore.getState().balances.BTC.total).toBe(1)

    // Execution restarts with another pid: the store reloads what it may have missed.
    client.emit('health', report([worker('execution', 'running', 0, 10)]))
    openOrders = [order({ id: 'o2' })]
    client.emit('health', report([worker('execution', 'running', 1, 11)]))
    await vi.advanceTimersByTimeAsync(0)
    expect(Object.keys(useTradingStore.getState().orders)).toEqual(['o2'])
    unbind()
    expect(client.listenerCount('fillCreated')).toBe(0)
  })

  it('reports an unavailable account and retries until it loads', async () => {
    vi.useFakeTimers()
    const client = new FakeClient()
    const unbind = bindTrading(client)
    await vi.advanceTimersByTimeAsync(0)
    expect(useTradingStore.getState().error).toMatch(/Account unavailable: listOrders: not scripted/)
    client
      .answer('listOrders', () => ({ orders: [] }))
      .answer('listFills', () => ({ fills: [] }))
      .answer('balances', () => [])
      .answer('positions', () => [])
      .answer('accountSummary', () => ({ account: 'default', exchange: 'demo', quote: 'USDT', equity: 1, cash: 1, positionsValue: 0, realizedPnl: 0, unrealizedPnl: 0, feesPaid: 0 }))
    await vi.advanceTimersByTimeAsync(2_000)
    expect(useTradingStore.getState()).toMatchObject({ loaded: true, error: null })
    unbind()
  })
})

describe('market store', () => {
  it('coalesces ticks to one store update per frame, keeping the latest per symbol', () => {
    const frames: (() => void)[] = []
    const ingest = createMarketIngest((cb) => frames.push(cb))
    let updates = 0
    const off = useMarketStore.subscribe(() => updates++)
    for (let i = 1; i <= 1000; i++) ingest.ticker(ticker(i % 2 ? 'BTC/USDT' : 'ETH/USDT', i))
    expect(frames).toHaveLength(1) // one frame requested, however many ticks
    expect(updates).toBe(0)
    frames[0]()
    expect(updates).toBe(1)
    const { tickers } = useMarketStore.getState()
    expect(tickers['BTC/USDT'].last).toBe(999)
    expect(tickers['ETH/USDT'].last).toBe(1000)
    off()
  })

  it('derives change % and the reference price', () => {
    expect(changePercent(ticker('X/Y', 110))).toBeCloseTo(10)
    expect(changePercent({ ...ticker('X/Y', 110), open24h: undefined })).toBeUndefined()
    const book = { exchange: 'demo', symbol: 'X/Y', timestamp: 1, bids: [[99, 1]] as [number, number][], asks: [[101, 1]] as [number, number][] }
    expect(referencePrice(ticker('X/Y', 50), book)).toBe(100)
    expect(referencePrice(ticker('X/Y', 50), undefined)).toBe(50)
  })
})

describe('alerts store', () => {
  it('toasts fills, rejections, crashes and stale feeds, and logs the rest', () => {
    const client = new FakeClient()
    const notified: string[] = []
    const offNotify = onToast((e) => notified.push(e.text))
    const unbind = bindAlerts(client)
    client.emit('fillCreated', { account: 'default', fill: fill({ amount: 0.5, price: 64000 }) })
    client.emit('orderUpdated', { account: 'default', order: order({ status: 'rejected', reason: 'insufficient balance' }) })
    client.emit('workerCrashed', { worker: 'market', kind: 'crash', at: 1, exitCode: null, signal: 'SIGKILL', uptimeMs: 1, stderrTail: [] })
    client.emit('feedStatus', { exchange: 'demo', symbol: 'BTC/USDT', status: 'stale', timestamp: 1, reason: 'no trades for 10 s' })
    client.emit('feedStatus', { exchange: 'demo', symbol: 'BTC/USDT', status: 'stale', timestamp: 2 })
    client.emit('feedStatus', { exchange: 'demo', symbol: 'BTC/USDT', status: 'connected', timestamp: 3 })
    const { toasts, log } = useAlertsStore.getState()
    expect(toasts.map((t) => t.level)).toEqual(['success', 'error', 'error', 'warn'])
    expect(toasts[0].text).toMatch(/Bought 0.50000 BTC at 64,000.00 for 100.00 \(taker, fee 0.1000 USDT\)/)
    expect(toasts[1].text).toMatch(/Rejected buy limit .*insufficient balance/)
    expect(toasts[2].text).toMatch(/market worker crashed \(signal SIGKILL\)/)
    expect(toasts[3].text).toMatch(/demo BTC\/USDT feed is stale: no trades for 10 s/)
    expect(log[0].text).toMatch(/feed connected/) // recovery is logged, not toasted
    expect(log).toHaveLength(5) // the repeated stale status is not logged twice
    expect(notified).toHaveLength(4)
    offNotify()
    unbind()
  })

  it('turns worker state changes into log lines', () => {
    const before = report([worker('market', 'running'), worker('ai', 'running')])
    const after = report([worker('market', 'failed', 5), worker('ai', 'running')])
    expect(healthTransitions(null, after)).toEqual([])
    expect(healthTransitions(before, after)).toEqual([{ level: 'error', source: 'worker', text: 'market worker failed after 5 restarts; circuit open' }])
    expect(healthTransitions(report([worker('market', 'starting', 1)]), report([worker('market', 'running', 1)]))[0].text).toBe('market worker is running again')
    expect(healthTransitions(report([worker('market', 'starting')]), report([worker('market', 'running')]))).toEqual([]) // first start
  })

  it('dismisses toasts and caps them', () => {
    const { push, dismiss } = useAlertsStore.getState()
    const first = push({ level: 'info', source: 'system', text: 'one' }, true)
    for (let i = 0; i < 6; i++) push({ level: 'info', source: 'system', text: `n${i}` }, true)
    expect(useAlertsStore.getState().toasts).toHaveLength(5)
    expect(useAlertsStore.getState().toasts.some((t) => t.id === first.id)).toBe(false)
    dismiss(useAlertsStore.getState().toasts[0].id)
    expect(useAlertsStore.getState().toasts).toHaveLength(4)
  })
})

describe('prefs and ticket stores', () => {
  it('clamps pane sizes so no pane can disappear', () => {
    expect(clampPane('left', 5)).toBe(200)
    expect(clampPane('left', 9_999)).toBe(520)
    usePrefsStore.getState().resize('bottom', 10)
    expect(usePrefsStore.getState().layout.bottom).toBe(120)
    usePrefsStore.getState().resetLayout()
    expect(usePrefsStore.getState().layout).toEqual(DEFAULT_LAYOUT)
  })

  it('takes a clicked book price into the ticket as the order type needs it', () => {
    const { update, usePrice } = useTicketStore.getState()
    update({ type: 'market' })
    usePrice('64000.5')
    expect(useTicketStore.getState().form).toMatchObject({ type: 'limit', price: '64000.5' })
    update({ type: 'stop_market', price: '' })
    usePrice('63000')
    expect(useTicketStore.getState().form).toMatchObject({ type: 'stop_market', stopPrice: '63000', price: '' })
  })

  it('B/S pick the side and ask for focus', () => {
    useTicketStore.getState().startOrder('sell')
    expect(useTicketStore.getState()).toMatchObject({ form: { side: 'sell' }, focusSeq: 1 })
  })
})
