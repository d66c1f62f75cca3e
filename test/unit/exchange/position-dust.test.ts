import { describe, expect, it } from 'vitest'
import type { MarketInfo } from '../../../src/shared/market-data'
import { isOnStep } from '../../../src/shared/market-rules'
import { BTC, Harness } from './fixtures'

/**
 * Partial fills must leave the position and the base balance on the market's amount step. In
 * exact arithmetic they always are (every fill is a whole number of steps); in doubles,
 * 5.04956956 − 5.04910956 is 0.000460000000000349, and rounding that result to 15 significant
 * digits of *itself* keeps the residue of the larger operands. An off-step position cannot be
 * sold whole: "sell everything" is refused as off-step, and the backtest reports a dust trip.
 */

const FINE: MarketInfo = { ...BTC, precision: { amount: 1e-8, price: 0.01 }, limits: { amount: {}, price: {}, cost: {} } }

function holding(amount: number): Harness {
  const h = new Harness({}, [FINE])
  h.reset({ fees: { maker: 0.001, taker: 0.001 }, balances: { USDT: 1_000_000 } })
  h.book([[99.99, 1_000]], [[100, 1_000]])
  h.place({ side: 'buy', type: 'market', amount })
  return h
}

describe('position and base balance stay on the amount step after partial fills', () => {
  it('a resting sell filled in part leaves 0.00046 BTC, not 0.000460000000000349', () => {
    const h = holding(5.04956956)
    const sell = h.place({ side: 'sell', type: 'limit', amount: 5.04956956, price: 101 })
    h.trade(101.5, 5.04910956, 'buy') // trades through the limit: fills 5.04910956 of it
    expect(h.order(sell.id)).toMatchObject({ status: 'partially_filled', filled: 5.04910956, remaining: 0.00046 })
    const position = h.state.accounts.get('default')?.positions['BTC/USDT']
    expect(position?.amount).toBe(0.00046)
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 0.00046 })
    h.cancel(sell.id)
    expect(h.balance('BTC')).toEqual({ free: 0.00046, locked: 0 })
    // The remainder sells whole, as the exchange would take it.
    const rest = h.place({ side: 'sell', type: 'market', amount: 0.00046 })
    expect(rest.status).toBe('filled')
    expect(h.state.accounts.get('default')?.positions['BTC/USDT']?.amount).toBe(0)
  })

  it('a market sell of part of a position leaves it on the step', () => {
    const h = holding(297.5396066)
    h.place({ side: 'sell', type: 'market', amount: 297.5391566 })
    const left = h.state.accounts.get('default')?.positions['BTC/USDT']?.amount ?? NaN
    expect(left).toBe(0.00045)
    expect(isOnStep(h.balance('BTC').free, FINE.precision.amount)).toBe(true)
    expect(h.balance('BTC').free).toBe(0.00045)
  })

  it('locking part of a balance for a resting sell leaves the free rest on the step', () => {
    const h = holding(5.04956956)
    h.place({ side: 'sell', type: 'limit', amount: 5.04910956, price: 120 })
    expect(h.balance('BTC')).toEqual({ free: 0.00046, locked: 5.04910956 })
  })
})
