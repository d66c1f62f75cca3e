import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { AccountSummary, Balance, Fill, Order, Position } from '../../../src/shared/trading'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'
import { allOrders, cents, health, mids, ok, waitAllRunning, waitTradable, type ApiError } from './helpers'

// The paper-trading API as a trader meets it: a real `keel serve` on the demo market, over HTTP
// and the WebSocket. Each test trades in its own account so they do not see each other.

const BTC = 'BTC/USDT'
let serve: ServeProcess
let dir: ReturnType<typeof tempDir>
let mid: Record<string, number>

beforeAll(async () => {
  dir = tempDir('keel-api-')
  serve = await startServe(dir.path)
  await waitAllRunning(serve)
  await waitTradable(serve, [BTC, 'ETH/USDT'])
  mid = await mids(serve, [BTC, 'ETH/USDT'])
}, 60_000)

afterAll(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  dir?.remove()
})

async function account(name: string, balances: Record<string, number> = { USDT: 100_000, BTC: 1 }): Promise<string> {
  await ok(serve, 'resetAccount', { account: name, balances })
  return name
}

const place = async (params: Record<string, unknown>): Promise<Order> => Order.parse(await ok(serve, 'placeOrder', { symbol: BTC, ...params }))
const orderById = async (acct: string, id: string): Promise<Order | undefined> => (await allOrders(serve, acct)).find((o) => o.id === id)
const refused = async (params: Record<string, unknown>) => {
  const { status, body } = await serve.call('placeOrder', { symbol: BTC, ...params })
  return { status, message: (body as ApiError).error?.message ?? '' }
}
const below = (f: number) => cents(mid[BTC]! * (1 - f))
const above = (f: number) => cents(mid[BTC]! * (1 + f))

