import Database from 'better-sqlite3'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BotThread } from '../src/core/strategy/bot-thread'
import { compileStrategy } from '../src/core/strategy/compile'
import { evaluateStrategy } from '../src/core/strategy/evaluate'
import { indicators } from '../src/core/strategy/indicators'
import type { StrategyContext } from '../src/core/strategy/contract'
import { HealthReport } from '../src/shared/health'
import { OUT_MAIN, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../test/support/processes'
import { sleep, summarize } from './stats'

/**
 * Bots, measured in a real `keel serve` (demo market) and in process:
 * (a) market event → the bot's order accepted by execution, with 10 bots running: for ticks
 *     (one a second per bot) and for candle closes (once a minute: few samples, said so). The
 *     strategy encodes the event's time in its resting order's limit price, so the latency is
 *     read back from trading.db (the order's createdAt, stamped when execution accepts it,
 *     which is also when it is acknowledged) with no clock but the machine's;
 * (b) the isolation overhead per callback: a round trip to a bot thread vs calling the same
 *     hook in process;
 * (c) the strategy process's RSS with no bot and with 10.
 */

const BOTS = 10
const TICK_SECONDS = Number(process.env.KEEL_BENCH_SECONDS ?? 20)
const CANDLE_CLOSES = Number(process.env.KEEL_BENCH_CANDLES ?? 1)
const CALLS = 2_000

// price = 10,000 + (event time mod 1e6 ms) / 100: a resting bid far below BTC's price that
// carries the event time to the millisecond.
const ENCODE = `(t: number) => 10_000 + (t % 1_000_000) / 100`
const TICK_BOT = `const encode = ${ENCODE}
export default { name: 'bench ticks', async onTick(ctx, t) { await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'limit', amount: 0.001, price: encode(t.time) }) } }
`
const CANDLE_BOT = `const encode = ${ENCODE}
export default { name: 'bench candles', async onCandle(ctx, c) { await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'limit', amount: 0.001, price: encode(c.time + 60_000) }) } }
`

async function call<T>(s: ServeProcess, method: string, params: unknown = {}): Promise<T> {
  const { status, body } = await s.call(method, params)
  if (status !== 200) throw new Error(`${method} answered ${status}: ${JSON.stringify(body)}`)
  return body as T
}

async function strategyRss(s: ServeProcess): Promise<number> {
  const w = HealthReport.parse(await call(s, 'health')).workers.find((x) => x.name === 'strategy')
  return w?.rssBytes ?? NaN
}

/** Event → accepted latencies of the bots' orders, decoded from their limit prices. */
function latencies(dataDir: string, accounts: string[]): number[] {
  const db = new Database(join(dataDir, 'trading.db'), { readonly: true })
  try {
    const out: number[] = []
    for (const account of accounts) {
      for (const row of db.prepare('SELECT data FROM orders WHERE account = ?').all(account) as Array<{ data: string }>) {
        const order = JSON.parse(row.data) as { price: number; createdAt: number }
        const encoded = Math.round((order.price - 10_000) * 100)
        out.push((((order.createdAt - encoded) % 1_000_000) + 1_000_000) % 1_000_000)
      }
    }
    return out
  } finally {
    db.close()
  }
}

async function createBots(s: ServeProcess, strategy: string, name: string): Promise<string[]> {
  const accounts: string[] = []
  for (let i = 0; i < BOTS; i++) {
    const bot = await call<{ account: string }>(s, 'createBot', {
      name: `${name}-${i}`,
      strategy,
      symbol: 'BTC/USDT',
      start: true,
      balances: { USDT: 10_000_000 },
      protections: { maxOpenOrders: 1000, maxOrdersPerMinute: 10_000, maxPositionNotional: 1e12 }
    })
    accounts.push(bot.account)
  }
  return accounts
}

async function endToEnd(): Promise<Record<string, unknown>> {
  const dir = tempDir('keel-bench-strategy-')
  const s = await startServe(dir.path)
  try {
    await waitFor('workers', async () => HealthReport.parse(await call(s, 'health')).workers.every((w) => w.state === 'running'), 20_000)
    const folder = (await call<{ folder: string }>(s, 'listStrategies')).folder
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'bench-ticks.ts'), TICK_BOT)
    writeFileSync(join(folder, 'bench-candles.ts'), CANDLE_BOT)
    await sleep(1_000)
    const rssNoBots = await strategyRss(s)

    const tickAccounts = await createBots(s, 'file:bench-ticks.ts', 'ticks')
    await sleep(TICK_SECONDS * 1000)
    const rssTenBots = await strategyRss(s)
    for (const bot of await call<Array<{ id: string }>>(s, 'listBots')) await call(s, 'stopBot', { id: bot.id })
    const ticks = summarize(latencies(dir.path, tickAccounts))

    const candleAccounts = await createBots(s, 'file:bench-candles.ts', 'candles')
    const firstClose = Math.ceil(Date.now() / 60_000) * 60_000
    await sleep(Math.max(0, firstClose + (CANDLE_CLOSES - 1) * 60_000 + 3_000 - Date.now()))
    const candles = summarize(latencies(dir.path, candleAccounts))
    return {
      bots: BOTS,
      tickToOrderAcceptedMs: ticks,
      candleCloseToOrderAcceptedMs: { ...candles, note: `${CANDLE_CLOSES} candle close(s) × ${BOTS} bots (1m candles); KEEL_BENCH_CANDLES=n for more` },
      strategyRssMiB: { noBots: mib(rssNoBots), tenBots: mib(rssTenBots), perBot: mib((rssTenBots - rssNoBots) / BOTS) }
    }
  } finally {
    await stopProcess(s.child)
    dir.remove()
  }
}

