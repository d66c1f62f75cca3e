import { describe, expect, it } from 'vitest'
import { ProtectionGuard } from '../../../src/core/protections/guard'
import { Protections, refusedBy, type ProtectionsState } from '../../../src/shared/bots'
import { PlaceOrderParams } from '../../../src/shared/trading'
import { Harness } from '../exchange/fixtures'

// Each protection against an engine state built through the real engine; the numbers in the
// expected reasons are worked out by hand from the orders placed.

const ACCOUNT = 'bot:abc123'
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0)

function setup(limits: Partial<Protections>, killSwitch = false) {
  const h = new Harness()
  h.reset({ account: ACCOUNT, balances: { USDT: 10_000 } })
  h.book([[49_990, 10]], [[50_010, 10]]) // mid 50,000
  const settings: ProtectionsState = { killSwitch, accounts: { [ACCOUNT]: Protections.parse(limits) } }
  const guard = new ProtectionGuard(() => settings)
  const check = (order: Record<string, unknown>, now = NOW) => guard.check(h.state, PlaceOrderParams.parse({ account: ACCOUNT, symbol: 'BTC/USDT', type: 'market', ...order }), now)
  return { h, guard, check, settings }
}

describe('protections', () => {
  it('max open orders counts the live orders of the account', () => {
    const { h, check } = setup({ maxOpenOrders: 2 })
    expect(check({ side: 'buy', amount: 0.001, type: 'limit', price: 40_000 })).toBeUndefined()
    h.place({ account: ACCOUNT, side: 'buy', type: 'limit', amount: 0.001, price: 40_000 })
    h.place({ account: ACCOUNT, side: 'buy', type: 'limit', amount: 0.001, price: 40_001 })
    expect(check({ side: 'buy', amount: 0.001, type: 'limit', price: 40_002 })).toBe('protection maxOpenOrders: 2 open orders, the limit is 2')
  })

  it('order rate: at most N accepted orders in any 60 s', () => {
    const { check } = setup({ maxOrdersPerMinute: 3 })
    for (let i = 0; i < 3; i++) expect(check({ side: 'sell', amount: 0.001 }, NOW + i)).toBeUndefined()
    expect(check({ side: 'sell', amount: 0.001 }, NOW + 10_000)).toBe('protection maxOrdersPerMinute: 3 orders in the last minute, the limit is 3')
    // 60 s after the first, one slot is free again.
    expect(check({ side: 'sell', amount: 0.001 }, NOW + 60_000)).toBeUndefined()
  })

  it('max position notional: |held + amount| × price (mark, or the limit price)', () => {
    const { h, check } = setup({ maxPositionNotional: 1_000 })
    expect(check({ side: 'buy', amount: 0.03 })).toBe('protection maxPositionNotional: the position would be worth 1500 USDT, the limit is 1000') // 0.03 × 50,000
    expect(check({ side: 'buy', amount: 0.01 })).toBeUndefined() // 500
    h.place({ account: ACCOUNT, side: 'buy', type: 'market', amount: 0.015 })
    expect(check({ side: 'buy', amount: 0.01 })).toBe('protection maxPositionNotional: the position would be worth 1250 USDT, the limit is 1000') // 0.025 × 50,000
    expect(check({ side: 'buy', amount: 0.004, type: 'limit', price: 20_000 })).toBeUndefined() // 0.019 × 20,000 = 380
    expect(check({ side: 'sell', amount: 0.015 })).toBeUndefined() // reducing is always allowed
  })

  it('max drawdown and max daily loss refuse buys once equity has fallen that far', () => {
    const { h, check } = setup({ maxDrawdownPercent: 10, maxDailyLoss: 1_500 })
    h.place({ account: ACCOUNT, side: 'buy', type: 'market', amount: 0.1 }) // fills at 50,010, taker fee 0.2 %
    const acct = h.state.accounts.get(ACCOUNT)!
    acct.equityHistory = [{ t: NOW - 86_400_000, equity: 10_000 }] // yesterday's close: the day's opening equity and the peak
    h.book([[44_990, 10]], [[45_010, 10]]) // mid 45,000
    // cash 10,000 − 5,001 − 10.002 fee = 4,988.998; + 0.1 × 45,000 = 9,488.998 → loss 511.00, drawdown 5.11 %
    expect(check({ side: 'buy', amount: 0.001 })).toBeUndefined()
    h.book([[39_990, 10]], [[40_010, 10]]) // mid 40,000 → equity 8,988.998: loss 1,011.00, drawdown 10.11 %
    expect(check({ side: 'buy', amount: 0.001 })).toBe('protection maxDrawdownPercent: equity is 10.11% below its peak, the limit is 10%')
    expect(check({ side: 'sell', amount: 0.1 })).toBeUndefined()
    h.book([[34_990, 10]], [[35_010, 10]]) // mid 35,000 → equity 8,488.998: loss 1,511.00
    expect(check({ side: 'buy', amount: 0.001 })).toBe('protection maxDailyLoss: lost 1511 USDT today, the limit is 1500')
    expect(refusedBy('order refused: protection maxDailyLoss: lost 1511 USDT today, the limit is 1500')).toBe('maxDailyLoss')
  })

  it('no buys within the cool-down after a stop-loss filled', () => {
    const { h, check } = setup({ stopLossCooldownMs: 600_000 })
    h.place({ account: ACCOUNT, side: 'buy', type: 'market', amount: 0.01 })
    h.place({ account: ACCOUNT, side: 'sell', type: 'stop_market', amount: 0.01, stopPrice: 45_000 })
    expect(check({ side: 'buy', amount: 0.001 })).toBeUndefined()
    h.book([[44_000, 10]], [[44_020, 10]])
    h.trade(44_000, 1)
    const stop = [...h.state.orders.values()].find((o) => o.type === 'stop_market')!
    expect(stop.status).toBe('filled')
    const at = stop.updatedAt
    expect(check({ side: 'buy', amount: 0.001 }, at + 60_000)).toBe('protection stopLossCooldownMs: a stop-loss filled 60 s ago; no new buys for 600 s after one')
    expect(check({ side: 'buy', amount: 0.001 }, at + 600_001)).toBeUndefined()
  })

  it('the kill switch halts every bot account and no other', () => {
    const { h, settings, guard } = setup({}, true)
    expect(guard.check(h.state, PlaceOrderParams.parse({ account: ACCOUNT, symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: 0.001 }), NOW)).toBe('protection killSwitch: the kill switch is engaged: bot orders are halted')
    expect(guard.check(h.state, PlaceOrderParams.parse({ account: 'default', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 }), NOW)).toBeUndefined()
    settings.killSwitch = false
    expect(guard.check(h.state, PlaceOrderParams.parse({ account: ACCOUNT, symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: 0.001 }), NOW)).toBeUndefined()
  })
})
