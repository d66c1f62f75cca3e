import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Effect } from '../../../src/core/exchange'
import { BTC, Harness } from './fixtures'

/**
 * Random sequences of orders (every type), cancels, amends, resets, books and trades. The
 * harness runs checkInvariants after every step; at the end the ledger is recomputed from the
 * fill effects alone, independently of the engine's bookkeeping.
 */

const ETH = { ...BTC, symbol: 'ETH/USDT', base: 'ETH', limits: { ...BTC.limits, cost: {} } }
const symbol = fc.constantFrom('BTC/USDT', 'ETH/USDT')
const account = fc.constantFrom('default', 'alt')
const price = fc.integer({ min: 9000, max: 11000 }).map((n) => n / 100)
const amount = fc.integer({ min: 1, max: 30_000 }).map((n) => n / 10_000)

const place = fc.record({
  op: fc.constant('place' as const),
  account,
  symbol,
  side: fc.constantFrom('buy', 'sell'),
  type: fc.constantFrom('market', 'limit', 'stop_market', 'stop_limit', 'take_profit', 'trailing_stop', 'bracket'),
  amount,
  price,
  offset: fc.integer({ min: 1, max: 800 }).map((n) => n / 100),
  tif: fc.constantFrom(undefined, 'GTC', 'IOC', 'FOK', 'PO'),
  withPrice: fc.boolean(),
  clientOrderId: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined })
})
const op = fc.oneof(
  { arbitrary: place, weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('trade' as const), symbol, price, amount }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('book' as const), symbol, mid: price, depth: amount }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('amend' as const), pick: fc.nat(), price, amount, which: fc.nat(2) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('cancelAll' as const), account }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('reset' as const), account }), weight: 1 }
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

function placeParams(p: Extract<Op, { op: 'place' }>): Record<string, unknown> {
  const up = p.side === 'buy' ? 1 : -1
  const base = { account: p.account, symbol: p.symbol, side: p.side, type: p.type, amount: p.amount, clientOrderId: p.clientOrderId }
  const limitTif = p.tif === undefined ? {} : { timeInForce: p.tif }
  switch (p.type) {
    case 'market':
      return base
    case 'limit':
      return { ...base, price: p.price, ...limitTif }
    case 'stop_market':
      return { ...base, stopPrice: p.price + up * p.offset }
    case 'stop_limit':
      return { ...base, stopPrice: p.price + up * p.offset, price: p.price + up * p.offset * 1.5 }
    case 'take_profit':
      return { ...base, stopPrice: p.price - up * p.offset, ...(p.withPrice ? { price: p.price - up * p.offset } : {}) }
    case 'trailing_stop':
      return { ...base, ...(p.withPrice ? { trailingAmount: p.offset } : { trailingPercent: p.offset }) }
    case 'bracket':
      return {
        ...base,
        ...(p.withPrice ? { price: p.price, ...(p.tif === 'PO' || p.tif === 'GTC' ? limitTif : {}) } : {}),
        bracket: { stopLoss: p.price - up * p.offset, takeProfit: p.price + up * p.offset }
      }
  }
}

function step(h: Harness, o: Op): void {
  const ids = [...h.state.orders.keys()]
  const at = ++h.at
  switch (o.op) {
    case 'place':
      h.send({ kind: 'placeOrder', at, params: placeParams(o) })
      return
    case 'trade':
      h.trade(o.price, o.amount, 'sell', o.symbol)
      return
    case 'book': {
      const levels = (dir: number): [number, number][] =>
        [1, 2, 3].map((i) => [Math.round((o.mid + dir * i * 0.37) * 100) / 100, o.depth * i])
      h.book(levels(-1), levels(1), o.symbol)
      return
    }
    case 'cancel':
      if (ids.length) h.send({ kind: 'cancelOrder', at, params: { orderId: ids[o.pick % ids.length], account: h.state.orders.get(ids[o.pick % ids.length])?.account } })
      return
    case 'amend': {
      if (!ids.length) return
      const target = h.state.orders.get(ids[o.pick % ids.length])
      const change = [{ price: o.price }, { amount: o.amount }, { stopPrice: o.price }][o.which]
      h.send({ kind: 'amendOrder', at, params: { orderId: target?.id, account: target?.account, ...change } })
      return
    }
    case 'cancelAll':
      h.send({ kind: 'cancelAll', at, params: { account: o.account } })
      return
    case 'reset':
      h.send({ kind: 'resetAccount', at, params: { account: o.account, balances: { USDT: 5000, BTC: 2, ETH: 2 } } })
  }
}