describe('placing, amending and cancelling every order type', () => {
  it('market: walks the book and fills now, with fees and slippage on the fill', async () => {
    const acct = await account('market')
    const order = await place({ account: acct, side: 'buy', type: 'market', amount: 0.002 })
    expect(order).toMatchObject({ status: 'filled', filled: 0.002, remaining: 0 })
    expect(order.avgFillPrice! / mid[BTC]!).toBeCloseTo(1, 1)
    const fills = (await ok<{ fills: Fill[] }>(serve, 'listFills', { account: acct, orderId: order.id })).fills
    expect(fills.length).toBeGreaterThan(0)
    expect(fills.reduce((a, f) => a + f.amount, 0)).toBeCloseTo(0.002, 10)
    for (const f of fills) expect(f).toMatchObject({ liquidity: 'taker', feeAsset: 'USDT', fee: expect.any(Number), slippage: expect.any(Number) })
    expect(order.fees).toBeCloseTo(fills.reduce((a, f) => a + f.fee, 0), 10)
  })

  it('market by cost: 100 % of the quote balance is accepted and fills, fees included', async () => {
    const acct = await account('by-cost', { USDT: 1_000 })
    const order = await place({ account: acct, side: 'buy', type: 'market', cost: 1_000 })
    expect(order).toMatchObject({ status: 'filled', quoteOrderQty: 1_000 })
    expect(order.cost + order.fees).toBeLessThanOrEqual(1_000)
    const usdt = Balance.array().parse(await ok(serve, 'balances', { account: acct })).find((b) => b.asset === 'USDT')!
    expect(usdt.free).toBeGreaterThanOrEqual(0)
    // Less than one amount step (0.00001 BTC of the demo market) at the mid is left over.
    expect(usdt.free).toBeLessThan(0.00001 * mid[BTC]! * 1.01 + 1e-9)
    expect(usdt.free).toBeCloseTo(1_000 - order.cost - order.fees, 6)
  })

  it('limit GTC: rests, is amended in price and amount, then cancelled (twice, same answer)', async () => {
    const acct = await account('gtc')
    const order = await place({ account: acct, side: 'buy', type: 'limit', timeInForce: 'GTC', amount: 0.001, price: below(0.3) })
    expect(order).toMatchObject({ status: 'open', timeInForce: 'GTC' })
    const repriced = Order.parse(await ok(serve, 'amendOrder', { account: acct, orderId: order.id, price: below(0.35) }))
    expect(repriced).toMatchObject({ id: order.id, price: below(0.35), status: 'open' })
    const resized = Order.parse(await ok(serve, 'amendOrder', { account: acct, clientOrderId: order.clientOrderId, amount: 0.002 }))
    expect(resized).toMatchObject({ amount: 0.002, remaining: 0.002 })
    const locked = (await ok<Balance[]>(serve, 'balances', { account: acct })).find((b) => b.asset === 'USDT')!.locked
    expect(locked).toBeCloseTo(0.002 * below(0.35) * 1.001, 6)
    const cancelled = Order.parse(await ok(serve, 'cancelOrder', { account: acct, orderId: order.id }))
    expect(cancelled.status).toBe('cancelled')
    expect(await ok(serve, 'cancelOrder', { account: acct, orderId: order.id })).toEqual(cancelled)
    expect((await ok<Balance[]>(serve, 'balances', { account: acct })).find((b) => b.asset === 'USDT')!.locked).toBe(0)
  })

  it('limit IOC and FOK far from the market expire untouched; a marketable IOC fills', async () => {
    const acct = await account('ioc-fok')
    expect(await place({ account: acct, side: 'buy', type: 'limit', timeInForce: 'IOC', amount: 0.001, price: below(0.3) })).toMatchObject({ status: 'expired', filled: 0 })
    expect(await place({ account: acct, side: 'buy', type: 'limit', timeInForce: 'FOK', amount: 0.001, price: below(0.3) })).toMatchObject({ status: 'expired', filled: 0 })
    expect(await place({ account: acct, side: 'buy', type: 'limit', timeInForce: 'IOC', amount: 0.001, price: above(0.05) })).toMatchObject({ status: 'filled', filled: 0.001 })
  })

  it('post-only: rests below the ask, is rejected with the reason if it would take', async () => {
    const acct = await account('po')
    expect(await place({ account: acct, side: 'buy', type: 'limit', timeInForce: 'PO', amount: 0.001, price: below(0.3) })).toMatchObject({ status: 'open' })
    const taker = await place({ account: acct, side: 'buy', type: 'limit', timeInForce: 'PO', amount: 0.001, price: above(0.05) })
    expect(taker).toMatchObject({ status: 'rejected', reason: expect.stringContaining('post-only') })
  })

  it('stop_market, stop_limit, take_profit and trailing_stop wait pending; a trigger can be amended; all cancel', async () => {
    const acct = await account('stops')
    const stop = await place({ account: acct, side: 'sell', type: 'stop_market', amount: 0.001, stopPrice: below(0.3) })
    const stopLimit = await place({ account: acct, side: 'sell', type: 'stop_limit', amount: 0.001, stopPrice: below(0.3), price: below(0.31) })
    const takeProfit = await place({ account: acct, side: 'sell', type: 'take_profit', amount: 0.001, stopPrice: above(0.3) })
    const trailing = await place({ account: acct, side: 'sell', type: 'trailing_stop', amount: 0.001, trailingPercent: 5 })
    for (const o of [stop, stopLimit, takeProfit, trailing]) expect(o.status).toBe('pending')
    expect(trailing.stopPrice! / mid[BTC]!).toBeCloseTo(0.95, 1)
    const moved = Order.parse(await ok(serve, 'amendOrder', { account: acct, orderId: stop.id, stopPrice: below(0.4) }))
    expect(moved).toMatchObject({ status: 'pending', stopPrice: below(0.4) })
    for (const o of [stop, stopLimit, takeProfit, trailing]) {
      expect(await ok(serve, 'cancelOrder', { account: acct, orderId: o.id })).toMatchObject({ status: 'cancelled' })
    }
  })

  it('a buy stop below the market triggers on the next trade and fills', async () => {
    const acct = await account('trigger')
    const stop = await place({ account: acct, side: 'buy', type: 'stop_market', amount: 0.001, stopPrice: below(0.05) })
    expect(stop.status).toBe('pending')
    const done = await waitFor('the stop to trigger and fill', async () => {
      const o = await orderById(acct, stop.id)
      return o?.status === 'filled' && o
    }, 15_000, 100)
    expect(done.triggeredAt).toBeGreaterThan(0)
  })

  it('bracket with a resting entry: legs wait unarmed; cancelling the entry cancels them', async () => {
    const acct = await account('bracket-rest')
    const entry = await place({ account: acct, side: 'buy', type: 'bracket', amount: 0.001, price: below(0.3), bracket: { stopLoss: below(0.4), takeProfit: below(0.1) } })
    expect(entry.status).toBe('open')
    const legs = (await allOrders(serve, acct)).filter((o) => o.parentId === entry.id)
    expect(legs.map((l) => l.status)).toEqual(['pending', 'pending'])
    await ok(serve, 'cancelOrder', { account: acct, orderId: entry.id })
    const after = (await allOrders(serve, acct)).filter((o) => o.parentId === entry.id)
    expect(after.map((l) => l.status)).toEqual(['cancelled', 'cancelled'])
  })

  it('bracket with a market entry: legs armed to the filled amount; cancelling one cancels the other', async () => {
    const acct = await account('bracket-oco', { USDT: 100_000 })
    const entry = await place({ account: acct, side: 'buy', type: 'bracket', amount: 0.001, bracket: { stopLoss: below(0.3), takeProfit: above(0.3) } })
    expect(entry.status).toBe('filled')
    const legs = (await allOrders(serve, acct)).filter((o) => o.parentId === entry.id)
    const stopLoss = legs.find((l) => l.type === 'stop_market')!
    const takeProfit = legs.find((l) => l.type === 'limit')!
    expect(stopLoss).toMatchObject({ status: 'pending', amount: 0.001, stopPrice: below(0.3), side: 'sell' })
    expect(takeProfit).toMatchObject({ status: 'open', amount: 0.001, price: above(0.3), side: 'sell' })
    await ok(serve, 'cancelOrder', { account: acct, orderId: takeProfit.id })
    expect(await orderById(acct, stopLoss.id)).toMatchObject({ status: 'cancelled' })
  })

  it('cancelAll cancels every live order of the account (optionally one symbol)', async () => {
    const acct = await account('cancel-all', { USDT: 100_000, BTC: 1, ETH: 10 })
    await place({ account: acct, side: 'buy', type: 'limit', amount: 0.001, price: below(0.3) })
    await place({ account: acct, side: 'sell', type: 'stop_market', amount: 0.001, stopPrice: below(0.3) })
    const eth = await place({ account: acct, symbol: 'ETH/USDT', side: 'sell', type: 'limit', amount: 0.01, price: cents(mid['ETH/USDT']! * 1.3) })
    const some = await ok<{ cancelled: Order[] }>(serve, 'cancelAll', { account: acct, symbol: BTC })
    expect(some.cancelled).toHaveLength(2)
    expect(await orderById(acct, eth.id)).toMatchObject({ status: 'open' })
    const rest = await ok<{ cancelled: Order[] }>(serve, 'cancelAll', { account: acct })
    expect(rest.cancelled.map((o) => o.id)).toEqual([eth.id])
    expect((await ok<{ orders: Order[] }>(serve, 'listOrders', { account: acct, status: 'open' })).orders).toEqual([])
    expect((await ok<Balance[]>(serve, 'balances', { account: acct })).every((b) => b.locked === 0)).toBe(true)
  })
})

