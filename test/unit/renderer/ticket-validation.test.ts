import { describe, expect, it } from 'vitest'
import type { MarketInfo } from '../../../src/shared/market-data'
import { buildOrder, EMPTY_FORM, floorToTick, onTick, type TicketContext, type TicketForm } from '../../../src/renderer/src/ticket/validation'

const market: MarketInfo = {
  exchange: 'demo',
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  precision: { amount: 0.00001, price: 0.01 },
  limits: { amount: { min: 0.00001, max: 100 }, price: { min: 0.01, max: 1_000_000 }, cost: { min: 5 } },
  maker: 0.001,
  taker: 0.001
}
const ctx: TicketContext = { market, freeBase: 0.5, freeQuote: 10_000, refPrice: 64_000 }
const form = (patch: Partial<TicketForm>): TicketForm => ({ ...EMPTY_FORM, ...patch })
const errorsOf = (f: TicketForm, c = ctx) => {
  const r = buildOrder(f, c)
  return r.ok ? {} : r.errors
}

describe('ticket validation', () => {
  it('builds a limit order with its time in force', () => {
    const r = buildOrder(form({ type: 'limit', price: '64000.5', amount: '0.01', timeInForce: 'IOC' }), ctx)
    expect(r).toMatchObject({ ok: true, amount: 0.01, order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: 64000.5, amount: 0.01, timeInForce: 'IOC' } })
    if (r.ok) expect(r.notional).toBeCloseTo(640.005, 6)
  })

  it('refuses prices and amounts off the tick grid, naming the tick', () => {
    expect(errorsOf(form({ price: '64000.123', amount: '0.01' })).price).toMatch(/multiple of the price tick 0.01/)
    expect(errorsOf(form({ price: '64000', amount: '0.000015' })).amount).toMatch(/amount step 1e-5|amount step 0.00001/)
  })

  it('checks required fields per order type', () => {
    expect(errorsOf(form({ type: 'limit', amount: '0.01' })).price).toBe('Price is required')
    expect(errorsOf(form({ type: 'stop_limit', amount: '0.01', price: '60000' })).stopPrice).toBe('Trigger price is required')
    expect(errorsOf(form({ type: 'trailing_stop', side: 'sell', amount: '0.01' })).trailing).toBe('Trailing distance is required')
    expect(errorsOf(form({ type: 'bracket', amount: '0.01' }))).toMatchObject({ stopLoss: 'Stop-loss is required', takeProfit: 'Take-profit is required' })
    expect(errorsOf(form({ amount: 'abc', price: '1' })).amount).toBe('Amount must be a number')
    expect(errorsOf(form({ amount: '-1', price: '1' })).amount).toBe('Amount must be positive')
  })

  it('enforces the market’s minimum cost and amount limits', () => {
    expect(errorsOf(form({ price: '100', amount: '0.01' })).amount).toMatch(/below the minimum 5.00 USDT/)
    expect(errorsOf(form({ price: '0.5', amount: '200' }), { ...ctx, freeQuote: 1e9 }).amount).toMatch(/above the maximum 100 BTC/)
  })

  it('refuses what the free balance cannot pay, fee included', () => {
    expect(errorsOf(form({ price: '64000', amount: '0.2' })).amount).toMatch(/Insufficient USDT/)
    expect(errorsOf(form({ side: 'sell', price: '64000', amount: '0.6' })).amount).toMatch(/Insufficient BTC: need 0.60000, free 0.50000/)
    // Exactly affordable without the fee is not affordable with it.
    expect(errorsOf(form({ price: '50000', amount: '0.2' })).amount).toMatch(/Insufficient/)
  })

  it('prices a market order at the reference price', () => {
    const r = buildOrder(form({ type: 'market', amount: '0.01', price: '1' }), ctx)
    expect(r).toMatchObject({ ok: true, notional: 640, order: { type: 'market', amount: 0.01 } })
    if (r.ok) expect(r.order).not.toHaveProperty('price')
  })

  it('sizes by percent of the free balance, rounded down to the amount step, fee reserved', () => {
    const buy = buildOrder(form({ amountMode: 'percent', percent: '50', price: '64000' }), ctx)
    expect(buy.ok && buy.amount).toBe(0.07804) // 5000 / (64000 * 1.001) = 0.078046… → 0.07804
    const sell = buildOrder(form({ side: 'sell', amountMode: 'percent', percent: '25', price: '64000' }), ctx)
    expect(sell.ok && sell.amount).toBe(0.125)
    expect(errorsOf(form({ amountMode: 'percent', percent: '120', price: '64000' })).amount).toMatch(/cannot exceed 100/)
  })

  it('builds stop, take-profit and trailing orders with the right fields only', () => {
    const stop = buildOrder(form({ type: 'stop_market', side: 'sell', stopPrice: '60000', amount: '0.1', price: '99' }), ctx)
    expect(stop.ok && stop.order).toEqual({ symbol: 'BTC/USDT', side: 'sell', type: 'stop_market', amount: 0.1, stopPrice: 60000 })
    const tp = buildOrder(form({ type: 'take_profit', side: 'sell', stopPrice: '70000', amount: '0.1' }), ctx)
    expect(tp.ok && tp.order).toEqual({ symbol: 'BTC/USDT', side: 'sell', type: 'take_profit', amount: 0.1, stopPrice: 70000 })
    const trailPct = buildOrder(form({ type: 'trailing_stop', side: 'sell', trailingMode: 'percent', trailing: '1.5', amount: '0.1' }), ctx)
    expect(trailPct.ok && trailPct.order).toMatchObject({ trailingPercent: 1.5 })
    const trailAmt = buildOrder(form({ type: 'trailing_stop', side: 'sell', trailingMode: 'amount', trailing: '250', amount: '0.1' }), ctx)
    expect(trailAmt.ok && trailAmt.order).toMatchObject({ trailingAmount: 250 })
    expect(errorsOf(form({ type: 'trailing_stop', side: 'sell', trailingMode: 'percent', trailing: '100', amount: '0.1' })).trailing).toMatch(/below 100/)
  })

  it('builds a bracket and checks the legs’ order around the entry', () => {
    const ok = buildOrder(form({ type: 'bracket', price: '64000', stopLoss: '63000', takeProfit: '66000', amount: '0.01' }), ctx)
    expect(ok.ok && ok.order).toMatchObject({ type: 'bracket', price: 64000, timeInForce: 'GTC', bracket: { stopLoss: 63000, takeProfit: 66000 } })
    const wrong = errorsOf(form({ type: 'bracket', price: '64000', stopLoss: '66000', takeProfit: '63000', amount: '0.01' }))
    expect(wrong.form).toMatch(/stopLoss below takeProfit/)
  })

  it('lets the shared schema veto post-only outside limit orders', () => {
    const e = errorsOf(form({ type: 'stop_limit', stopPrice: '65000', price: '65100', amount: '0.01', timeInForce: 'PO' }))
    expect(e.form).toMatch(/post-only/)
  })

  it('tick helpers forgive float residue', () => {
    expect(onTick(0.3, 0.1)).toBe(true)
    expect(onTick(64000.12, 0.01)).toBe(true)
    expect(onTick(0.00015, 0.0001)).toBe(false)
    expect(floorToTick(0.0780469, 0.00001)).toBe(0.07804)
    expect(floorToTick(0.3, 0.1)).toBe(0.3)
  })
})
