import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeZodError } from '../../../src/shared/errors'
import { PlaceOrderParams } from '../../../src/shared/trading'
import { checkStrategyOrder, commonShape } from '../../../src/core/backtest/strategy-order'

/**
 * A backtest strategy's orders skip the zod schema when their shape is a common one. That check
 * must be exactly as strict as PlaceOrderParams and give exactly its result, field order
 * included (the engine fingerprints the params as JSON). Judged here against the schema itself
 * over random requests, valid and hostile alike.
 */

const number = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e15, 1e15 + 1, 1.5e15, Number.NaN, Number.POSITIVE_INFINITY, -0, Number.MIN_VALUE),
  fc.double(),
  fc.double({ min: 1e-9, max: 1e6, noNaN: true }),
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.constantFrom('1', null, true, [1], {})
)
const name = fc.oneof(
  fc.constantFrom('backtest', 'bt-1', 'BTC/USDT', '', 'a b', 'é', 'x'.repeat(64), 'x'.repeat(65), 'ok:-._', '\u007f', 'tab\t'),
  fc.string({ maxLength: 70 }),
  fc.constantFrom(1, null, ['a'])
)
const fields = {
  clientOrderId: name,
  account: name,
  symbol: name,
  side: fc.constantFrom('buy', 'sell', 'BUY', '', 1),
  type: fc.constantFrom('market', 'limit', 'stop_market', 'stop_limit', 'take_profit', 'trailing_stop', 'bracket', 'Market', 7),
  amount: number,
  cost: number,
  price: number,
  stopPrice: number,
  timeInForce: fc.constantFrom('GTC', 'IOC', 'FOK', 'PO', 'gtc', 3),
  trailingPercent: number,
  extra: fc.constantFrom(1, 'x')
}
type Field = keyof typeof fields

/** A request: each field absent, undefined or a value (valid ones likely, so both paths run). */
const request = fc
  .record(
    Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [key, fc.oneof({ arbitrary: fc.constant('absent' as const), weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: value, weight: 3 })])
    ) as Record<Field, fc.Arbitrary<unknown>>
  )
  .map((r) => {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(r)) if (value !== 'absent') out[key] = value
    return out
  })

/** Likely-valid market and limit requests, so the fast path is exercised often. */
const good = fc.double({ min: 1e-8, max: 1e6, noNaN: true })
const mostlyGood = fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: number, weight: 1 })
const common = fc
  .record({
    clientOrderId: fc.oneof(fc.constant(undefined), fc.constantFrom('bt-1', 'bt-1', 'bt-99999', 'x'.repeat(64), 'x'.repeat(65), 'a b')),
    account: fc.constantFrom('backtest', 'backtest', 'default', 'bad account', ''),
    symbol: fc.constantFrom('BTC/USDT', 'BTC/USDT', 'ETH/USDT', '', 'x'.repeat(65)),
    side: fc.constantFrom('buy', 'sell', 'hold'),
    type: fc.constantFrom('market', 'limit'),
    amount: fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: mostlyGood, weight: 3 }),
    cost: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: mostlyGood, weight: 1 }),
    price: fc.oneof(fc.constant(undefined), mostlyGood),
    timeInForce: fc.oneof(fc.constant(undefined), fc.constant(undefined), fc.constantFrom('GTC', 'IOC', 'FOK', 'PO', 'XX'))
  })
  .map((r) => {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(r)) if (value !== undefined) out[key] = value
    return out
  })

function schemaResult(raw: Record<string, unknown>) {
  const parsed = PlaceOrderParams.safeParse(raw)
  return parsed.success ? { ok: true as const, json: JSON.stringify(parsed.data) } : { ok: false as const, reason: describeZodError(parsed.error) }
}

function judge(raw: Record<string, unknown>, counts: { fast: number; total: number }): void {
  const expected = schemaResult(raw)
  const fast = commonShape(raw)
  counts.total++
  if (fast) {
    counts.fast++
    // Accepted here only what the schema accepts, as the very same object.
    expect(expected.ok, JSON.stringify(raw)).toBe(true)
    expect(JSON.stringify(fast)).toBe(expected.ok ? expected.json : '')
  }
  const checked = checkStrategyOrder(raw)
  if (expected.ok) {
    expect(checked.ok, JSON.stringify(raw)).toBe(true)
    if (checked.ok) expect(JSON.stringify(checked.params)).toBe(expected.json)
  } else {
    expect(checked).toEqual({ ok: false, reason: expected.reason })
  }
}

describe('strategy order check', () => {
  it('matches PlaceOrderParams on likely-valid market and limit orders', () => {
    const counts = { fast: 0, total: 0 }
    fc.assert(fc.property(common, (raw) => judge(raw, counts)), { numRuns: 5_000 })
    // The fast path carried a good share (else this test would prove nothing about it).
    expect(counts.fast).toBeGreaterThan(counts.total / 50)
  })

  it('matches PlaceOrderParams on arbitrary requests', () => {
    const counts = { fast: 0, total: 0 }
    fc.assert(fc.property(request, (raw) => judge(raw, counts)), { numRuns: 5_000 })
  })

  it('hands anything it does not judge to the schema', () => {
    const base = { account: 'backtest', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1 }
    expect(commonShape(base)).toEqual({ ...base })
    // Unknown field, undefined field, a class instance, another order type: not judged here.
    expect(commonShape({ ...base, note: 'x' })).toBeUndefined()
    expect(commonShape({ ...base, price: undefined })).toBeUndefined()
    expect(commonShape(Object.assign(Object.create({ inherited: 1 }) as object, base))).toBeUndefined()
    expect(commonShape({ ...base, type: 'stop_market', stopPrice: 1 })).toBeUndefined()
    // The refusals are the schema's own words.
    expect(checkStrategyOrder({ ...base, amount: Number.NaN })).toEqual({ ok: false, reason: schemaResult({ ...base, amount: Number.NaN }).reason })
    expect(checkStrategyOrder({ ...base, cost: 5 }).ok).toBe(false)
  })
})