describe('reading the account', () => {
  it('listOrders pages newest first without gaps or repeats, and filters open/closed', async () => {
    const acct = await account('paging')
    const placed: Order[] = []
    for (let i = 0; i < 23; i++) placed.push(await place({ account: acct, side: 'buy', type: 'limit', amount: 0.001, price: below(0.3 + i / 1000) }))
    for (const o of placed.slice(0, 5)) await ok(serve, 'cancelOrder', { account: acct, orderId: o.id })
    const pages: Order[][] = []
    let cursor: string | undefined
    do {
      const page = await ok<{ orders: Order[]; nextCursor?: string }>(serve, 'listOrders', { account: acct, limit: 7, ...(cursor ? { cursor } : {}) })
      pages.push(page.orders)
      cursor = page.nextCursor
    } while (cursor)
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 2])
    expect(pages.flat().map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse())
    expect((await ok<{ orders: Order[] }>(serve, 'listOrders', { account: acct, status: 'open', limit: 100 })).orders).toHaveLength(18)
    expect((await ok<{ orders: Order[] }>(serve, 'listOrders', { account: acct, status: 'closed', limit: 100 })).orders).toHaveLength(5)
  })

  it('balances, positions and the summary add up: equity = cash + positions value', async () => {
    const acct = await account('ledger', { USDT: 100_000 })
    const buys = [await place({ account: acct, side: 'buy', type: 'market', amount: 0.01 }), await place({ account: acct, side: 'buy', type: 'market', amount: 0.005 })]
    const sell = await place({ account: acct, side: 'sell', type: 'market', amount: 0.004 })
    const resting = await place({ account: acct, side: 'buy', type: 'limit', amount: 0.001, price: below(0.3) })
    const fills = (await ok<{ fills: Fill[] }>(serve, 'listFills', { account: acct, limit: 1000 })).fills.map((f) => Fill.parse(f))
    const bought = fills.filter((f) => f.side === 'buy').reduce((a, f) => a + f.amount, 0)
    const sold = fills.filter((f) => f.side === 'sell').reduce((a, f) => a + f.amount, 0)
    const fees = fills.reduce((a, f) => a + f.fee, 0)
    const cashFlow = fills.reduce((a, f) => a + (f.side === 'buy' ? -f.cost : f.cost), 0)
    expect(bought).toBeCloseTo(0.015, 10)
    expect(sold).toBeCloseTo(sell.filled, 10)

    const balances = (await ok<unknown[]>(serve, 'balances', { account: acct })).map((b) => Balance.parse(b))
    const usdt = balances.find((b) => b.asset === 'USDT')!
    const btc = balances.find((b) => b.asset === 'BTC')!
    expect(usdt.total).toBeCloseTo(100_000 + cashFlow - fees, 6)
    expect(usdt.locked).toBeCloseTo(0.001 * resting.price! * 1.001, 6)
    expect(btc.total).toBeCloseTo(bought - sold, 10)

    const [position] = (await ok<unknown[]>(serve, 'positions', { account: acct })).map((p) => Position.parse(p))
    expect(position).toMatchObject({ symbol: BTC })
    expect(position!.amount).toBeCloseTo(btc.total, 10)
    const cost = buys.reduce((a, o) => a + o.cost, 0)
    expect(position!.avgEntry).toBeCloseTo(cost / bought, 4)

    const summary = AccountSummary.parse(await ok(serve, 'accountSummary', { account: acct }))
    expect(summary.cash).toBeCloseTo(usdt.total, 6)
    expect(summary.equity).toBeCloseTo(summary.cash + summary.positionsValue, 6)
    expect(summary.feesPaid).toBeCloseTo(fees, 8)
    expect(summary.positionsValue / (btc.total * mid[BTC]!)).toBeCloseTo(1, 1)
  })

  it('resetAccount cancels everything and starts over with the given balances', async () => {
    const acct = await account('reset')
    await place({ account: acct, side: 'buy', type: 'market', amount: 0.001 })
    const resting = await place({ account: acct, side: 'buy', type: 'limit', amount: 0.001, price: below(0.3) })
    const summary = AccountSummary.parse(await ok(serve, 'resetAccount', { account: acct, balances: { USDT: 500, ETH: 2 } }))
    expect(summary).toMatchObject({ cash: 500, feesPaid: 0, realizedPnl: 0 })
    expect(await ok(serve, 'balances', { account: acct })).toEqual([
      { asset: 'ETH', free: 2, locked: 0, total: 2 },
      { asset: 'USDT', free: 500, locked: 0, total: 500 }
    ])
    expect(await ok(serve, 'positions', { account: acct })).toEqual([])
    expect(await orderById(acct, resting.id)).not.toMatchObject({ status: 'open' })
  })
})

