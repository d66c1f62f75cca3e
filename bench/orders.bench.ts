import { Agent, request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { AppCore } from '../src/main/app-core'
import { ForkSpawner } from '../src/main/headless/fork-spawner'
import { silentLogger } from '../src/main/logger'
import { OUT_MAIN, startServe, stopProcess, waitFor, type ServeProcess } from '../test/support/processes'
import { sleep, summarize } from './stats'

/**
 * End-to-end paper orders: API → router → execution worker → journal (trading.db, FULL) → ack.
 * (a) the most acknowledged orders/s a real `keel serve` sustains over keep-alive HTTP with 64
 * requests in flight; (b) ack latency at a fixed 500 orders/s, open loop (each order is sent on
 * its schedule whether or not earlier ones were answered; latency counts from the scheduled
 * time, so a stall is not hidden); (c) the same closed loop at the router, in process (no HTTP);
 * (d) the raw SQLite floor: single-row transactions, FULL and NORMAL, in the same run.
 */

const CONCURRENCY = Number(process.env.KEEL_BENCH_CONCURRENCY ?? 64)
const THROUGHPUT_ORDERS = Number(process.env.KEEL_BENCH_ORDERS ?? 20_000)
const FIXED_RATE = 500
const FIXED_SECONDS = Number(process.env.KEEL_BENCH_SECONDS ?? 10)
const BALANCES = { USDT: 1e12, BTC: 1e6, ETH: 1e7 }

type Place = (order: Record<string, unknown>) => Promise<number>

/** Resting limits far from the mid (nothing fills): the cost measured is accept + journal + ack. */
function restingOrder(i: number, prefix: string, mid: Record<string, number>): Record<string, unknown> {
  const symbol = i % 2 === 0 ? 'BTC/USDT' : 'ETH/USDT'
  const side = i % 4 < 2 ? 'buy' : 'sell'
  const price = Math.round(mid[symbol]! * (side === 'buy' ? 0.5 : 1.5) * 100) / 100
  return { account: prefix, clientOrderId: `${prefix}-${i}`, symbol, side, type: 'limit', amount: symbol === 'BTC/USDT' ? 0.001 : 0.01, price }
}

/** Closed loop: `concurrency` clients each send the next order as soon as theirs is answered. */
async function maxThroughput(place: Place, count: number, prefix: string, mid: Record<string, number>) {
  let next = 0
  let failed = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) if ((await place(restingOrder(next++, prefix, mid))) !== 200) failed++
    })
  )
  const seconds = (performance.now() - start) / 1000
  return { orders: count, concurrency: CONCURRENCY, failed, seconds: round(seconds), ackedOrdersPerSec: Math.round((count - failed) / seconds) }
}

/** Open loop at a fixed rate: latency from each order's scheduled send time to its ack. */
async function fixedRate(place: Place, rate: number, seconds: number, prefix: string, mid: Record<string, number>) {
  const count = rate * seconds
  const latencies: number[] = []
  let failed = 0
  const inflight: Promise<void>[] = []
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    // Sent late (the client lagged): latency counts from the schedule. Sent early: from the send.
    const origin = Math.min(due, performance.now())
    inflight.push(
      place(restingOrder(i, prefix, mid)).then((status) => {
        if (status === 200) latencies.push(performance.now() - origin)
        else failed++
      })
    )
  }
  await Promise.all(inflight)
  return { rate, orders: count, failed, ackLatencyMs: summarize(latencies) }
}

