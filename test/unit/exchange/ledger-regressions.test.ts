import { describe, expect, it } from 'vitest'
import type { MarketInfo } from '../../../src/shared/market-data'
import { BTC, Harness } from './fixtures'

/**
 * Counterexamples the ledger property tests found, replayed by hand with the numbers worked out
 * here. Each failed before its fix.
 */

/** ledger-limits.test.ts's market: 1e-8 ticks and steps, no limits. */
const WIDE: MarketInfo = { ...BTC, precision: { amount: 1e-8, price: 1e-8 }, limits: { amount: {}, price: {}, cost: {} } }

describe('a buy the funds check forgives as rounding residue never leaves free below 0', () => {
  function zeroFeeAccount(usdt: number): Harness {
    const h = new Harness({}, [WIDE])
    h.reset({ fees: { maker: 0, taker: 0 }, balances: { USDT: usdt, BTC: 0 } })
    h.book([[1, 1]], [[1.001, 1]])
    return h
  }
  const limitBuy = (h: Harness, amount: number, price: number) =>
    h.send({ kind: 'placeOrder', at: ++h.at, params: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount, price } })

  it('0.00001 BTC at 0.0001 on 0 USDT (seed 1436283431): locks 1e-9, free stays 0, later orders see 0 free', () => {
    const h = zeroFeeAccount(0)
    // Need 0.00001 × 0.0001 × (1 + 0) = 1e-9 USDT: exactly the 1e-9 absolute residue approxEqual
    // forgives near 0, so the order rests. Free must settle at 0, not −1e-9 (the ledger guard
    // used to refuse this with a rollback).
    const first = limitBuy(h, 0.00001, 0.0001)
    expect(first.rollback).toBeUndefined()
    expect(first.reply.ok).toBe(true)
    expect(h.balance('USDT')).toEqual({ free: 0, locked: 1e-9 })

    // The rest of the counterexample: 1 BTC at 1 needs 1 USDT; a market buy of 1 at the 1.001 ask needs 1.001.
    const second = limitBuy(h, 1, 1)
    expect(second.reply).toMatchObject({ ok: false, error: { message: 'insufficient balance: need 1 USDT, have 0 USDT free' } })
    h.book([[1, 1]], [[1.001, 1]])
    const market = h.send({ kind: 'placeOrder', at: ++h.at, params: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1 } })
    expect(market.reply).toMatchObject({ ok: false, error: { message: 'insufficient balance: need 1.001 USDT, have 0 USDT free' } })
    expect(h.balance('USDT')).toEqual({ free: 0, locked: 1e-9 })
  })

  it('a shortfall past the residue is still refused: 2e-9 USDT on 0 free', () => {
    const h = zeroFeeAccount(0)
    // 0.00002 × 0.0001 = 2e-9, short by 2e-9 > 1e-9.
    expect(limitBuy(h, 0.00002, 0.0001).reply).toMatchObject({ ok: false, error: { message: 'insufficient balance: need 2e-9 USDT, have 0 USDT free' } })
    expect(h.balance('USDT')).toEqual({ free: 0, locked: 0 })
  })
})

describe('cancel-all and reset never trade a partly filled bracket', () => {
  const ETH = { ...BTC, symbol: 'ETH/USDT', base: 'ETH', limits: { ...BTC.limits, cost: {} } }

  /** ledger.property.test.ts's opening (seed -1506178477): a sell bracket entry half filled, its
   * take-profit buy at 99.9 already marketable against asks at 90.37 / 90.74 / 91.11. */
  function halfFilledBracket(): Harness {
    const h = new Harness({ queueModel: 'optimistic' }, [BTC, ETH])
    h.reset({ account: 'alt', balances: { USDT: 5000, BTC: 2, ETH: 2 } })
    h.send({
      kind: 'placeOrder',
      at: ++h.at,
      params: { account: 'alt', symbol: 'ETH/USDT', side: 'sell', type: 'bracket', amount: 0.0002, price: 99.91, bracket: { stopLoss: 99.92, takeProfit: 99.9 } }
    })
    h.book([[89.63, 0.0001], [89.26, 0.0002], [88.89, 0.0003]], [[90.37, 0.0001], [90.74, 0.0002], [91.11, 0.0003]], 'ETH/USDT')
    h.trade(99.91, 0.0001, 'sell', 'ETH/USDT')
    // Maker fill of 0.0001 at 99.91: 0.009991 proceeds − 0.1 % (0.000009991) = 0.009981009 USDT.
    expect(h.balance('USDT', 'alt')).toEqual({ free: 5000.009981009, locked: 0 })
    expect(h.balance('ETH', 'alt')).toEqual({ free: 1.9998, locked: 0.0001 })
    expect(h.order('o1')).toMatchObject({ status: 'partially_filled', filled: 0.0001 })
    return h
  }
  const fillsOf = (effects: { kind: string }[]) => effects.filter((e) => e.kind === 'fillCreated')

  it('reset: no fill, the entry and both unarmed legs cancelled, the fresh balances exact', () => {
    const h = halfFilledBracket()
    const result = h.send({ kind: 'resetAccount', at: ++h.at, params: { account: 'alt', balances: { USDT: 5000, BTC: 2, ETH: 2 } } })
    // Before the fix the take-profit leg was armed by the entry's cancel and bought 0.0001 at 90.37
    // inside the reset, a fill booked against the fresh account.
    expect(fillsOf(result.effects)).toEqual([])
    expect(h.order('o1')).toMatchObject({ status: 'cancelled', reason: 'account reset' })
    expect(h.order('o2')).toMatchObject({ role: 'stop_loss', status: 'cancelled', amount: 0.0002, filled: 0 })
    expect(h.order('o3')).toMatchObject({ role: 'take_profit', status: 'cancelled', amount: 0.0002, filled: 0 })
    expect(h.balance('USDT', 'alt')).toEqual({ free: 5000, locked: 0 })
    expect(h.balance('ETH', 'alt')).toEqual({ free: 2, locked: 0 })
    expect(h.state.accounts.get('alt')?.feesPaid).toBe(0)
  })

  it('cancel-all: no fill, all three orders answered as cancelled, the unsold 0.0001 ETH unlocked', () => {
    const h = halfFilledBracket()
    const result = h.send({ kind: 'cancelAll', at: ++h.at, params: { account: 'alt' } })
    expect(fillsOf(result.effects)).toEqual([])
    expect(result.reply.ok && (result.reply.value as { cancelled: { id: string }[] }).cancelled.map((o) => o.id).sort()).toEqual(['o1', 'o2', 'o3'])
    // 2 − 0.0001 sold = 1.9999 ETH, none locked; USDT as after the maker fill.
    expect(h.balance('ETH', 'alt')).toEqual({ free: 1.9999, locked: 0 })
    expect(h.balance('USDT', 'alt')).toEqual({ free: 5000.009981009, locked: 0 })
  })

  it('cancelling the entry alone still arms its legs for the filled 0.0001', () => {
    const h = halfFilledBracket()
    h.send({ kind: 'cancelOrder', at: ++h.at, params: { account: 'alt', orderId: 'o1' } })
    // The take-profit buy at 99.9 is marketable: it takes 0.0001 at the 90.37 ask at once.
    expect(h.order('o3')).toMatchObject({ status: 'filled', amount: 0.0001, filled: 0.0001, avgFillPrice: 90.37 })
    expect(h.order('o2')).toMatchObject({ status: 'cancelled', amount: 0.0001 })
  })
})
