import { describe, expect, it } from 'vitest'
import { Harness } from './fixtures'

// Book used throughout: bid 99 × 1; asks 100 × 0.5, 101 × 1, 102 × 2 → mid 99.5. Taker fee 0.2 %.
function withBook(): Harness {
  const h = new Harness()
  h.book([[99, 1], [98, 2]], [[100, 0.5], [101, 1], [102, 2]])
  return h
}

describe('market orders walk the book', () => {
  it('buys across levels with taker fees and slippage against the mid', () => {
    const h = withBook()
    const order = h.place({ side: 'buy', type: 'market', amount: 1.2 })
    expect(order.status).toBe('filled')
    const [first, second] = h.fills(order.id)
    // 0.5 @ 100 = 50, fee 0.1; 0.7 @ 101 = 70.7, fee 0.1414.
    expect(first).toMatchObject({ price: 100, amount: 0.5, cost: 50, fee: 0.1, liquidity: 'taker', mid: 99.5, slippage: 0.5 })
    expect(second).toMatchObject({ price: 101, amount: 0.7, cost: 70.7, fee: 0.1414, slippage: 1.5 })
    expect(first.slippageBps).toBeCloseTo((0.5 / 99.5) * 10_000, 9)
    expect(order.avgFillPrice).toBeCloseTo(120.7 / 1.2, 9)
    expect(order.fees).toBeCloseTo(0.2414, 12)
    expect(h.balance('USDT').free).toBeCloseTo(10_000 - 120.7 - 0.2414, 9)
    expect(h.balance('BTC').free).toBeCloseTo(1.2, 12)
  })

  it('fills what the depth allows and cancels the rest with the reason', () => {
    const h = withBook()
    const order = h.place({ side: 'buy', type: 'market', amount: 5 })
    expect(order).toMatchObject({ status: 'cancelled', filled: 3.5, remaining: 1.5, reason: 'insufficient book depth' })
    expect(h.fills(order.id).map((f) => f.price)).toEqual([100, 101, 102])
  })

  it('consumes the liquidity it took until the next book arrives', () => {
    const h = withBook()
    h.place({ side: 'buy', type: 'market', amount: 0.5 })
    const second = h.place({ side: 'buy', type: 'market', amount: 0.5 })
    expect(h.fills(second.id)[0].price).toBe(101)
  })

  it('sells into the bids, fee taken from the proceeds', () => {
    const h = withBook()
    h.reset({ balances: { USDT: 0, BTC: 2 } })
    const order = h.place({ side: 'sell', type: 'market', amount: 1.5 })
    // 1 @ 99 + 0.5 @ 98 = 148, fee 0.296; slippage vs mid 99.5: 0.5 and 1.5.
    expect(h.fills(order.id).map((f) => [f.price, f.amount, f.slippage])).toEqual([[99, 1, 0.5], [98, 0.5, 1.5]])
    expect(h.balance('USDT').free).toBeCloseTo(148 - 0.296, 9)
    expect(h.balance('BTC').free).toBeCloseTo(0.5, 12)
  })

  it('rejects with a clear reason when the book is missing, the side empty, or funds short', () => {
    const h = new Harness()
    expect(h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1 })).toMatch(
      /no order book for BTC\/USDT yet/
    )
    h.book([[99, 1]], [])
    expect(h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1 })).toBe(
      'no asks in the order book for BTC/USDT'
    )
    h.book([[99, 1]], [[100, 500]])
    // 200 × 100 × 1.002 = 20,040 needed, 10,000 free.
    expect(h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 200 })).toBe(
      'insufficient balance: need 20040 USDT, have 10000 USDT free'
    )
    expect(h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: 1 })).toBe(
      'insufficient balance: need 1 BTC, have 0 BTC free'
    )
  })
})
