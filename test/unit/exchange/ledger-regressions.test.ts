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
