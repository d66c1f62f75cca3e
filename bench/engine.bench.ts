import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { apply, createState, parseInput, type RawEngineInput } from '../src/core/exchange'
import { TradingStore } from '../src/core/storage/trading'
import { BTC as UNIT_BTC } from '../test/unit/exchange/fixtures'
import type { MarketInfo } from '../src/shared/market-data'

/**
 * Paper-exchange throughput: the pure engine in memory, the TradingStore's durable rate
 * (one transaction per order, and group commit), and the raw better-sqlite3 insert floor with
 * the same pragmas for comparison. Prints nothing itself; bench/run.ts collects the JSON.
 */

/** BTC/USDT of the unit tests, without a minimum notional so tiny orders are allowed. */
const MARKET: MarketInfo = { ...UNIT_BTC, limits: { ...UNIT_BTC.limits, cost: {} } }

/** Deterministic order flow: 70 % limits around the mid, 30 % small market orders, each limit
 * cancelled 200 orders later if still open (so ~140 rest at a time, like an active trader or
 * bot), a fresh book every 100 orders and a trade every 50. Command params are raw, and parsed
 * inside the timed loops as the worker's edge parses them. */
export function orderFlow(count: number, clientPrefix: string): RawEngineInput[] {
  const inputs: RawEngineInput[] = [{ kind: 'setMarkets', at: 0, markets: [MARKET] }]
  inputs.push({ kind: 'resetAccount', at: 0, params: { balances: { USDT: 1e12, BTC: 1e6 } } })
  let seed = 42
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
  const limits = new Set<number>()
  for (let i = 0; i < count; i++) {
    const at = 1 + i
    if (i % 100 === 0) {
      const levels = (dir: number): [number, number][] => Array.from({ length: 20 }, (_, k) => [100 + dir * (0.05 + k * 0.05), 5])
      inputs.push({ kind: 'book', book: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: at, bids: levels(-1), asks: levels(1) } })
    }
    if (i % 50 === 25) {
      inputs.push({ kind: 'trade', trade: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: at, price: 100 + (rand() - 0.5) * 2, amount: 0.5, side: 'sell' } })
    }
    const side = rand() < 0.5 ? 'buy' : 'sell'
    const isLimit = rand() < 0.7
    if (isLimit) limits.add(i)
    const params =
      isLimit
        ? { side, type: 'limit', amount: 0.01, price: Math.round((100 + (side === 'buy' ? -1 : 1) * (0.1 + rand() * 2)) * 100) / 100 }
        : { side, type: 'market', amount: 0.001 }
    inputs.push({ kind: 'placeOrder', at, params: { clientOrderId: `${clientPrefix}${i}`, symbol: 'BTC/USDT', ...params } })
    if (limits.delete(i - 200)) inputs.push({ kind: 'cancelOrder', at, params: { clientOrderId: `${clientPrefix}${i - 200}` } })
  }
  return inputs
}

const isPlace = (input: RawEngineInput) => input.kind === 'placeOrder'

export function engineThroughput(count: number) {
  const inputs = orderFlow(count, 'e')
  const state = createState()
  const start = performance.now()
  for (const input of inputs) apply(state, parseInput(input))
  const seconds = (performance.now() - start) / 1000
  const commands = inputs.filter((input) => 'at' in input).length
  return { orders: count, commands, seconds: round(seconds), ordersPerSec: Math.round(count / seconds), commandsPerSec: Math.round(commands / seconds) }
}

function storeRate(dir: string, synchronous: 'FULL' | 'NORMAL', count: number, batchSize: number) {
  const path = join(dir, `store-${synchronous}-${batchSize}.db`)
  const store = TradingStore.open(path, { synchronous })
  const inputs = orderFlow(count, 's')
  store.applyBatch(inputs.slice(0, 2).map(parseInput)) // markets + account
  const rest = inputs.slice(2)
  const start = performance.now()
  for (let i = 0; i < rest.length; i += batchSize) store.applyBatch(rest.slice(i, i + batchSize).map(parseInput))
  const seconds = (performance.now() - start) / 1000
  store.close()
  const orders = rest.filter(isPlace).length
  return { synchronous, batchSize, orders, seconds: round(seconds), durableOrdersPerSec: Math.round(orders / seconds) }
}

function rawInsertFloor(dir: string, synchronous: 'FULL' | 'NORMAL', count: number, batchSize: number) {
  const db = new Database(join(dir, `raw-${synchronous}-${batchSize}.db`))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)')
  const insert = db.prepare('INSERT INTO t (data) VALUES (?)')
  const insertBatch = db.transaction((rows: string[]) => {
    for (const row of rows) insert.run(row)
  })
  const payload = JSON.stringify({ side: 'buy', type: 'limit', amount: 0.01, price: 99.5, symbol: 'BTC/USDT' })
  const start = performance.now()
  for (let i = 0; i < count; i += batchSize) insertBatch(Array.from({ length: Math.min(batchSize, count - i) }, () => payload))
  const seconds = (performance.now() - start) / 1000
  db.close()
  return { synchronous, batchSize, rows: count, seconds: round(seconds), rowsPerSec: Math.round(count / seconds) }
}

const round = (x: number) => Math.round(x * 1000) / 1000

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-engine-'))
  try {
    return {
      engine: engineThroughput(50_000),
      tradingStore: [
        storeRate(dir, 'FULL', 1_000, 1),
        storeRate(dir, 'NORMAL', 5_000, 1),
        storeRate(dir, 'FULL', 20_000, 100),
        storeRate(dir, 'NORMAL', 20_000, 100)
      ],
      rawSqliteFloor: [
        rawInsertFloor(dir, 'FULL', 1_000, 1),
        rawInsertFloor(dir, 'NORMAL', 5_000, 1),
        rawInsertFloor(dir, 'FULL', 20_000, 100),
        rawInsertFloor(dir, 'NORMAL', 20_000, 100)
      ]
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
