import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkInvariants, parseCommand, type EngineInput, type ExchangeState } from '../../src/core/exchange'
import { SCHEMA_VERSION, TradingStore } from '../../src/core/storage/trading'
import { BTC as UNIT_BTC } from '../unit/exchange/fixtures'
import type { MarketInfo } from '../../src/shared/market-data'
import type { Order } from '../../src/shared/trading'

/** BTC/USDT of the unit tests, without a minimum notional so tiny orders are allowed. */
const BTC: MarketInfo = { ...UNIT_BTC, limits: { ...UNIT_BTC.limits, cost: {} } }

let dir: string
let at = 1_000
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-trading-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const place = (params: object): EngineInput => parseCommand('placeOrder', ++at, { symbol: 'BTC/USDT', ...params })
const cancel = (orderId: string): EngineInput => parseCommand('cancelOrder', ++at, { orderId })
const reset = (params: object): EngineInput => parseCommand('resetAccount', ++at, params)
const trade = (price: number, amount: number): EngineInput => ({
  kind: 'trade',
  trade: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: ++at, price, amount, side: 'sell' }
})
const book = (bid: number, ask: number): EngineInput => ({
  kind: 'book',
  book: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: ++at, bids: [[bid, 2]], asks: [[ask, 2]] }
})

function ok(store: TradingStore, input: EngineInput): Order {
  const { reply } = store.applyAndPersist(input)
  if (!reply.ok) throw new Error(reply.error.message)
  return reply.value as Order
}

/** Everything durable in the state, in a comparable form (market books are not durable). */
function durable(state: ExchangeState) {
  return {
    markets: [...state.markets.entries()].sort(),
    accounts: [...state.accounts.values()].sort((a, b) => a.id.localeCompare(b.id)),
    orders: [...state.orders.values()].sort((a, b) => a.seq - b.seq),
    live: [...state.live.entries()].map(([k, set]) => [k, [...set].map((o) => o.id).sort()]).sort(),
    byClientId: [...state.byClientId.entries()].sort(),
    nextOrderSeq: state.nextOrderSeq,
    nextFillSeq: state.nextFillSeq
  }
}

/** A session that leaves every kind of state behind: fills, partial fills, stops, trailing, brackets. */
function trade_session(store: TradingStore): void {
  store.applyAndPersist({ kind: 'setMarkets', at: ++at, markets: [BTC] })
  store.applyAndPersist(reset({ balances: { USDT: 10_000, BTC: 1 } }))
  store.applyAndPersist(book(99, 101))
  ok(store, place({ clientOrderId: 'm1', side: 'buy', type: 'market', amount: 0.5 }))
  ok(store, place({ clientOrderId: 'l1', side: 'buy', type: 'limit', amount: 1, price: 98 }))
  ok(store, place({ clientOrderId: 's1', side: 'sell', type: 'stop_market', amount: 0.2, stopPrice: 90 }))
  store.applyAndPersist(trade(100, 1))
  ok(store, place({ clientOrderId: 'b1', side: 'buy', type: 'bracket', amount: 0.4, price: 97, bracket: { stopLoss: 92, takeProfit: 110 } }))
  store.applyAndPersist(trade(97.5, 0.3)) // partial fill of l1
  store.applyAndPersist(trade(96.5, 1.1)) // l1 and the bracket entry fill → legs armed
  ok(store, place({ clientOrderId: 'p1', side: 'buy', type: 'limit', amount: 1, price: 96 }))
  store.applyAndPersist(trade(95.9, 0.1)) // partial fill of p1
  ok(store, place({ clientOrderId: 't1', side: 'sell', type: 'trailing_stop', amount: 0.3, trailingPercent: 2 }))
  store.applyAndPersist(trade(104, 0.05)) // trailing moves up
  ok(store, place({ clientOrderId: 'x1', account: 'binance', side: 'buy', type: 'limit', amount: 0.1, price: 95 }))
}