describe('bad input gets a 4xx with a clear reason', () => {
  it.each([
    ['an unknown symbol', { symbol: 'NOPE/USDT', side: 'buy', type: 'limit', amount: 1, price: 1 }, 422, 'unknown symbol NOPE/USDT'],
    ['NaN as a string', { side: 'buy', type: 'limit', amount: 'NaN', price: 30_000 }, 400, 'amount must be a finite number'],
    ['a negative amount', { side: 'buy', type: 'limit', amount: -1, price: 30_000 }, 400, 'amount must be positive'],
    ['a negative price', { side: 'buy', type: 'limit', amount: 0.001, price: -5 }, 400, 'price must be positive'],
    ['an amount below the minimum', { side: 'buy', type: 'limit', amount: 0.000001, price: 30_000 }, 422, 'below minimum 0.00001'],
    ['a cost below the minimum', { side: 'buy', type: 'limit', amount: 0.0001, price: 30_000 }, 422, 'cost 3 below minimum 5'],
    ['more than the balance', { side: 'buy', type: 'limit', amount: 100, price: 30_000 }, 422, 'insufficient balance'],
    ['a limit without a price', { side: 'buy', type: 'limit', amount: 0.001 }, 400, 'price is required for limit orders'],
    ['a wrong side', { side: 'long', type: 'market', amount: 0.001 }, 400, 'side']
  ])('%s', async (_name, params, status, reason) => {
    const acct = await account('bad-input', { USDT: 1_000 })
    const answer = await refused({ account: acct, ...params })
    expect(answer.status).toBe(status)
    expect(answer.message).toContain(reason)
    expect(await allOrders(serve, acct)).toEqual([]) // a refusal creates nothing
  })

  it('amend and cancel of an unknown order say so', async () => {
    const acct = await account('unknown-order')
    for (const method of ['cancelOrder', 'amendOrder']) {
      const { status, body } = await serve.call(method, { account: acct, orderId: 'o999999', price: 1 })
      expect(status).toBeGreaterThanOrEqual(400)
      expect(status).toBeLessThan(500)
      expect((body as ApiError).error.message).toContain('o999999')
    }
  })
})

