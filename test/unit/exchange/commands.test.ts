import { describe, expect, it } from 'vitest'
import { accountSummary, apply, createState, hydrateOrder, type EngineInput } from '../../../src/core/exchange'
import { BTC, Harness } from './fixtures'

describe('amend', () => {
  it('re-prices a resting order and moves its reservation', () => {
    const h = new Harness()
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    expect(h.refusal('amendOrder', { orderId: order.id, price: 95.555 })).toBe('price 95.555 is not a multiple of the price tick 0.01 for BTC/USDT')
    const amended = h.amend({ orderId: order.id, price: 95.56, amount: 2 })
    expect(amended).toMatchObject({ price: 95.56, amount: 2, remaining: 2 })
    expect(h.balance('USDT').locked).toBeCloseTo(2 * 95.56 * 1.002, 9)
  })

  it('refuses to go below the filled amount, or past the balance', () => {
    const h = new Harness()
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    h.trade(98, 0.6)
    expect(h.refusal('amendOrder', { orderId: order.id, amount: 0.5 })).toBe('amount 0.5 must exceed the filled 0.6; cancel instead')
    expect(h.refusal('amendOrder', { orderId: order.id, amount: 200 })).toBe(
      'insufficient balance: need 19780.0812 USDT, have 9940.5406 USDT free'
    )
    expect(h.order(order.id)).toMatchObject({ amount: 1, remaining: 0.4 })
  })

  it('takes liquidity when amended across the book', () => {
    const h = new Harness()
    h.book([[98, 1]], [[100, 1]])
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    h.amend({ orderId: order.id, price: 100 })
    expect(h.order(order.id).status).toBe('filled')
    expect(h.fills(order.id)).toMatchObject([{ price: 100, liquidity: 'taker' }])
  })

  it('amends the trigger of a pending stop but not filled orders', () => {
    const h = new Harness()
    h.reset({ balances: { USDT: 1000, BTC: 1 } })
    const stop = h.place({ side: 'sell', type: 'stop_market', amount: 1, stopPrice: 90 })
    expect(h.amend({ clientOrderId: stop.clientOrderId, stopPrice: 92 }).stopPrice).toBe(92)
    expect(h.refusal('amendOrder', { orderId: stop.id, price: 91 })).toBe(`stop_market order ${stop.id} has no price to amend`)
  })
})

describe('cancel', () => {
  it('releases the funds; a repeat cancel answers the same order; filled orders cannot be cancelled', () => {
    const h = new Harness()
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    expect(h.cancel(order.id)).toMatchObject({ status: 'cancelled', reason: 'cancelled by user' })
    expect(h.cancel(order.id).status).toBe('cancelled')
    expect(h.balance('USDT')).toEqual({ free: 10_000, locked: 0 })
    const filled = h.place({ side: 'buy', type: 'limit', amount: 0.1, price: 99 })
    h.trade(98, 1)
    expect(h.refusal('cancelOrder', { orderId: filled.id })).toBe(`order ${filled.id} is already filled`)
    expect(h.refusal('cancelOrder', { orderId: 'o999' })).toBe('order o999 not found in account default')
  })

  it('cancel-all cancels one symbol or everything in the account', () => {
    const h = new Harness({}, [BTC, { ...BTC, symbol: 'ETH/USDT', base: 'ETH' }])
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    h.place({ symbol: 'ETH/USDT', side: 'buy', type: 'limit', amount: 1, price: 50 })
    expect(h.cancelAll({ symbol: 'ETH/USDT' }).cancelled).toHaveLength(1)
    expect(h.cancelAll().cancelled).toHaveLength(1)
    expect(h.balance('USDT').locked).toBe(0)
  })
})

