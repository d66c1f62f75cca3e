import { describe, expect, it } from 'vitest'
import type { MarketInfo } from '../../../src/shared/market-data'
import type { Order, Position } from '../../../src/shared/trading'
import { closingOrder } from '../../../src/renderer/src/actions/positions'
import { linesOfOrder, placeTags } from '../../../src/renderer/src/chart/order-lines'
import { withResetMarker } from '../../../src/renderer/src/components/orders/DataTable'
import { groupOrders } from '../../../src/renderer/src/components/orders/order-groups'
import { layoutModeFor } from '../../../src/renderer/src/layout/layout-mode'
import { assetDecimals, formatAsset, formatFee, formatMoney, formatSignedMoney, marketFormat } from '../../../src/renderer/src/lib/numbers'
import { restoredLog } from '../../../src/renderer/src/stores/alerts'

const market = (symbol: string, price: number, amount: number): MarketInfo => {
  const [base, quote] = symbol.split('/')
  return { exchange: 'demo', symbol, base, quote, active: true, precision: { price, amount }, limits: { amount: {}, price: {}, cost: {} }, maker: 0.001, taker: 0.001 }
}
const MARKETS = { 'BTC/USDT': market('BTC/USDT', 0.01, 0.00001), 'XRP/USDT': market('XRP/USDT', 0.0001, 0.1) }

let seq = 0
const order = (patch: Partial<Order>): Order => ({
  id: `o${++seq}`,
  clientOrderId: `c${seq}`,
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
  createdAt: seq,
  updatedAt: seq,
  ...patch
})

describe('display formats', () => {
  it('formats each quantity one way, from the market precision', () => {
    const btc = marketFormat(MARKETS['BTC/USDT'])
    const xrp = marketFormat(MARKETS['XRP/USDT'])
    expect(btc.price(64245.1)).toBe('64,245.10')
    expect(btc.amount(0.5)).toBe('0.50000')
    expect(xrp.price(0.52)).toBe('0.5200')
    expect(xrp.amount(1234.5)).toBe('1,234.5')
    expect(formatMoney(64245125.954)).toBe('64,245,125.95')
    expect(formatFee(1.28)).toBe('1.2800')
    expect(formatSignedMoney(0.151)).toBe('+0.15')
    expect(formatSignedMoney(-1.13)).toBe('−1.13')
    expect(formatSignedMoney(-0.001)).toBe('0.00') // no "−0.00"
    expect(formatSignedMoney(Number.NaN)).toBe('—')
  })

  it('formats a balance by its asset: quote money in 2 decimals, a base at its step', () => {
    expect(assetDecimals('USDT', MARKETS)).toBe(2)
    expect(assetDecimals('BTC', MARKETS)).toBe(5)
    expect(formatAsset(8070.952, 'USDT', MARKETS)).toBe('8,070.95')
    expect(formatAsset(12.34, 'XRP', MARKETS)).toBe('12.3')
  })
})

describe('order grouping', () => {
  const describeOrder = (o: Order) => `${o.side} ${o.type} ${o.id}`

  it('puts bracket legs right under their entry, in the list order otherwise', () => {
    const entry = order({ type: 'bracket', createdAt: 10 })
    const other = order({ createdAt: 20 })
    const sl = order({ side: 'sell', type: 'stop_market', status: 'pending', parentId: entry.id, ocoGroupId: `oco-${entry.id}`, price: undefined, stopPrice: 90 })
    const tp = order({ side: 'sell', type: 'limit', status: 'pending', parentId: entry.id, ocoGroupId: `oco-${entry.id}`, price: 120 })
    const rows = groupOrders([sl, other, tp, entry], {}, describeOrder)
    expect(rows.map((r) => (r.kind === 'order' ? `${r.order.id}:${r.depth}:${r.role ?? ''}` : r.text))).toEqual([`${other.id}:0:`, `${entry.id}:0:`, `${sl.id}:1:stop-loss`, `${tp.id}:1:take-profit`])
  })

  it('names the entry in a heading when only its legs are listed (the entry filled)', () => {
    const entry = order({ type: 'bracket', status: 'filled' })
    const sl = order({ side: 'sell', type: 'stop_market', status: 'pending', parentId: entry.id, stopPrice: 90, price: undefined })
    const tp = order({ side: 'sell', type: 'limit', status: 'open', parentId: entry.id, price: 120 })
    const rows = groupOrders([sl, tp], { [entry.id]: entry }, describeOrder)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatchObject({ kind: 'heading', text: expect.stringContaining(`buy bracket ${entry.id} (entry filled)`) })
    expect(rows.slice(1).map((r) => r.kind === 'order' && r.depth)).toEqual([1, 1])
  })

  it('marks the reset before the first older row, and only when older rows exist', () => {
    const rows = [{ t: 30 }, { t: 20 }, { t: 5 }, { t: 1 }]
    const marked = withResetMarker(rows, (r) => r.t, 10, 'reset')
    expect(marked.map((r) => ('t' in r ? r.t : 'R'))).toEqual([30, 20, 'R', 5, 1])
    expect(withResetMarker(rows, (r) => r.t, 0, 'reset')).toHaveLength(4)
    expect(withResetMarker(rows, (r) => r.t, undefined, 'reset')).toHaveLength(4)
  })
})