function httpPlacer(serve: ServeProcess): { place: Place; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const { hostname, port } = new URL(serve.origin)
  const place: Place = (order) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(order)
      const req = request(
        { agent, hostname, port, method: 'POST', path: '/api/placeOrder', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${serve.token}` } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        }
      )
      req.on('error', reject)
      req.end(body)
    })
  return { place, close: () => agent.destroy() }
}

async function call(serve: ServeProcess, method: string, params: unknown): Promise<unknown> {
  const { status, body } = await serve.call(method, params)
  if (status !== 200) throw new Error(`${method}: ${status} ${JSON.stringify(body)}`)
  return body
}

async function demoMids(ask: (method: string, params: unknown) => Promise<unknown>): Promise<Record<string, number>> {
  const mid: Record<string, number> = {}
  for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
    const t = (await waitFor(`ticker ${symbol}`, () => ask('ticker', { exchange: 'demo', symbol }).catch(() => undefined), 15_000, 100)) as { bid: number; ask: number }
    mid[symbol] = (t.bid + t.ask) / 2
  }
  return mid
}

/** Waits until execution accepts orders (it has markets and fresh data). */
async function waitTradable(place: Place, account: string, mid: Record<string, number>): Promise<void> {
  let i = 0
  await waitFor('execution accepting orders', async () => (await place(restingOrder(i++, `${account}`, mid))) === 200, 20_000, 100)
}

async function overHttp(dataDir: string) {
  const serve = await startServe(dataDir)
  const http = httpPlacer(serve)
  try {
    const ask = (method: string, params: unknown) => call(serve, method, params)
    const mid = await demoMids(ask)
    for (const account of ['warm', 'max', 'rate']) await ask('resetAccount', { account, balances: BALANCES })
    await waitTradable(http.place, 'warm', mid)
    await maxThroughput(http.place, 2_000, 'warm', mid) // JIT warm-up, not reported
    return {
      maxThroughput: await maxThroughput(http.place, THROUGHPUT_ORDERS, 'max', mid),
      fixedRate: await fixedRate(http.place, FIXED_RATE, FIXED_SECONDS, 'rate', mid)
    }
  } finally {
    http.close()
    await stopProcess(serve.child, 'SIGTERM')
  }
}

/** The same app core keel serve runs, called at the router: everything but HTTP. */
async function atRouter(dataDir: string) {
  mkdirSync(dataDir, { recursive: true })
  const core = new AppCore({ mode: 'headless', version: 'bench', dataDir, workerDir: OUT_MAIN, spawner: new ForkSpawner(join(OUT_MAIN, 'worker-standby.js')), log: silentLogger })
  await core.start()
  try {
    const ask = (method: string, params: unknown) => core.router.call(method, params)
    const place: Place = (order) => core.router.call('placeOrder', order).then(() => 200, () => 500)
    const mid = await demoMids(ask)
    for (const account of ['warm', 'max', 'rate']) await ask('resetAccount', { account, balances: BALANCES })
    await waitTradable(place, 'warm', mid)
    await maxThroughput(place, 2_000, 'warm', mid)
    return {
      maxThroughput: await maxThroughput(place, THROUGHPUT_ORDERS, 'max', mid),
      fixedRate: await fixedRate(place, FIXED_RATE, FIXED_SECONDS, 'rate', mid)
    }
  } finally {
    await core.stop()
  }
}

/** One row per transaction: what an fsync-per-order journal could do at best. */
function sqliteFloor(dir: string, synchronous: 'FULL' | 'NORMAL', rows: number) {
  const db = new Database(join(dir, `floor-${synchronous}.db`))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.exec('CREATE TABLE journal (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)')
  const insert = db.prepare('INSERT INTO journal (data) VALUES (?)')
  const row = JSON.stringify(restingOrder(0, 'floor', { 'BTC/USDT': 60_000, 'ETH/USDT': 3_000 }))
  const start = performance.now()
  for (let i = 0; i < rows; i++) db.transaction(() => insert.run(row))()
  const seconds = (performance.now() - start) / 1000
  db.close()
  return { synchronous, rows, rowsPerTx: 1, seconds: round(seconds), rowsPerSec: Math.round(rows / seconds) }
}

const round = (x: number) => Math.round(x * 1000) / 1000

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-orders-'))
  try {
    return {
      http: await overHttp(join(dir, 'http')),
      router: await atRouter(join(dir, 'router')),
      sqliteFloor: [sqliteFloor(dir, 'FULL', 2_000), sqliteFloor(dir, 'NORMAL', 10_000)]
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
