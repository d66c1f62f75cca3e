import { describe, expect, it } from 'vitest'
import { BTC, Harness } from './fixtures'

const limit = (extra: object) => ({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.1, price: 100, ...extra })

describe('input validation and exchange rules', () => {
  it('refuses malformed input with a message naming the field', () => {
    const h = new Harness()
    expect(h.refusal('placeOrder', limit({ amount: Number.NaN }))).toBe('placeOrder: amount: amount must be a finite number')
    expect(h.refusal('placeOrder', limit({ amount: -1 }))).toBe('placeOrder: amount: amount must be positive')
    expect(h.refusal('placeOrder', limit({ price: undefined }))).toBe('placeOrder: price: price is required for limit orders')
    expect(h.refusal('placeOrder', limit({ type: 'stop_market', price: undefined }))).toBe(
      'placeOrder: stopPrice: stopPrice is required for stop_market orders'
    )
    expect(h.refusal('placeOrder', limit({ symbol: 'DOGE/USDT' }))).toBe('unknown symbol DOGE/USDT on demo')
  })

  it('answers bad input with bad_request and rule violations with rejected', () => {
    const h = new Harness()
    const bad = h.send({ kind: 'placeOrder', at: 1, params: limit({ amount: 'lots' }) }).reply
    const refused = h.send({ kind: 'placeOrder', at: 2, params: limit({ amount: 0.00001 }) }).reply
    expect(!bad.ok && bad.error.code).toBe('bad_request')
    expect(!refused.ok && refused.error.code).toBe('rejected')
  })

  it('rejects, like the exchange, amounts off the lot step and prices off the tick; keeps on-grid input free of float residue', () => {
    const h = new Harness()
    expect(h.refusal('placeOrder', limit({ amount: 0.123456 }))).toBe('amount 0.123456 is not a multiple of the amount step 0.0001 for BTC/USDT')
    expect(h.refusal('placeOrder', limit({ price: 100.126 }))).toBe('price 100.126 is not a multiple of the price tick 0.01 for BTC/USDT')
    expect(h.refusal('placeOrder', limit({ type: 'stop_limit', stopPrice: 101.005 }))).toBe('stopPrice 101.005 is not a multiple of the price tick 0.01 for BTC/USDT')
    expect(h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'sell', type: 'trailing_stop', amount: 0.1, trailingAmount: 0.015 })).toBe(
      'trailingAmount 0.015 is not a multiple of the price tick 0.01 for BTC/USDT'
    )
    expect(h.state.orders.size).toBe(0)
    const order = h.place({ side: 'buy', type: 'limit', amount: 0.1 + 0.2, price: 100.1 + 0.02 })
    expect(order.amount).toBe(0.3)
    expect(order.price).toBe(100.12)
  })

  it('rejects like the exchange: min/max amount, price and cost', () => {
    const h = new Harness()
    expect(h.refusal('placeOrder', limit({ amount: 0.00001 }))).toBe('amount 0.00001 below minimum 0.0001 for BTC/USDT')
    expect(h.refusal('placeOrder', limit({ amount: 5000 }))).toBe('amount 5000 above maximum 1000 for BTC/USDT')
    expect(h.refusal('placeOrder', limit({ price: 2_000_000 }))).toBe('price 2000000 above maximum 1000000 for BTC/USDT')
    // 0.01 × 100 = 1 USDT of notional, the minimum is 5.
    expect(h.refusal('placeOrder', limit({ amount: 0.01 }))).toBe('cost 1 below minimum 5 for BTC/USDT')
  })

  it('refuses an order the free balance cannot fund, changing nothing', () => {
    const h = new Harness()
    // 100 × 100 × (1 + 0.2 %) = 10,020 > 10,000.
    expect(h.refusal('placeOrder', limit({ amount: 100 }))).toBe('insufficient balance: need 10020 USDT, have 10000 USDT free')
    expect(h.balance('USDT')).toEqual({ free: 10_000, locked: 0 })
    expect(h.state.orders.size).toBe(0)
  })

  it('refuses trading on an inactive market', () => {
    const h = new Harness({}, [{ ...BTC, active: false }])
    expect(h.refusal('placeOrder', limit({}))).toBe('market BTC/USDT on demo is not active')
  })
})