describe('chart order lines', () => {
  const f = marketFormat(MARKETS['BTC/USDT'])
  it('draws a stop-limit as a trigger and a limit, each labelled', () => {
    const lines = linesOfOrder(order({ side: 'sell', type: 'stop_limit', status: 'pending', stopPrice: 63000, price: 62900, remaining: 0.01 }), f.price, f.amount)
    expect(lines).toEqual([
      { price: 63000, side: 'sell', kind: 'trigger', label: 'SELL stop limit 0.01000 · trigger 63,000.00' },
      { price: 62900, side: 'sell', kind: 'price', label: 'SELL stop limit 0.01000 · limit 62,900.00' }
    ])
  })
  it('keeps tags off the legend band and off each other, and inside the pane', () => {
    // Pane 0..200, tag 16 high, legend band 17: the first free centre is 17 + 8 = 25.
    expect(placeTags([100, 150], 0, 200)).toEqual([100, 150]) // far apart: on their lines
    expect(placeTags([10], 0, 200)).toEqual([25]) // under the legend → just below it
    expect(placeTags([60, 55], 0, 200)).toEqual([72, 55]) // 5 px apart → the lower one moves down by a tag + 1
    expect(placeTags([198, 199], 0, 200)).toEqual([175, 192]) // at the bottom → stacked up from it
    const ys = [30, 31, 32, 33]
    const placed = placeTags(ys, 0, 300).sort((a, b) => a - b)
    for (let i = 1; i < placed.length; i++) expect(placed[i] - placed[i - 1]).toBeGreaterThanOrEqual(17)
  })
  it('drops the trigger once it has fired', () => {
    const lines = linesOfOrder(order({ type: 'stop_limit', stopPrice: 63000, price: 63100, triggeredAt: 5 }), f.price, f.amount)
    expect(lines.map((l) => l.kind)).toEqual(['price'])
  })
})

describe('flatten', () => {
  const position = (amount: number): Position => ({ symbol: 'BTC/USDT', amount, avgEntry: 100, realizedPnl: 0, unrealizedPnl: 0, mark: 100 })
  it('sells a long position, buys back a short one, at the market step', () => {
    expect(closingOrder(position(0.123456), MARKETS['BTC/USDT'])).toEqual({ side: 'sell', amount: 0.12345 })
    expect(closingOrder(position(-0.5), MARKETS['BTC/USDT'])).toEqual({ side: 'buy', amount: 0.5 })
    expect(closingOrder(position(0.000001), MARKETS['BTC/USDT'])).toBeNull()
  })
})

describe('layout and log', () => {
  it('turns compact below 1200×800', () => {
    expect(layoutModeFor(1920, 1080)).toBe('full')
    expect(layoutModeFor(1440, 900)).toBe('full')
    expect(layoutModeFor(1280, 720)).toBe('compact')
    expect(layoutModeFor(960, 600)).toBe('compact')
    expect(layoutModeFor(1100, 1000)).toBe('compact')
  })

  it('rebuilds log lines from fills, rejections and crashes, keyed so none repeats', () => {
    const rejected = order({ status: 'rejected', reason: 'insufficient balance', updatedAt: 7 })
    const lines = restoredLog(
      [{ id: 'f9', orderId: 'o1', clientOrderId: 'c1', account: 'default', symbol: 'BTC/USDT', side: 'buy', price: 100, amount: 1, cost: 100, fee: 0.1, feeAsset: 'USDT', liquidity: 'taker', timestamp: 3 }],
      [rejected, order({ status: 'filled' })],
      [{ worker: 'market', kind: 'crash', at: 5, exitCode: null, signal: 'SIGKILL', uptimeMs: 1, stderrTail: [] }]
    )
    expect(lines.map((l) => [l.key, l.at, l.level])).toEqual([
      ['fill:f9', 3, 'success'],
      [`order:${rejected.id}:rejected`, 7, 'error'],
      ['crash:market:5', 5, 'error']
    ])
    expect(lines[1].text).toMatch(/insufficient balance/)
  })
})

describe('toasts', () => {
  it('lets error toasts go, later than news', async () => {
    const { toastMs } = await import('../../../src/renderer/src/stores/alerts')
    expect(toastMs('error')).toBeGreaterThan(toastMs('info'))
    expect(Number.isFinite(toastMs('error'))).toBe(true)
  })
})
