import { describe, expect, it } from 'vitest'
import { Harness } from './fixtures'

// Maker 0.1 %, taker 0.2 %. A resting buy locks remaining × price × 1.002.
describe('resting limit orders', () => {
  it('lock funds, then fill as maker from trades strictly through the price (conservative)', () => {
    const h = new Harness()
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    expect(order.status).toBe('open')
    expect(h.balance('USDT')).toEqual({ free: 10_000 - 99.198, locked: 99.198 })

    h.trade(99, 5) // touches only: conservative queue model does not fill
    expect(h.order(order.id).filled).toBe(0)

    h.trade(98.9, 0.3) // through: 0.3 fills at the limit price
    expect(h.order(order.id)).toMatchObject({ status: 'partially_filled', filled: 0.3, remaining: 0.7 })
    expect(h.fills(order.id)[0]).toMatchObject({ price: 99, amount: 0.3, cost: 29.7, fee: 0.0297, liquidity: 'maker' })
    expect(h.balance('USDT').locked).toBeCloseTo(0.7 * 99 * 1.002, 9)

    h.trade(98, 2)
    expect(h.order(order.id)).toMatchObject({ status: 'filled', filled: 1, remaining: 0 })
    expect(h.balance('USDT')).toEqual({ free: 10_000 - 99 - 0.099, locked: 0 })
    expect(h.balance('BTC').free).toBe(1)
  })

  it('fill on a touch with the optimistic queue model', () => {
    const h = new Harness({ queueModel: 'optimistic' })
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    h.trade(99, 0.4)
    expect(h.order(order.id).filled).toBe(0.4)
  })

  it('share one trade volume by price, then time priority', () => {
    const h = new Harness()
    const low = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99 })
    const high = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99.5 })
    h.trade(98, 1.2)
    expect(h.order(high.id).filled).toBe(1)
    expect(h.order(low.id).filled).toBe(0.2)
  })

  it('take liquidity on arrival when marketable, then rest the remainder as maker', () => {
    const h = new Harness()
    h.book([[99, 1]], [[100, 0.4], [101, 3]])
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 100.5 })
    expect(h.fills(order.id)).toMatchObject([{ price: 100, amount: 0.4, liquidity: 'taker', fee: 0.08 }])
    expect(h.order(order.id)).toMatchObject({ status: 'partially_filled', remaining: 0.6 })
    expect(h.balance('USDT').locked).toBeCloseTo(0.6 * 100.5 * 1.002, 9)
    h.trade(100, 1)
    expect(h.fills(order.id)[1]).toMatchObject({ price: 100.5, amount: 0.6, liquidity: 'maker' })
  })

  it('IOC takes what it can and expires the rest', () => {
    const h = new Harness()
    h.book([[99, 1]], [[100, 0.4], [101, 3]])
    const order = h.place({ side: 'buy', type: 'limit', amount: 1, price: 100, timeInForce: 'IOC' })
    expect(order).toMatchObject({ status: 'expired', filled: 0.4, reason: 'IOC: unfilled remainder expired' })
    expect(h.balance('USDT').locked).toBe(0)
  })

  it('FOK fills all or nothing', () => {
    const h = new Harness()
    h.book([[99, 1]], [[100, 0.4], [101, 3]])
    const killed = h.place({ side: 'buy', type: 'limit', amount: 1, price: 100, timeInForce: 'FOK' })
    expect(killed).toMatchObject({ status: 'expired', filled: 0, reason: 'FOK order could not be filled in full at 100 or better' })
    const filled = h.place({ side: 'buy', type: 'limit', amount: 1, price: 101, timeInForce: 'FOK' })
    expect(filled).toMatchObject({ status: 'filled', filled: 1 })
    expect(h.fills(filled.id).map((f) => [f.price, f.amount])).toEqual([[100, 0.4], [101, 0.6]])
  })

  it('post-only is rejected when it would take, rests otherwise', () => {
    const h = new Harness()
    h.book([[99, 1]], [[100, 1]])
    const taking = h.place({ side: 'buy', type: 'limit', amount: 1, price: 100, timeInForce: 'PO' })
    expect(taking).toMatchObject({ status: 'rejected', reason: 'post-only order would take liquidity (best ask 100, price 100)' })
    const resting = h.place({ side: 'buy', type: 'limit', amount: 1, price: 99.99, timeInForce: 'PO' })
    expect(resting.status).toBe('open')
    expect(h.fills()).toHaveLength(0)
  })

  it('sells lock the base asset and realize PnL against the average entry', () => {
    const h = new Harness()
    h.reset({ balances: { USDT: 1000 } })
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 100 })
    h.trade(99, 1)
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 90 })
    h.trade(89, 1) // position 2 @ 95
    const sell = h.place({ side: 'sell', type: 'limit', amount: 1.5, price: 110 })
    expect(h.balance('BTC')).toEqual({ free: 0.5, locked: 1.5 })
    h.trade(111, 2)
    expect(h.order(sell.id).status).toBe('filled')
    const position = h.state.accounts.get('default')?.positions['BTC/USDT']
    // Realized: 1.5 × (110 − 95) = 22.5; 0.5 left at 95.
    expect(position).toEqual({ symbol: 'BTC/USDT', amount: 0.5, avgEntry: 95, realizedPnl: 22.5 })
    // Fees once: 100 + 90 + 165 notional at maker 0.1 %.
    expect(h.state.accounts.get('default')?.feesPaid).toBeCloseTo(0.355, 12)
  })
})
