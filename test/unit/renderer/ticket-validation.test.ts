import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { MarketInfo } from '../../../src/shared/market-data'
import { floorToStep, isOnStep } from '../../../src/shared/market-rules'
import { buildOrder, EMPTY_FORM, type TicketContext, type TicketForm } from '../../../src/renderer/src/ticket/validation'
import { BTC, Harness } from '../exchange/fixtures'

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

  it('puts prices and amounts on the grid before sending and says what changed', () => {
    const buy = buildOrder(form({ price: '64000.123', amount: '0.010009' }), ctx)
    // A buy's limit goes down to the tick (never a worse price), the amount down to the step.
    expect(buy).toMatchObject({
      ok: true,
      order: { price: 64000.12, amount: 0.01 },
      adjusted: { price: { typed: 64000.123, sent: 64000.12 }, amount: { typed: 0.010009, sent: 0.01 } }
    })
    const sell = buildOrder(form({ side: 'sell', price: '64000.123', amount: '0.01' }), ctx)
    expect(sell).toMatchObject({ ok: true, order: { price: 64000.13, amount: 0.01 }, adjusted: { price: { sent: 64000.13 } } })
    expect(sell.ok && sell.adjusted.amount).toBeUndefined()
    // On-grid input is sent as typed.
    expect(buildOrder(form({ price: '64000.5', amount: '0.01' }), ctx)).toMatchObject({ ok: true, adjusted: {} })
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

  it('tick helpers (the shared market rules) forgive float residue', () => {
    expect(isOnStep(0.3, 0.1)).toBe(true)
    expect(isOnStep(64000.12, 0.01)).toBe(true)
    expect(isOnStep(0.00015, 0.0001)).toBe(false)
    expect(floorToStep(0.0780469, 0.00001)).toBe(0.07804)
    expect(floorToStep(0.3, 0.1)).toBe(0.3)
  })

  it('sizes a market buy by % of balance in quote, so 100 % is exactly the balance', () => {
    const r = buildOrder(form({ type: 'market', amountMode: 'percent', percent: '100' }), { ...ctx, freeQuote: 8070.95 })
    expect(r).toMatchObject({ ok: true, order: { type: 'market', side: 'buy', cost: 8070.95 } })
    if (r.ok) expect(r.order).not.toHaveProperty('amount')
    // The estimate shown: 8070.95 / (64000 × 1.001) = 0.12598… → 0.12598 BTC.
    expect(r.ok && r.amount).toBe(0.12598)
  })

  it('a 100 % market buy from the ticket fills at the exchange, where the same size in base is refused', () => {
    // The engine of the fixtures (BTC/USDT, taker 0.2 %); the book is worse than the reference price.
    const engine = new Harness()
    engine.reset({ balances: { USDT: 8070.95 } })
    engine.book([[99.9, 40]], [[100, 40], [100.5, 60]])
    const ticket: TicketContext = { market: BTC, freeBase: 0, freeQuote: 8070.95, refPrice: 99.95 }
    const byBase = buildOrder(form({ type: 'limit', amountMode: 'percent', percent: '100', price: '99.95' }), ticket)
    // A market buy sized in base at the reference price: the walk pays more than that price.
    const amount = byBase.ok ? byBase.amount : Number.NaN
    expect(engine.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount })).toMatch(/^insufficient balance/)
    const r = buildOrder(form({ type: 'market', amountMode: 'percent', percent: '100' }), ticket)
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const order = engine.place(r.order)
    expect(order.status).toBe('filled')
    expect(engine.balance('USDT').free).toBeGreaterThanOrEqual(0)
    expect(engine.balance('USDT').free).toBeLessThan(0.11) // at most one lot step's price (0.0001 × 100.5 × 1.002) left
  })
})

describe('the ticket and the exchange apply the same rules', () => {
  const STEPS = [0.5, 2.5, 5, 10, 1, 0.25, 0.01, 0.0001, 1e-8]
  it('what the ticket sends after rounding, the engine never refuses as off the grid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STEPS),
        fc.constantFrom(...STEPS),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.constantFrom('buy' as const, 'sell' as const),
        (tick, step, typedPrice, typedAmount, side) => {
          const m: MarketInfo = { ...BTC, precision: { amount: step, price: tick }, limits: { amount: {}, price: {}, cost: {} } }
          const r = buildOrder(form({ side, type: 'limit', price: String(typedPrice), amount: String(typedAmount) }), {
            market: m,
            freeBase: 1e9,
            freeQuote: 1e15,
            refPrice: typedPrice
          })
          if (!r.ok) return // rounded to zero: the ticket says so itself
          const engine = new Harness({}, [m])
          engine.reset({ balances: { USDT: 1e15, BTC: 1e9 } })
          const reply = engine.send({ kind: 'placeOrder', at: 5, params: r.order }).reply
          expect(reply.ok ? '' : reply.error.message).not.toMatch(/not a multiple/)
        }
      ),
      { numRuns: 500 }
    )
  })
})