describe('the ledger cannot be poisoned through the API (issue 8.4)', () => {
  it.each([
    ['a 500 % taker fee', { fees: { taker: 5 } }, 'fees.taker must be between 0 and 0.1'],
    ['a negative taker fee', { fees: { taker: -0.01 } }, 'fees.taker must be between 0 and 0.1'],
    ['a maker rebate past −0.1 %', { fees: { maker: -0.5 } }, 'fees.maker must be between -0.001 and 0.1'],
    ['a maker fee of 1e308', { fees: { maker: 1e308 } }, 'fees.maker must be between -0.001 and 0.1'],
    ['a balance of 1e308', { balances: { USDT: 1e308 } }, 'balance must be at most 1e+15'],
    ['a negative balance', { balances: { USDT: -5 } }, 'balance must not be negative']
  ])('refuses %s with a 400 and changes nothing', async (_name, params, reason) => {
    const acct = await account('poison', { USDT: 1_000 })
    const { status, body } = await serve.call('resetAccount', { account: acct, ...params })
    expect(status).toBe(400)
    expect((body as ApiError).error.message).toContain(reason)
    expect(await ok(serve, 'balances', { account: acct })).toEqual([{ asset: 'USDT', free: 1_000, locked: 0, total: 1_000 }])
    expect(AccountSummary.parse(await ok(serve, 'accountSummary', { account: acct })).cash).toBe(1_000)
  })

  it('trades at the extreme allowed fees without a negative or non-finite balance', async () => {
    const acct = 'fee-extremes'
    await ok(serve, 'resetAccount', { account: acct, balances: { USDT: 1e15, BTC: 1 }, fees: { maker: -0.001, taker: 0.1 } })
    const sell = await place({ account: acct, side: 'sell', type: 'market', amount: 1 })
    // A 10 % taker fee: the sale yields 90 % of its notional.
    expect(sell.fees).toBeCloseTo(sell.cost * 0.1, 6)
    const balances = Balance.array().parse(await ok(serve, 'balances', { account: acct }))
    expect(balances.find((b) => b.asset === 'BTC')).toMatchObject({ free: 0, locked: 0 })
    // The ledger keeps 15 significant digits: at 1e15 each fill's credit rounds to a whole USDT.
    const fills = (await ok<{ fills: Fill[] }>(serve, 'listFills', { account: acct, orderId: sell.id })).fills
    expect(Math.abs(balances.find((b) => b.asset === 'USDT')!.total - (1e15 + sell.cost * 0.9))).toBeLessThanOrEqual(fills.length * 1.5)
    for (const b of balances) expect(b.free >= 0 && b.locked >= 0 && Number.isFinite(b.total)).toBe(true)
    expect(AccountSummary.parse(await ok(serve, 'accountSummary', { account: acct })).equity).toBeGreaterThan(1e15)
  })
})

