import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { apply, createState, type Command, type ExchangeState } from '../../../src/core/exchange'
import { summarize } from '../../../src/core/exchange/valuation'
import { approxAtMost } from '../../../src/core/exchange/reserve'
import type { MarketInfo } from '../../../src/shared/market-data'
import { LEDGER_LIMITS } from '../../../src/shared/trading'
import { BTC, Harness } from './fixtures'

/**
 * Issue 8.4: the ledger cannot be poisoned. Fees and balances are range-checked at the edge with
 * a reason; within the allowed ranges no sequence of orders reaches a negative, NaN or infinite
 * balance; and if the engine ever computed one, the input is refused and rolled back.
 */

describe('resetAccount refuses absurd fees and balances with a reason', () => {
  it.each([
    [{ fees: { taker: 5 } }, 'fees.taker must be between 0 and 0.1 (0 % to 10 %)'],
    [{ fees: { taker: -0.0001 } }, 'fees.taker must be between 0 and 0.1'],
    [{ fees: { maker: -0.002 } }, 'fees.maker must be between -0.001 and 0.1 (-0.1 % to 10 %)'],
    [{ fees: { maker: 1e308 } }, 'fees.maker must be between -0.001 and 0.1'],
    [{ fees: { maker: 'cheap' } }, 'fees.maker must be a finite number'],
    [{ fees: { rebate: 0.5 } }, 'Unrecognized key'],
    [{ balances: { USDT: 1e308 } }, 'balances.USDT: balance must be at most 1e+15'],
    [{ balances: { USDT: -1 } }, 'balances.USDT: balance must not be negative'],
    [{ balances: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`A${i}`, 1])) }, 'at most 100 assets']
  ])('%j', (params, reason) => {
    const h = new Harness()
    const before = h.balance('USDT')
    expect(h.refusal('resetAccount', params)).toContain(reason)
    expect(h.balance('USDT')).toEqual(before)
  })

  it('refuses order numbers past 1e15', () => {
    const h = new Harness()
    expect(h.refusal('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 1e16, price: 1 })).toBe(
      'placeOrder: amount: amount must be at most 1e+15'
    )
  })
})

describe('fees at the allowed extremes, by hand', () => {
  it('a 10 % taker fee takes a tenth of a sale, never more than it gives', () => {
    const h = new Harness()
    h.reset({ fees: { taker: 0.1 }, balances: { USDT: 0, BTC: 1 } })
    h.book([[100, 1]], [[101, 1]])
    h.place({ side: 'sell', type: 'market', amount: 1 })
    // 1 × 100 = 100 proceeds, 10 % fee = 10: 90 USDT.
    expect(h.balance('USDT')).toEqual({ free: 90, locked: 0 })
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 0 })
  })

  it('a −0.1 % maker rebate pays the maker, and the resting buy locks the taker rate', () => {
    const h = new Harness()
    h.reset({ fees: { maker: -0.001 }, balances: { USDT: 1000 } })
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 100 })
    // Locked at the higher of maker and the market's taker 0.2 %: 100 × 1.002.
    expect(h.balance('USDT')).toEqual({ free: 899.8, locked: 100.2 })
    h.trade(99, 1)
    // Filled at 100 as maker: 100 − 0.1 rebate = 99.9 spent.
    expect(h.balance('USDT')).toEqual({ free: 900.1, locked: 0 })
    expect(h.balance('BTC').free).toBe(1)
  })

  it('an exchange fee outside the bounds is held within them (market data is not range-checked at the feed)', () => {
    const h = new Harness({}, [{ ...BTC, taker: 5 }])
    h.reset({ balances: { USDT: 0, BTC: 1 } })
    h.book([[100, 1]], [[101, 1]])
    h.place({ side: 'sell', type: 'market', amount: 1 })
    expect(h.balance('USDT').free).toBe(90)
  })
})

describe('the ledger guard', () => {
  it('Infinity is not "approximately" within a balance', () => {
    expect(approxAtMost(Number.POSITIVE_INFINITY, 1e12)).toBe(false)
    expect(approxAtMost(Number.NaN, 1e12)).toBe(false)
    expect(approxAtMost(1e12, 1e12)).toBe(true)
  })

  it('refuses and marks for rollback an input whose answer overflows, even one that bypassed the edge', () => {
    const state = createState()
    apply(state, { kind: 'setMarkets', at: 1, markets: [BTC] })
    apply(state, { kind: 'book', book: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: 2, bids: [[100, 1]], asks: [[101, 1]] } })
    // Not constructible through parseCommand or the API (balances ≤ 1e15): an in-process caller's bug.
    const poisoned: Command = { kind: 'resetAccount', at: 3, params: { account: 'default', balances: { USDT: 1e308, BTC: 1e308 } } }
    const result = apply(state, poisoned)
    expect(result.rollback).toBe(true)
    expect(result.effects).toEqual([])
    expect(result.reply).toEqual({ ok: false, error: { code: 'rejected', message: 'resetAccount refused: its equity would be Infinity' } })
  })
})

