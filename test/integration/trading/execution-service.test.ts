import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExecutionService } from '../../../src/core/execution/execution-service'
import { TradingStore } from '../../../src/core/storage/trading'
import { PlaceOrderParams, type PlaceOrderInput } from '../../../src/shared/trading'
import type { MarketInfo } from '../../../src/shared/market-data'
import { BTC } from '../../unit/exchange/fixtures'

/** ExecutionService over a real trading.db, without a worker process around it. */
let dir: string
let store: TradingStore
let now = 1_000_000
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-execution-'))
  store = TradingStore.open(join(dir, 'trading.db'))
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The worker runtime parses requests before the service sees them; these tests do the same. */
const place = (exec: ExecutionService, order: PlaceOrderInput) => exec.placeOrder(PlaceOrderParams.parse(order))

function service(): ExecutionService {
  return new ExecutionService(store, { event: () => {} }, () => now, 3_000, { quietMs: 1, maxMs: 50 })
}

const book = (exchange: string) => ({ exchange, symbol: 'BTC/USDT', timestamp: now, bids: [[99, 2]] as [number, number][], asks: [[101, 2]] as [number, number][] })

describe('ExecutionService stale-feed refusal', () => {
  it('judges a new account named after an exchange by that exchange feed, not the demo', async () => {
    const exec = service()
    const binance: MarketInfo = { ...BTC, exchange: 'binance' }
    exec.setMarkets('demo', [BTC])
    exec.setMarkets('binance', [binance])
    exec.book(book('demo')) // the demo is fresh; binance has never sent anything
    const order = { account: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.1, price: 90 } as const
    await expect(place(exec, order)).rejects.toThrow(/on binance/)
    await expect(place(exec, { ...order, account: 'default' })).resolves.toMatchObject({ status: 'open' })
  })

  it('lets a re-send of an order the journal has through once the feed went stale, refuses new ones', async () => {
    const exec = service()
    exec.setMarkets('demo', [BTC])
    exec.book(book('demo'))
    const order = { clientOrderId: 'c1', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.1, price: 90 } as const
    const placed = await place(exec, order)
    now += 10_000 // no data since: stale
    await expect(place(exec, order)).resolves.toEqual(placed)
    await expect(place(exec, { ...order, clientOrderId: 'c2' })).rejects.toThrow(/stale/)
  })

  it('after a restart whose replayed data is older than the stale limit, a new order waits for live data and then executes', async () => {
    // The host replays each symbol's latest book with the time it got it; after an outage
    // longer than the stale limit that replay is stale, and only live data may be traded on.
    const exec = service()
    exec.setMarkets('demo', [BTC])
    exec.book(book('demo'), now - 10_000)
    const order = place(exec, { clientOrderId: 'after-restart', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.5 })
    const early = await Promise.race([order.then((o) => `answered ${JSON.stringify(o)}`, (e) => `answered ${String(e)}`), new Promise((r) => setTimeout(() => r('waiting'), 200))])
    expect(early).toBe('waiting')
    exec.book(book('demo')) // live data
    await expect(order).resolves.toMatchObject({ status: 'filled', filled: 0.5, avgFillPrice: 101 })
  })
})

