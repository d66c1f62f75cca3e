import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { checkInvariants } from '../../../src/core/exchange'
import { TradingStore } from '../../../src/core/storage/trading'
import { HealthReport } from '../../../src/shared/health'
import type { WorkerName } from '../../../src/shared/worker-protocol'
import { Order, type PlaceOrderInput } from '../../../src/shared/trading'
import { isAlive, startServe, stopProcess, tempDir, waitFor, type ServeProcess, type ServeSpawnOptions } from '../../support/processes'

// Shared by the trading integration tests: they all talk to a real `keel serve` over HTTP.

export interface ApiError {
  error: { code: string; message: string }
}

export async function health(serve: ServeProcess): Promise<HealthReport> {
  return HealthReport.parse((await serve.call('health')).body)
}

export async function workerPid(serve: ServeProcess, name: WorkerName): Promise<number> {
  const w = (await health(serve)).workers.find((x) => x.name === name)
  if (!w?.pid) throw new Error(`${name} has no pid`)
  return w.pid
}

export async function waitAllRunning(serve: ServeProcess): Promise<void> {
  await waitFor('all workers running', async () => (await health(serve)).workers.every((w) => w.state === 'running'), 20_000)
}

/** Calls a method and fails loudly unless it answers 200. */
export async function ok<T = unknown>(serve: ServeProcess, method: string, params: unknown = {}): Promise<T> {
  const { status, body } = await serve.call(method, params)
  if (status !== 200) throw new Error(`${method} answered ${status}: ${JSON.stringify(body)}`)
  return body as T
}

/** Mid prices of the demo market, from the market worker's tickers. */
export async function mids(serve: ServeProcess, symbols: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const symbol of symbols) {
    const t = await waitFor(`a ticker for ${symbol}`, async () => {
      const { status, body } = await serve.call('ticker', { exchange: 'demo', symbol })
      const tick = body as { bid?: number; ask?: number }
      return status === 200 && tick.bid && tick.ask ? tick : undefined
    })
    out[symbol] = (t.bid! + t.ask!) / 2
  }
  return out
}

/** Every order of an account, by walking listOrders pages to the end. */
export async function allOrders(serve: ServeProcess, account = 'default', pageSize = 1000): Promise<Order[]> {
  const orders: Order[] = []
  let cursor: string | undefined
  do {
    const page = await ok<{ orders: unknown[]; nextCursor?: string }>(serve, 'listOrders', { account, status: 'all', limit: pageSize, ...(cursor ? { cursor } : {}) })
    orders.push(...page.orders.map((o) => Order.parse(o)))
    cursor = page.nextCursor
  } while (cursor)
  return orders
}

/** Orders grouped by clientOrderId: a lost order has no entry, a doubled one has two. */
export function byClientOrderId(orders: Order[]): Map<string, Order[]> {
  const map = new Map<string, Order[]>()
  for (const o of orders) map.set(o.clientOrderId, [...(map.get(o.clientOrderId) ?? []), o])
  return map
}

/** Round to a price tick of 0.01 (both demo symbols used here). */
export const cents = (x: number): number => Math.round(x * 100) / 100

/** Small, valid orders around the mid, deterministic per index. */
export function orderFor(i: number, prefix: string, mid: Record<string, number>, rand: () => number): PlaceOrderInput & { clientOrderId: string } {
  const symbol = i % 2 === 0 ? 'BTC/USDT' : 'ETH/USDT'
  const m = mid[symbol]!
  const amount = symbol === 'BTC/USDT' ? 0.0005 : 0.01 // ~30 USDT: above the 5 USDT minimum cost
  const side = rand() < 0.5 ? 'buy' : 'sell'
  const away = side === 'buy' ? -1 : 1
  const kind = rand()
  const clientOrderId = `${prefix}${i}`
  if (kind < 0.6) return { clientOrderId, symbol, side, type: 'limit', amount, price: cents(m * (1 + away * (0.2 + rand() * 0.2))) }
  if (kind < 0.8) return { clientOrderId, symbol, side, type: 'limit', amount, price: cents(m * (1 - away * 0.02)) } // marketable
  return { clientOrderId, symbol, side, type: 'market', amount }
}

/** A small deterministic PRNG, so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** The pids of a process and all its descendants (from /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [root]
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []))
  return tree
}

/** Waits until execution has books for the symbols: a market order on a scratch account fills. */
export async function waitTradable(serve: ServeProcess, symbols: string[]): Promise<void> {
  await ok(serve, 'resetAccount', { account: 'probe', balances: { USDT: 1_000_000 } })
  for (const symbol of symbols) {
    await waitFor(`execution to have a book for ${symbol}`, async () => {
      const { status } = await serve.call('placeOrder', { account: 'probe', symbol, side: 'buy', type: 'market', amount: symbol.startsWith('BTC') ? 0.0005 : 0.01 })
      return status === 200
    }, 15_000, 100)
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * One `keel serve` per test on a data dir of its own, killed and removed after the test. The dir
 * outlives a stop, so a test can stop (cleanly or by killing the whole tree), damage the files
 * and start again on them.
 */
export function servePerTest(prefix: string) {
  let dir: ReturnType<typeof tempDir> | undefined
  let serve: ServeProcess | undefined
  afterEach(async () => {
    if (serve) await stopProcess(serve.child, 'SIGKILL')
    serve = undefined
    dir?.remove()
    dir = undefined
  })
  return {
    get dataDir(): string {
      dir ??= tempDir(prefix)
      return dir.path
    },
    /** Starts and waits for every worker, then until each of `symbols` can be traded. */
    async start(symbols: string[] = [], extraArgs: string[] = [], spawnOptions: ServeSpawnOptions = {}): Promise<ServeProcess> {
      serve = await startServe(this.dataDir, extraArgs, spawnOptions)
      await waitAllRunning(serve)
      if (symbols.length) await waitTradable(serve, symbols)
      return serve
    },
    async stop(how: 'clean' | 'kill-tree'): Promise<void> {
      if (!serve) return
      if (how === 'clean') await stopProcess(serve.child, 'SIGTERM')
      else await killTree(serve)
      serve = undefined
    },
    /** The process was stopped or killed by the test itself. */
    gone(): void {
      serve = undefined
    }
  }
}

/** Every process of the tree SIGKILLed at once: nothing gets to checkpoint or clean up. */
export async function killTree(serve: ServeProcess): Promise<void> {
  const tree = processTree(serve.child.pid!)
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await waitFor('the whole tree to be gone', () => tree.every((pid) => !isAlive(pid)), 10_000)
}

/** trading.db as the last process left it: SQLite's integrity check and the ledger invariants. */
export function inspectTradingDb(dataDir: string): { integrity: string; invariantViolations: string[] } {
  const store = TradingStore.open(join(dataDir, 'trading.db'))
  try {
    return { integrity: store.integrityCheck(), invariantViolations: checkInvariants(store.loadState()) }
  } finally {
    store.close()
  }
}