describe('events over the WebSocket', () => {
  it('orderUpdated, fillCreated and balanceChanged arrive for a filled order', async () => {
    const acct = await account('events', { USDT: 100_000 })
    const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/ws?token=${serve.token}`)
    const seen: { event: string; payload: { account?: string; order?: Order } }[] = []
    ws.on('message', (data) => seen.push(...[JSON.parse(String(data))].flat()))
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    try {
      const order = await place({ account: acct, side: 'buy', type: 'market', amount: 0.001 })
      const mine = () => seen.filter((f) => f.payload?.account === acct)
      await waitFor('the three trading events', () => ['orderUpdated', 'fillCreated', 'balanceChanged'].every((e) => mine().some((f) => f.event === e)))
      expect(mine().find((f) => f.event === 'orderUpdated')!.payload.order).toMatchObject({ id: order.id })
      expect(mine().filter((f) => f.event === 'fillCreated').map((f) => Fill.parse((f.payload as { fill: unknown }).fill).orderId)).toContain(order.id)
    } finally {
      ws.close()
    }
  })
})

describe('stale market data', () => {
  it('refuses orders while the market worker is failed and accepts them again after its restart', async () => {
    const own = tempDir('keel-stale-')
    const s = await startServe(own.path)
    try {
      await waitAllRunning(s)
      await waitTradable(s, [BTC])
      await ok(s, 'resetAccount', { balances: { USDT: 100_000 } })
      const order = { symbol: BTC, side: 'buy', type: 'limit', amount: 0.001, price: below(0.3) }
      // Crash-loop the market worker past its restart intensity (5 in 60 s): it is given up on.
      await waitFor('the market worker to be failed', async () => {
        const market = (await health(s)).workers.find((w) => w.name === 'market')!
        if (market.state === 'failed') return true
        // The pid in a health report may already be gone (it died on the previous kill).
        if (market.state === 'running' && market.pid) killIfAlive(market.pid)
        return false
      }, 40_000, 50)
      const refusal = await waitFor('a stale-data refusal', async () => {
        const { status, body } = await s.call('placeOrder', order)
        return status === 422 && (body as ApiError).error.message
      }, 15_000, 250)
      expect(refusal).toMatch(/stale/)
      expect(refusal).toContain(BTC)

      await ok(s, 'restartWorker', { name: 'market' })
      await waitFor('orders accepted again', async () => (await s.call('placeOrder', order)).status === 200, 20_000, 250)
    } finally {
      await stopProcess(s.child, 'SIGKILL')
      own.remove()
    }
  }, 90_000)
})

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}
