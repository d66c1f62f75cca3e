import { describe, expect, it } from 'vitest'
import { Harness } from './fixtures'

function bracket(h: Harness, stopLossLimit?: number) {
  const entry = h.place({
    clientOrderId: 'b1',
    side: 'buy',
    type: 'bracket',
    amount: 1,
    price: 100,
    bracket: { stopLoss: 95, takeProfit: 110, ...(stopLossLimit ? { stopLossLimit } : {}) }
  })
  const [slId, tpId] = [`o${Number(entry.id.slice(1)) + 1}`, `o${Number(entry.id.slice(1)) + 2}`]
  return { entry, sl: () => h.order(slId), tp: () => h.order(tpId) }
}

describe('bracket / OCO orders', () => {
  it('creates waiting legs that hold nothing until the entry fills', () => {
    const h = new Harness()
    const { entry, sl, tp } = bracket(h)
    expect(entry).toMatchObject({ type: 'bracket', status: 'open', ocoGroupId: `oco-${entry.id}` })
    expect(sl()).toMatchObject({ type: 'stop_market', side: 'sell', status: 'pending', stopPrice: 95, parentId: entry.id, clientOrderId: 'b1.sl' })
    expect(tp()).toMatchObject({ type: 'limit', side: 'sell', status: 'pending', price: 110, parentId: entry.id })
    expect(h.balance('USDT').locked).toBeCloseTo(100 * 1.002, 9)
    expect(h.balance('BTC').locked).toBe(0)
  })

  it('arms both legs when the entry fills; the stop firing cancels the target', () => {
    const h = new Harness()
    h.book([[94, 5]], [[120, 5]])
    const { entry, sl, tp } = bracket(h)
    h.trade(99, 1)
    expect(h.order(entry.id).status).toBe('filled')
    expect(tp()).toMatchObject({ status: 'open', amount: 1 })
    expect(sl()).toMatchObject({ status: 'pending', amount: 1 })
    // One coin is locked once for the pair (by the take-profit leg).
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 1 })
    h.trade(95, 1)
    expect(sl()).toMatchObject({ status: 'filled' })
    expect(tp()).toMatchObject({ status: 'cancelled', reason: 'OCO: other leg triggered' })
    expect(h.fills(sl().id)).toMatchObject([{ price: 94, amount: 1 }])
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 0 })
  })

  it('the target filling cancels the stop', () => {
    const h = new Harness()
    const { sl, tp } = bracket(h)
    h.trade(99, 1)
    h.trade(111, 0.4)
    expect(tp()).toMatchObject({ status: 'partially_filled', filled: 0.4 })
    expect(sl()).toMatchObject({ status: 'cancelled', reason: 'OCO: other leg filled' })
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 0.6 })
  })

  it('sizes the legs to a partial entry that is then cancelled', () => {
    const h = new Harness()
    const { entry, sl, tp } = bracket(h)
    h.trade(99, 0.3)
    expect(sl().status).toBe('pending')
    h.cancel(entry.id)
    expect(tp()).toMatchObject({ status: 'open', amount: 0.3, remaining: 0.3 })
    expect(sl()).toMatchObject({ amount: 0.3 })
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 0.3 })
  })

  it('cancels the legs when the entry closes without a fill, and a cancelled leg takes its sibling', () => {
    const h = new Harness()
    const first = bracket(h)
    h.cancel(first.entry.id)
    expect(first.sl()).toMatchObject({ status: 'cancelled', reason: 'bracket entry cancelled without a fill' })
    const second = bracket(new Harness())
    expect(second.tp().status).toBe('pending')
    const h2 = new Harness()
    const third = bracket(h2)
    h2.trade(99, 1)
    h2.cancel(third.tp().id)
    expect(third.sl()).toMatchObject({ status: 'cancelled', reason: 'OCO: other leg cancelled' })
  })

  it('a stop-limit leg rests at its limit after triggering', () => {
    const h = new Harness()
    h.book([[90, 5]], [[120, 5]])
    const { sl } = bracket(h, 94)
    h.trade(99, 1)
    h.trade(95, 1)
    expect(sl()).toMatchObject({ type: 'stop_limit', status: 'open', price: 94 })
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 1 })
  })

  it('validates the bracket prices', () => {
    const h = new Harness()
    expect(
      h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'bracket', amount: 1, price: 100, bracket: { stopLoss: 105, takeProfit: 110 } })
    ).toBe('placeOrder: bracket: a buy bracket needs stopLoss < price < takeProfit')
  })
})