/** Balances, fees and positions rebuilt from fills alone (since each account's last reset). */
function replayLedger(effects: Effect[]) {
  type Book = { totals: Map<string, number>; fees: number; positions: Map<string, { amount: number; avg: number; realized: number }> }
  const books = new Map<string, Book>()
  const fresh = (): Book => ({ totals: new Map(), fees: 0, positions: new Map() })
  const add = (b: Book, asset: string, delta: number) => b.totals.set(asset, (b.totals.get(asset) ?? 0) + delta)
  for (const e of effects) {
    if (e.kind === 'accountReset') books.set(e.account, fresh())
    if (e.kind === 'accountChanged' && !books.has(e.account.id)) books.set(e.account.id, fresh())
    if (e.kind !== 'fillCreated') continue
    const f = e.fill
    const b = books.get(f.account) ?? fresh()
    books.set(f.account, b)
    const [base, quote] = f.symbol.split('/')
    const cost = f.price * f.amount
    const p = b.positions.get(f.symbol) ?? { amount: 0, avg: 0, realized: 0 }
    if (f.side === 'buy') {
      add(b, base, f.amount)
      add(b, quote, -cost - f.fee)
      p.avg = (p.amount * p.avg + cost) / (p.amount + f.amount)
      p.amount += f.amount
    } else {
      add(b, base, -f.amount)
      add(b, quote, cost - f.fee)
      const matched = Math.min(f.amount, p.amount)
      p.realized += matched * (f.price - p.avg)
      p.amount -= matched
    }
    b.positions.set(f.symbol, p)
    b.fees += f.fee
  }
  return books
}

describe('ledger invariants over random order flow', () => {
  it('hold at every step and match a replay of the fills', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80 }), fc.constantFrom('conservative', 'optimistic'), (ops, queueModel) => {
        const h = new Harness({ queueModel: queueModel as 'conservative' | 'optimistic' }, [BTC, ETH])
        for (const id of ['default', 'alt']) h.reset({ account: id, balances: { USDT: 5000, BTC: 2, ETH: 2 } })
        for (const sym of ['BTC/USDT', 'ETH/USDT']) h.book([[99.9, 1], [99, 3]], [[100.1, 1], [101, 3]], sym)
        for (const o of ops) step(h, o) // throws on a broken invariant
        const replay = replayLedger(h.effects)
        for (const [id, acct] of h.state.accounts) {
          const r = replay.get(id)
          expect(r, `account ${id} in replay`).toBeDefined()
          if (!r) continue
          expect(acct.feesPaid).toBeCloseTo(r.fees, 8)
          for (const [asset, b] of Object.entries(acct.balances)) {
            expect(b.free + b.locked, `${id} ${asset}`).toBeCloseTo((acct.deposits[asset] ?? 0) + (r.totals.get(asset) ?? 0), 7)
          }
          for (const [sym, p] of Object.entries(acct.positions)) {
            const rp = r.positions.get(sym) ?? { amount: 0, avg: 0, realized: 0 }
            expect(p.amount, `${id} ${sym} amount`).toBeCloseTo(rp.amount, 8)
            expect(p.realizedPnl, `${id} ${sym} realized`).toBeCloseTo(rp.realized, 6)
          }
        }
        // Each (account, clientOrderId) names exactly one order.
        const seen = new Set<string>()
        for (const order of h.state.orders.values()) {
          const key = `${order.account}/${order.clientOrderId}`
          expect(seen.has(key), `duplicate ${key}`).toBe(false)
          seen.add(key)
        }
      }),
      { numRuns: 200 }
    )
  })
})