describe('TradingStore', () => {
  it('migrates an empty file to the current schema', () => {
    const path = join(dir, 'trading.db')
    TradingStore.open(path).close()
    const db = new Database(path, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()
    expect(tables).toEqual(['accounts', 'balances', 'equity', 'fills', 'journal', 'markets', 'orders', 'positions'])
    db.close()
  })

  it('refuses a database from a newer schema', () => {
    const path = join(dir, 'trading.db')
    const db = new Database(path)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    expect(() => TradingStore.open(path)).toThrow(/newer than this Keel understands/)
  })

  it('rebuilds exactly the same state after close and reopen', () => {
    const path = join(dir, 'trading.db')
    const store = TradingStore.open(path)
    trade_session(store)
    const before = durable(store.state)
    expect(before.orders.some((o) => o.status === 'partially_filled')).toBe(true)
    expect(before.orders.some((o) => o.role === 'take_profit' && o.status === 'open' && o.reserved === 0.4)).toBe(true)
    expect(before.orders.some((o) => o.type === 'trailing_stop' && o.extreme === 104)).toBe(true)
    store.close()

    const reopened = TradingStore.open(path)
    expect(durable(reopened.state)).toEqual(before)
    expect(checkInvariants(reopened.state)).toEqual([])
    expect(reopened.integrityCheck()).toBe('ok')
    // And it carries on: the stop still fires from the next trades.
    reopened.applyAndPersist(book(89, 91))
    reopened.applyAndPersist(trade(89.5, 1))
    expect(reopened.state.orders.get(before.orders.find((o) => o.clientOrderId === 's1')?.id ?? '')?.status).toBe('filled')
    reopened.close()
  })

  it('keeps idempotency across restarts, also for orders outside the memory window', () => {
    const path = join(dir, 'trading.db')
    const store = TradingStore.open(path, { engine: { closedOrderMemory: 1 } })
    store.applyAndPersist({ kind: 'setMarkets', at: ++at, markets: [BTC] })
    const first = ok(store, place({ clientOrderId: 'once', side: 'buy', type: 'limit', amount: 0.1, price: 90 }))
    ok(store, cancel(first.id))
    for (let i = 0; i < 5; i++) {
      const o = ok(store, place({ side: 'buy', type: 'limit', amount: 0.1, price: 90 }))
      ok(store, cancel(o.id))
    }
    expect(store.state.orders.has(first.id)).toBe(false) // evicted from memory
    store.close()

    const reopened = TradingStore.open(path, { engine: { closedOrderMemory: 1 } })
    expect(reopened.hasClientOrder('default', 'once')).toBe(true) // only on disk now
    expect(reopened.hasClientOrder('default', 'never-sent')).toBe(false)
    const again = ok(reopened, place({ clientOrderId: 'once', side: 'buy', type: 'limit', amount: 0.1, price: 90 }))
    expect(again).toMatchObject({ id: first.id, status: 'cancelled' })
    const refused = reopened.applyAndPersist(place({ clientOrderId: 'once', side: 'buy', type: 'limit', amount: 0.2, price: 90 }))
    expect(refused.reply).toMatchObject({ ok: false, error: { code: 'rejected' } })
    const db = new Database(path, { readonly: true })
    expect(db.prepare("SELECT COUNT(*) FROM orders WHERE client_order_id = 'once'").pluck().get()).toBe(1)
    db.close()
    reopened.close()
  })

  it('persists a batch in one transaction and journals every command', () => {
    const path = join(dir, 'trading.db')
    const store = TradingStore.open(path)
    const inputs: EngineInput[] = [{ kind: 'setMarkets', at: ++at, markets: [BTC] }]
    for (let i = 0; i < 200; i++) inputs.push(place({ clientOrderId: `c${i}`, side: 'buy', type: 'limit', amount: 0.01, price: 90 + (i % 5) }))
    inputs.push(place({ side: 'buy', type: 'limit', amount: 0.00001, price: 90 })) // refused by the rules, still journaled
    const results = store.applyBatch(inputs)
    expect(results.filter((r) => r.reply.ok)).toHaveLength(201)
    store.close()
    const db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(200)
    expect(db.prepare('SELECT COUNT(*) FROM journal').pluck().get()).toBe(202)
    expect(db.prepare('SELECT error FROM journal WHERE ok = 0').pluck().get()).toBe('rejected: amount 0.00001 below minimum 0.0001 for BTC/USDT')
    db.close()
  })

  it('pages orders and fills newest first', () => {
    const store = TradingStore.open(join(dir, 'trading.db'))
    store.applyAndPersist({ kind: 'setMarkets', at: ++at, markets: [BTC] })
    for (let i = 0; i < 5; i++) ok(store, place({ side: 'buy', type: 'limit', amount: 0.01, price: 90 }))
    store.applyAndPersist(trade(80, 0.025))
    const page1 = store.listOrders({ account: 'default', status: 'all', limit: 2 })
    expect(page1.orders.map((o) => o.id)).toEqual(['o5', 'o4'])
    const page2 = store.listOrders({ account: 'default', status: 'all', limit: 2, cursor: page1.nextCursor })
    expect(page2.orders.map((o) => o.id)).toEqual(['o3', 'o2'])
    const page3 = store.listOrders({ account: 'default', status: 'all', limit: 2, cursor: page2.nextCursor })
    expect(page3).toEqual({ orders: [expect.objectContaining({ id: 'o1' })] })
    expect(store.listOrders({ account: 'default', status: 'closed', limit: 10 }).orders.map((o) => o.id)).toEqual(['o2', 'o1'])
    const fills = store.listFills({ account: 'default', limit: 10 })
    expect(fills.fills.map((f) => [f.orderId, f.amount])).toEqual([['o3', 0.005], ['o2', 0.01], ['o1', 0.01]])
    store.close()
  })

  it('persists an account reset', () => {
    const path = join(dir, 'trading.db')
    const store = TradingStore.open(path)
    trade_session(store)
    store.applyAndPersist(reset({ balances: { USDT: 123 } }))
    store.close()
    const reopened = TradingStore.open(path)
    const acct = reopened.state.accounts.get('default')
    expect(acct?.balances).toEqual({ USDT: { free: 123, locked: 0 } })
    expect(acct?.positions).toEqual({})
    expect([...reopened.state.orders.values()].filter((o) => o.account === 'default' && o.status === 'open')).toEqual([])
    reopened.close()
  })

  it('commits nothing of a command that fails part-way: a poisoned resetAccount leaves trading.db as it was', () => {
    const path = join(dir, 'trading.db')
    const store = TradingStore.open(path)
    trade_session(store)
    const before = structuredClone(durable(store.state)) // a copy: the failed reset changes the live objects before it is refused
    const dump = () => {
      const db = new Database(path, { readonly: true })
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
      const rows = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t}`).all()]))
      db.close()
      return rows
    }
    const rowsBefore = dump()
    // Balances the API refuses (≤ 1e15), sent past the edge: the reset itself applies, then its
    // summary overflows (1e308 BTC at a mark of ~90 USDT) and the ledger guard refuses it.
    const poisoned = { kind: 'resetAccount', at: ++at, params: { account: 'default', balances: { USDT: 1e308, BTC: 1e308 } } } as const
    const result = store.applyAndPersist(poisoned)
    expect(result.reply).toEqual({ ok: false, error: { code: 'rejected', message: 'resetAccount refused: its equity would be Infinity' } })
    expect(dump()).toEqual(rowsBefore)
    expect(durable(store.state)).toEqual(before) // the live state was reloaded, not left half-reset
    expect(checkInvariants(store.state)).toEqual([])
    store.close()
    const reopened = TradingStore.open(path)
    expect(durable(reopened.state)).toEqual(before)
    reopened.close()
  })

  it('recovers every committed order from the files of a connection that was never closed', () => {
    const path = join(dir, 'trading.db')
    const store = TradingStore.open(path)
    trade_session(store)
    const before = durable(store.state)
    // Copy the database and its WAL while the writer still holds them open, as a crash leaves them.
    const crashed = join(dir, 'crashed.db')
    copyFileSync(path, crashed)
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${crashed}-wal`)
    const recovered = TradingStore.open(crashed)
    expect(recovered.integrityCheck()).toBe('ok')
    expect(durable(recovered.state)).toEqual(before)
    recovered.close()
    store.close()
  })

  it('keeps every acknowledged order when the writing process is SIGKILLed mid-stream', async () => {
    const path = join(dir, 'trading.db')
    const script = join(dir, 'writer.ts')
    const storeModule = resolve(__dirname, '../../src/core/storage/trading/index.ts')
    writeFileSync(
      script,
      `import { TradingStore } from ${JSON.stringify(storeModule)}
       const store = TradingStore.open(${JSON.stringify(path)})
       store.applyAndPersist({ kind: 'setMarkets', at: 1, markets: [${JSON.stringify(BTC)}] })
       let i = 0
       setInterval(() => {
         const batch = []
         for (let k = 0; k < 20; k++, i++) batch.push({ kind: 'placeOrder', at: 2 + i, params: { clientOrderId: 'k' + i, account: 'default', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.0001, price: 1 } })
         store.applyBatch(batch)
         process.stdout.write(batch.map((c) => c.params.clientOrderId).join('\\n') + '\\n') // ack after commit
       }, 1)`
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let acked = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (acked += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`writer produced too little: ${stderr}`)), 30_000)
      child.stdout.on('data', () => {
        if (acked.split('\n').length > 400) {
          clearTimeout(timer)
          child.kill('SIGKILL')
          done()
        }
      })
    })
    await new Promise((done) => child.once('exit', done))
    const ids = acked.split('\n').filter((line) => /^k\d+$/.test(line))
    const store = TradingStore.open(path)
    expect(store.integrityCheck()).toBe('ok')
    for (const id of ids) expect(store.state.byClientId.has(`default\u0000${id}`), id).toBe(true)
    expect(checkInvariants(store.state)).toEqual([])
    store.close()
  })
})
