import { describe, expect, it } from 'vitest'
import { accountSummary } from '../../../src/core/exchange'
import { Harness } from './fixtures'

// The header's "PnL since reset, net of fees" is equity − startingEquity: it must equal
// realized + unrealized − fees, worked out by hand here.
describe('starting equity and the reset time in the account summary', () => {
  it('makes equity − starting equity the net PnL, fees included', () => {
    const h = new Harness()
    h.place({ side: 'buy', type: 'limit', amount: 1, price: 100 })
    h.trade(99, 1) // fills at 100, fee 0.1 USDT
    h.trade(120, 0.1) // marks BTC at 120
    const s = accountSummary(h.state, 'default')
    expect(s.startingEquity).toBe(10_000)
    // 10,000 − 100 − 0.1 cash + 120 BTC = 10,019.9; net PnL 20 unrealized − 0.1 fee.
    expect(s.equity - (s.startingEquity ?? NaN)).toBeCloseTo(19.9, 9)
    expect(s.realizedPnl + s.unrealizedPnl - s.feesPaid).toBeCloseTo(19.9, 9)
  })

  it('records when a reset happened and what it deposited, valued at the mark', () => {
    const h = new Harness()
    h.place({ side: 'buy', type: 'limit', amount: 0.1, price: 100 })
    h.trade(120, 0.1)
    h.reset({ account: 'default', balances: { USDT: 5_000, BTC: 1 } })
    const at = h.at
    const s = accountSummary(h.state, 'default')
    expect(s.resetAt).toBe(at)
    expect(s.startingBalances).toEqual({ USDT: 5_000, BTC: 1 })
    expect(s.startingEquity).toBeCloseTo(5_120, 9) // 1 BTC at the last trade, 120
    expect(s.equity - (s.startingEquity ?? NaN)).toBeCloseTo(0, 9)
  })
})