describe('idempotency by clientOrderId', () => {
  it('answers a re-send with the same order and never creates a second', () => {
    const h = new Harness()
    const params = { clientOrderId: 'abc', side: 'buy', type: 'limit', amount: 1, price: 99 } as const
    const first = h.place(params)
    const again = h.place(params)
    expect(again.id).toBe(first.id)
    expect([...h.state.orders.values()]).toHaveLength(1)
    expect(h.balance('USDT').locked).toBeCloseTo(99.198, 9)
  })

  it('refuses a different order under a used clientOrderId, per account', () => {
    const h = new Harness()
    h.place({ clientOrderId: 'abc', side: 'buy', type: 'limit', amount: 1, price: 99 })
    expect(h.refusal('placeOrder', { clientOrderId: 'abc', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 2, price: 99 })).toBe(
      'clientOrderId abc was already used for a different order (o1)'
    )
    const other = h.place({ clientOrderId: 'abc', account: 'other', side: 'buy', type: 'limit', amount: 2, price: 99 })
    expect(other.id).toBe('o2')
  })

  it('keeps no index when the caller numbers client ids itself (clientIdIndex: false, a backtest)', () => {
    const h = new Harness({ clientIdIndex: false })
    const first = h.place({ clientOrderId: 'bt-1', side: 'buy', type: 'limit', amount: 1, price: 99 })
    const second = h.place({ clientOrderId: 'bt-2', side: 'buy', type: 'limit', amount: 1, price: 98 })
    expect([first.id, second.id]).toEqual(['o1', 'o2'])
    expect(h.state.byClientId.size).toBe(0)
    expect(h.state.orders.get('o1')?.fingerprint).toBe('')
    // Cancelling by order id works as ever, and closed orders are evicted without an index to tidy.
    expect(h.cancel('o1').status).toBe('cancelled')
    const small = new Harness({ clientIdIndex: false, closedOrderMemory: 2 })
    for (let k = 1; k <= 8; k++) small.cancel(small.place({ clientOrderId: `bt-${k}`, side: 'buy', type: 'limit', amount: 1, price: 90 + k }).id)
    expect(small.state.orders.size).toBeLessThanOrEqual(4)
    expect(small.state.byClientId.size).toBe(0)
    // An order put back from storage is not indexed either.
    hydrateOrder(small.state, { ...small.state.orders.get('o8')!, id: 'o99', clientOrderId: 'bt-99' })
    expect(small.state.byClientId.size).toBe(0)
  })
})

describe('accounts', () => {
  it('reset cancels live orders and restores the given balances', () => {
    const h = new Harness()
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    const summary = h.reset({ balances: { USDT: 500, BTC: 0.5 } })
    expect(summary).toMatchObject({ account: 'default', cash: 500, realizedPnl: 0, feesPaid: 0 })
    expect(h.state.orders.get('o1')).toMatchObject({ status: 'cancelled', reason: 'account reset' })
    expect(h.balance('USDT')).toEqual({ free: 500, locked: 0 })
    expect(h.balance('BTC')).toEqual({ free: 0.5, locked: 0 })
  })

  it('keeps accounts apart and applies per-account fee overrides', () => {
    const h = new Harness()
    h.reset({ account: 'vip', balances: { USDT: 1000 }, fees: { maker: 0, taker: 0.0005 } })
    const order = h.place({ account: 'vip', side: 'buy', type: 'limit', amount: 1, price: 100 })
    expect(h.balance('USDT', 'vip').locked).toBeCloseTo(100 * 1.0005, 9)
    h.trade(99, 1)
    expect(h.fills(order.id)[0].fee).toBe(0)
    expect(h.state.accounts.has('default')).toBe(false)
  })

  it('values equity as cash plus holdings at the mark', () => {
    const h = new Harness()
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 100 })
    h.trade(99, 1)
    h.trade(120, 0.1)
    expect(h.state.accounts.get('default')?.feesPaid).toBeCloseTo(0.1, 12)
    // Cash 10,000 − 100 − 0.1 fee; 1 BTC marked at the last trade, 120.
    expect(accountSummary(h.state, 'default')).toMatchObject({ cash: 9899.9, positionsValue: 120, equity: 10_019.9, unrealizedPnl: 20 })
  })
})

describe('determinism', () => {
  it('the same inputs give the same state and ids', () => {
    const run = () => {
      const state = createState()
      const inputs = [
        { kind: 'setMarkets', at: 1, markets: [BTC] },
        { kind: 'placeOrder', at: 2, params: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 1, price: 99 } },
        { kind: 'trade', trade: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: 3, price: 98, amount: 0.5, side: 'sell' } }
      ] as EngineInput[]
      return inputs.map((input) => apply(state, input).effects)
    }
    expect(run()).toEqual(run())
  })
})
