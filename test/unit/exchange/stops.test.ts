import { describe, expect, it } from 'vitest'
import { Harness } from './fixtures'

function holdingOneBtc(): Harness {
  const h = new Harness()
  h.reset({ balances: { USDT: 10_000, BTC: 1 } })
  h.book([[99, 5]], [[101, 5]])
  return h
}

describe('triggered orders', () => {
  it('stop-market sells when a trade reaches the stop, into the bids', () => {
    const h = holdingOneBtc()
    const stop = h.place({ side: 'sell', type: 'stop_market', amount: 1, stopPrice: 95 })
    expect(stop.status).toBe('pending')
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 1 })
    h.trade(96, 1)
    expect(h.order(stop.id).status).toBe('pending')
    h.trade(95, 1)
    expect(h.order(stop.id)).toMatchObject({ status: 'filled', triggeredAt: h.at })
    expect(h.fills(stop.id)).toMatchObject([{ price: 99, amount: 1, liquidity: 'taker' }])
  })

  it('take-profit sells when the price rises to its trigger', () => {
    const h = holdingOneBtc()
    const tp = h.place({ side: 'sell', type: 'take_profit', amount: 1, stopPrice: 110 })
    h.trade(109, 1)
    expect(h.order(tp.id).status).toBe('pending')
    h.trade(110, 1)
    expect(h.order(tp.id).status).toBe('filled')
  })

  it('stop-limit buy rests at its limit once triggered', () => {
    const h = holdingOneBtc()
    const order = h.place({ side: 'buy', type: 'stop_limit', amount: 1, stopPrice: 105, price: 100 })
    expect(h.balance('USDT').locked).toBeCloseTo(100 * 1.002, 9)
    h.trade(105, 1)
    // Asks are at 101 > 100: nothing to take, it rests.
    expect(h.order(order.id)).toMatchObject({ status: 'open', filled: 0 })
    h.trade(99.5, 1)
    expect(h.order(order.id)).toMatchObject({ status: 'filled' })
    expect(h.fills(order.id)[0]).toMatchObject({ price: 100, liquidity: 'maker' })
  })

  it('trailing stop by amount follows the best price and fires on the pullback', () => {
    const h = holdingOneBtc()
    h.trade(100, 1)
    const trail = h.place({ side: 'sell', type: 'trailing_stop', amount: 1, trailingAmount: 2 })
    expect(trail.stopPrice).toBe(98)
    h.trade(105, 1)
    expect(h.order(trail.id).stopPrice).toBe(103)
    h.trade(104, 1)
    expect(h.order(trail.id)).toMatchObject({ status: 'pending', stopPrice: 103 })
    h.trade(103, 1)
    expect(h.order(trail.id).status).toBe('filled')
  })

  it('trailing buy stop by percent tracks the lowest price', () => {
    const h = holdingOneBtc()
    h.trade(100, 1)
    const trail = h.place({ side: 'buy', type: 'trailing_stop', amount: 1, trailingPercent: 5 })
    expect(trail.stopPrice).toBe(105)
    h.trade(90, 1)
    expect(h.order(trail.id).stopPrice).toBe(94.5)
    expect(h.balance('USDT').locked).toBeCloseTo(94.5 * 1.002, 9)
    h.trade(94.5, 1)
    expect(h.order(trail.id).status).toBe('filled')
    expect(h.fills(trail.id)[0].price).toBe(101)
  })

  it('a trailing buy needs a price to start from', () => {
    const fresh = new Harness()
    expect(fresh.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'trailing_stop', amount: 1, trailingPercent: 1 })).toBe(
      'a trailing buy stop needs a market price for BTC/USDT; none received yet'
    )
  })

  it('a triggered stop with no book left is cancelled with the reason', () => {
    const h = holdingOneBtc()
    h.book([], [[101, 1]])
    const stop = h.place({ side: 'sell', type: 'stop_market', amount: 1, stopPrice: 95 })
    h.trade(94, 1)
    expect(h.order(stop.id)).toMatchObject({ status: 'cancelled', filled: 0, reason: 'insufficient book depth' })
    expect(h.balance('BTC')).toEqual({ free: 1, locked: 0 })
  })
})