/** The same onCandle through a bot thread (post, run, post back) and called in process. */
async function isolationOverhead(): Promise<Record<string, unknown>> {
  const text = `export default { name: 'noop', onCandle(ctx, c) { ctx.state.last = c.close } }`
  const compiled = compileStrategy(text, '/bench/noop.ts')
  const candle = { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }
  const snapshot = { position: { symbol: 'BTC/USDT', amount: 0, avgEntry: 0, realizedPnl: 0, unrealizedPnl: 0 }, balances: [], openOrders: [] }
  const thread = new BotThread({
    entry: join(OUT_MAIN, 'worker-strategy-bot.js'),
    budgetMs: 5_000,
    memoryMb: 64,
    onOrder: () => Promise.reject(new Error('no orders')),
    onCancel: () => Promise.reject(new Error('no orders')),
    onLog: () => undefined,
    onFault: (e) => {
      throw new Error(e.message)
    }
  })
  try {
    await thread.start({ code: { kind: 'file', compiled }, symbol: 'BTC/USDT', timeframe: '1m', params: {}, state: {}, candles: [], snapshot, run: true, now: 0 })
    const threaded: number[] = []
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now()
      await thread.call('onCandle', { ...candle, close: i }, snapshot, i)
      threaded.push((performance.now() - t0) * 1000)
    }
    const { definition } = evaluateStrategy(compiled)
    const ctx = { state: {}, indicators } as unknown as StrategyContext
    const direct: number[] = []
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now()
      await definition.onCandle!(ctx, { ...candle, close: i })
      direct.push((performance.now() - t0) * 1000)
    }
    const a = summarize(threaded)
    const b = summarize(direct)
    return { calls: CALLS, threadRoundTripUs: a, inProcessUs: b, overheadMedianUs: Math.round((a.median - b.median) * 10) / 10 }
  } finally {
    await thread.terminate()
  }
}

function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10
}

export async function run(): Promise<Record<string, unknown>> {
  return { isolationPerCallback: await isolationOverhead(), endToEnd: await endToEnd() }
}
