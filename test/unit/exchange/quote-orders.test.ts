import { describe, expect, it } from 'vitest'
import { Harness } from './fixtures'

/**
 * Market orders sized by quote (issue 9.4). BTC/USDT of the fixtures: amount step 0.0001, taker
 * 0.2 %, minimum cost 5. Every expectation is computed by hand in the comments.
 */

const market = (extra: object) => ({ symbol: 'BTC/USDT', type: 'market', ...extra })

describe('a market buy by cost', () => {
  it('walks the book and spends at most cost, fees included, the amount rounded down to the step', () => {
    const h = new Harness()
    h.book([[99, 5]], [[100, 5], [101, 5]])
    const order = h.place({ side: 'buy', type: 'market', cost: 1000 })
    // Level 100: 5 BTC cost 5 × 100 × 1.002 = 501, leaving 499. Level 101: 499 / (101 × 1.002)
    // = 4.93073… → 4.9307 BTC. Total 9.9307 BTC.
    expect(order).toMatchObject({ status: 'filled', amount: 9.9307, filled: 9.9307, quoteOrderQty: 1000 })
    // Spent: 5 × 100 + 4.9307 × 101 = 998.0007, fees 1 + 0.9960014 → 999.9967014 ≤ 1000.
    expect(order.cost).toBeCloseTo(998.0007, 9)
    expect(order.fees).toBeCloseTo(1.9960014, 9)
    expect(h.balance('USDT').free).toBeCloseTo(10_000 - 999.9967014, 7)
    expect(h.balance('BTC').free).toBe(9.9307)
  })

  it('spends 100 % of the balance where an amount sized at the mid is refused', () => {
    const h = new Harness()
    h.book([[99.9, 50]], [[100, 50], [100.5, 100]])
    // The old ticket sizing: 10,000 / (mid 99.95 × 1.002) = 99.85… BTC, but the walk pays 100.5
    // for the second half: 50 × 100 + 49.8509 × 100.5 = 10,010.0 + fee > 10,000 free.
    expect(h.refusal('placeOrder', market({ side: 'buy', amount: 99.8509 }))).toMatch(/^insufficient balance: need 10030\.\d+ USDT, have 10000 USDT free$/)
    const order = h.place({ side: 'buy', type: 'market', cost: 10_000 })
    // Level 100: 50 BTC for 5,010. Level 100.5: 4,990 / (100.5 × 1.002) = 49.55263… → 49.5526.
    expect(order).toMatchObject({ status: 'filled', amount: 99.5526 })
    // Spent 5,010 + 49.5526 × 100.5 × 1.002 = 9,999.99… : a few cents stay free, never below 0.
    const spent = 5_010 + 49.5526 * 100.5 * 1.002
    expect(h.balance('USDT').free).toBeCloseTo(10_000 - spent, 6)
    expect(h.balance('USDT').free).toBeGreaterThanOrEqual(0)
  })

  it('fills the depth there is and cancels the rest, as an amount-sized order does', () => {
    const h = new Harness()
    h.book([[99, 1]], [[100, 1]])
    const order = h.place({ side: 'buy', type: 'market', cost: 1000 })
    // 1 BTC for 100.2 at the only level; the other 899.8 sized at its price: 8.98 BTC more.
    expect(order).toMatchObject({ status: 'cancelled', amount: 9.98, filled: 1, reason: 'insufficient book depth' })
    expect(h.balance('USDT').free).toBeCloseTo(10_000 - 100.2, 9)
  })
})

describe('a market sell by cost', () => {
  it('sells the least base whose proceeds net of fees reach cost', () => {
    const h = new Harness()
    h.reset({ balances: { USDT: 0, BTC: 10 } })
    h.book([[100, 2], [99, 10]], [[101, 1]])
    const order = h.place({ side: 'sell', type: 'market', cost: 500 })
    // Level 100: 2 BTC yield 2 × 100 × 0.998 = 199.6, leaving 300.4. Level 99: 300.4 / (99 × 0.998)
    // = 3.04042… → 3.0405 (rounded up, so the proceeds reach the cost). Total 5.0405 BTC.
    expect(order).toMatchObject({ status: 'filled', amount: 5.0405, quoteOrderQty: 500 })
    // Proceeds: 199.6 + 3.0405 × 99 × 0.998 = 199.6 + 300.407481 = 500.007481.
    expect(h.balance('USDT').free).toBeCloseTo(500.007481, 9)
    expect(h.balance('BTC').free).toBeCloseTo(10 - 5.0405, 12)
  })

  it('refuses a sale the base balance cannot cover', () => {
    const h = new Harness()
    h.reset({ balances: { USDT: 0, BTC: 1 } })
    h.book([[100, 10]], [[101, 1]])
    // 500 / 99.8 = 5.01002… → 5.0101 BTC, 1 held.
    expect(h.refusal('placeOrder', market({ side: 'sell', cost: 500 }))).toBe('insufficient balance: need 5.0101 BTC, have 1 BTC free')
  })
})

describe('cost is checked like any order', () => {
  it.each([
    [market({ side: 'buy', amount: 1, cost: 100 }), 'placeOrder: amount: give amount or cost, not both'],
    [market({ side: 'buy' }), 'placeOrder: amount: amount or cost is required'],
    [{ symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: 100, cost: 100 }, 'cost is not allowed on limit orders'],
    [{ symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: 100 }, 'placeOrder: amount: amount is required'],
    [market({ side: 'buy', cost: 20_000 }), 'insufficient balance: need 20000 USDT, have 10000 USDT free'],
    [market({ side: 'buy', cost: 0.001 }), '0.001 USDT buys less than the amount step 0.0001 BTC at the current book'],
    // 3 / 100.2 = 0.02994… → 0.0299 BTC ≈ 2.99 USDT of notional, the minimum is 5.
    [market({ side: 'buy', cost: 3 }), 'cost 2.99 below minimum 5 for BTC/USDT']
  ])('%j', (params, reason) => {
    const h = new Harness()
    h.reset({ balances: { USDT: 10_000 } })
    h.book([[99, 5]], [[100, 5]])
    expect(h.refusal('placeOrder', params)).toContain(reason)
    expect(h.balance('USDT')).toEqual({ free: 10_000, locked: 0 })
  })

  it('needs a book to size by', () => {
    const h = new Harness()
    expect(h.refusal('placeOrder', market({ side: 'buy', cost: 100 }))).toBe('no order book for BTC/USDT yet; market orders need book depth')
  })
})
