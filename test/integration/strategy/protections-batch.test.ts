import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExecutionService } from '../../../src/core/execution/execution-service'
import { ProtectionsFile, ProtectionsService } from '../../../src/core/protections'
import { TradingStore } from '../../../src/core/storage/trading'
import { Protections } from '../../../src/shared/bots'
import { PlaceOrderParams } from '../../../src/shared/trading'
import { BTC } from '../../unit/exchange/fixtures'

// The same property as the HTTP burst in protections.test.ts, with every order certainly in one
// batch: the execution service over a real trading.db, the guard wired the way the worker wires it.

let dir: string
let store: TradingStore
const now = 1_000_000
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-protections-batch-'))
  store = TradingStore.open(join(dir, 'trading.db'))
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

function setup(limits: Partial<Protections>): ExecutionService {
  const exec = new ExecutionService(store, { event: () => {} }, () => now, 3_000, { quietMs: 1, maxMs: 50 })
  const protections = new ProtectionsService(
    new ProtectionsFile(join(dir, 'protections.json')),
    { state: () => exec.state, cancelAll: async () => 0, emit: () => {}, now: () => now },
    (why) => {
      throw new Error(why)
    }
  )
  protections.handlers().setProtections({ account: 'default', protections: Protections.parse(limits) })
  exec.setOrderGuard((params) => protections.refusal(params))
  exec.setMarkets('demo', [BTC])
  exec.book({ exchange: 'demo', symbol: 'BTC/USDT', timestamp: now, bids: [[99, 50]], asks: [[101, 50]] })
  return exec
}

const bid = (i: number) => PlaceOrderParams.parse({ clientOrderId: `c${i}`, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.1, price: 90 - i * 0.01 })

describe('protections inside one batch of commands', () => {
  it('maxOpenOrders: of 25 orders submitted at once, exactly 4 open; the rest refused with the reason', async () => {
    const exec = setup({ maxOpenOrders: 4 })
    const settled = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => exec.placeOrder(bid(i))))
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(4)
    const reasons = settled.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []))
    expect(reasons).toHaveLength(21)
    for (const reason of reasons) expect(reason).toBe('order refused: protection maxOpenOrders: 4 open orders, the limit is 4')
    // The first four submitted are the ones let through (a batch applies in arrival order).
    expect(exec.listOrders({ account: 'default', status: 'open', limit: 100 }).orders.map((o) => o.clientOrderId).sort()).toEqual(['c0', 'c1', 'c2', 'c3'])
  })

  it('maxPositionNotional counts the buys filled earlier in the same batch', async () => {
    // Each market buy of 0.1 at the ask of 101 adds 10.1 USDT of position (marked at the mid, 100: 10):
    // after k buys the next would make (k + 1) × 0.1 × 100; the limit 35 lets three through.
    const exec = setup({ maxPositionNotional: 35 })
    const buy = (i: number) => exec.placeOrder(PlaceOrderParams.parse({ clientOrderId: `m${i}`, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.1 }))
    const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => buy(i)))
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected'])
    expect(exec.positions({ account: 'default' }).find((p) => p.symbol === 'BTC/USDT')?.amount).toBeCloseTo(0.3, 12)
  })
})