/** A market with tiny ticks and no limits, so the extremes of the allowed ranges are reachable. */
const WIDE: MarketInfo = {
  ...BTC,
  precision: { amount: 1e-8, price: 1e-8 },
  limits: { amount: {}, price: {}, cost: {} }
}

const maker = fc.double({ min: LEDGER_LIMITS.makerFee.min, max: LEDGER_LIMITS.makerFee.max, noNaN: true })
const taker = fc.double({ min: LEDGER_LIMITS.takerFee.min, max: LEDGER_LIMITS.takerFee.max, noNaN: true })
const balance = fc.oneof(fc.constant(0), fc.constant(LEDGER_LIMITS.balance), fc.double({ min: 0, max: LEDGER_LIMITS.balance, noNaN: true }))
/** Spread over magnitudes: 1e-6 … 1e9 prices, 1e-6 … 1e15 amounts. */
const magnitude = (lo: number, hi: number) => fc.tuple(fc.integer({ min: lo, max: hi }), fc.double({ min: 1, max: 9.99, noNaN: true })).map(([e, m]) => Number((m * 10 ** e).toPrecision(8)))
const price = magnitude(-6, 9)
const amount = magnitude(-6, 15)
const side = fc.constantFrom('buy' as const, 'sell' as const)
const step = fc.oneof(
  fc.record({ op: fc.constant('market' as const), side, amount }),
  fc.record({ op: fc.constant('limit' as const), side, amount, price }),
  fc.record({ op: fc.constant('trade' as const), price, amount }),
  fc.record({ op: fc.constant('book' as const), price, amount })
)

/**
 * What must hold at any magnitude. (Across 21 decades, 1e15 beside 1e-6, doubles cannot keep
 * `locked = Σ reserved` to the 1e-9 relative tolerance checkInvariants uses; soundness they can.)
 */
function soundness(state: ExchangeState): string[] {
  const problems: string[] = []
  const sound = (x: number) => Number.isFinite(x) && x >= 0
  for (const acct of state.accounts.values()) {
    for (const [asset, b] of Object.entries(acct.balances)) {
      if (!sound(b.free) || !sound(b.locked)) problems.push(`${acct.id} ${asset}: free ${b.free}, locked ${b.locked}`)
    }
    for (const p of Object.values(acct.positions)) if (!sound(p.amount)) problems.push(`${acct.id} ${p.symbol}: position ${p.amount}`)
    const { equity } = summarize(state, acct)
    if (!Number.isFinite(equity)) problems.push(`${acct.id}: equity ${equity}`)
  }
  for (const o of state.orders.values()) {
    if (![o.filled, o.remaining, o.reserved, o.cost].every(sound) || !Number.isFinite(o.fees)) problems.push(`order ${o.id}: unsound numbers`)
  }
  return problems
}

describe('no balance goes negative, NaN or infinite within the allowed ranges', () => {
  it('the checker can fail: it sees a negative balance', () => {
    const state = createState()
    apply(state, { kind: 'resetAccount', at: 1, params: { account: 'default', balances: { USDT: 1 } } })
    state.accounts.get('default')!.balances.USDT.free = -1
    expect(soundness(state)).toEqual(['default USDT: free -1, locked 0'])
  })

  it('holds over random order flow with extreme fees, balances, prices and amounts', () => {
    let fills = 0
    fc.assert(
      fc.property(maker, taker, balance, balance, price, amount, fc.array(step, { minLength: 5, maxLength: 40 }), (mk, tk, usdt, btc, p0, a0, steps) => {
        const h = new Harness({}, [WIDE], soundness)
        h.reset({ fees: { maker: mk, taker: tk }, balances: { USDT: usdt, BTC: btc } })
        const book = (p: number, a: number) => h.book([[p, a]], [[Number((p * 1.001).toPrecision(10)), a]])
        book(p0, a0)
        for (const s of steps) {
          // Refusals (insufficient balance, no book) are expected; the harness checks soundness after each step.
          if (s.op === 'market' || s.op === 'limit') {
            h.send({ kind: 'placeOrder', at: ++h.at, params: { symbol: 'BTC/USDT', side: s.side, type: s.op, amount: s.amount, ...(s.op === 'limit' ? { price: s.price } : {}) } })
          } else if (s.op === 'trade') h.trade(s.price, s.amount, 'sell')
          else book(s.price, s.amount)
        }
        fills += h.fills().length
      }),
      { numRuns: 300 }
    )
    expect(fills, 'the flow trades, not only refusals').toBeGreaterThan(150)
  })
})
