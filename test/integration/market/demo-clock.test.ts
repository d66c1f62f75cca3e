import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MarketService } from '../../../src/core/market/market-service'
import { MarketStore } from '../../../src/core/storage/market/market-store'
import type { MarketEvent } from '../../../src/core/market/events'
import { CandleEvent } from '../../../src/shared/market'
import { Order } from '../../../src/shared/trading'
import { Ticker } from '../../../src/shared/market-data'
import type { BotLogEntry } from '../../../src/shared/bots'
import { fastDemo } from '../../support/demo-clock'
import { CLI, assertBuilt, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'
import { EventLog } from '../market-e2e/events'
import { health, ok, waitAllRunning, waitTradable, workerPid } from '../trading/helpers'
import { botLog, createBot, strategy, writeStrategy } from '../strategy/helpers'

// KEEL_DEMO_SPEED: the demo market's clock runs N× the wall clock, the same in every process.
// The market's time is known here from the documented formula, with an epoch an hour of demo
// time back, so anything stamped with the wall clock by mistake is far off.

const MINUTE = 60_000
const HOUR = 3_600_000

/** `keel serve` that must refuse to start: its exit code and stderr. */
async function failedStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  assertBuilt()
  const dir = tempDir('keel-demo-clock-bad-')
  try {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir.path, '--token', 'test-token-0123456789'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    expect(stdout).not.toContain('serving at')
    return { code, stderr }
  } finally {
    dir.remove()
  }
}

describe('a bad KEEL_DEMO_SPEED', () => {
  it('stops `keel serve` at start with the reason, before any worker runs', async () => {
    for (const [env, message] of [
      [{ KEEL_DEMO_SPEED: 'fast' }, 'KEEL_DEMO_SPEED must be a number from 1 to 120'],
      [{ KEEL_DEMO_SPEED: '0' }, 'KEEL_DEMO_SPEED must be a number from 1 to 120'],
      [{ KEEL_DEMO_SPEED: '10', KEEL_DEMO_EPOCH: 'yesterday' }, 'KEEL_DEMO_EPOCH must be a time in ms since 1970']
    ] as const) {
      const { code, stderr } = await failedStart(env)
      expect(code, JSON.stringify(env)).toBe(1)
      expect(stderr).toContain(message)
    }
  })
})

describe('MarketService on a fast market clock', () => {
  it('runs the demo, closes its candles and answers candle queries on market time; live exchanges are refused', async () => {
    const dir = tempDir('keel-demo-clock-service-')
    const store = new MarketStore(`${dir.path}/market.db`)
    const wall = 1_800_000_000_000
    let market = wall + 10 * MINUTE + 30_000 // half a candle in
    const events: MarketEvent[] = []
    const service = new MarketService({
      store,
      now: () => wall, // the wall clock stands still: only market time moves the demo
      marketNow: () => market,
      demoSpeed: 20,
      demoSeed: 7,
      output: { event: (e) => events.push(e), marketsLoaded: () => {}, exchangeHealth: () => {} }
    })
    try {
      const open = Math.floor(market / MINUTE) * MINUTE
      // History ends where the market's time starts: the open hour candle is the market's hour.
      const hours = await service.candles({ exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1h', limit: 3 })
      expect(hours.at(-1)![0]).toBe(Math.floor(market / HOUR) * HOUR)
      market += 45_000
      service.tick()
      service.flushCandles()
      const trades = events.filter((e) => e.name === 'trade').map((e) => (e.data as { timestamp: number }).timestamp)
      expect(trades.length).toBeGreaterThan(0)
      expect(Math.min(...trades)).toBeGreaterThan(open + 30_000 - 1)
      expect(Math.max(...trades)).toBeLessThanOrEqual(market)
      // Books keep their real-time pace per wall second: one per 250 ms × 20 = 5 s of market time.
      expect(events.filter((e) => e.name === 'orderBook' && (e.data as { symbol: string }).symbol === 'BTC/USDT')).toHaveLength(45_000 / 5_000)
      const closed = events.filter((e) => e.name === 'candle' && (e.data as CandleEvent).closed && (e.data as CandleEvent).timeframe === '1m').map((e) => e.data as CandleEvent)
      expect(closed.map((c) => c.candle[0])).toContain(open) // closed at market time open + 1 min
      expect(service.demo.ticker('BTC/USDT').timestamp).toBe(Math.floor(market / 100) * 100)
      const minutes = await service.candles({ exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1m', limit: 2 })
      expect(minutes.map((c) => c[0])).toEqual([open, open + MINUTE])
      await expect(service.subscribe({ exchange: 'binance', symbols: ['BTC/USDT'], channels: ['ticker'] })).rejects.toThrow(/live exchanges are off while the demo market's clock runs 20× \(KEEL_DEMO_SPEED\)/)
    } finally {
      await service.close()
      store.close()
      dir.remove()
    }
  })
})

const NOW_ON_CANDLE = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Clock',
  timeframe: '1m',
  onStart(ctx) {
    const last = ctx.candles(1)[0]
    ctx.log.info('start', { now: ctx.now(), count: ctx.candles(500).length, last: last ? last.time : null })
  },
  onCandle(ctx, candle) {
    ctx.log.info('candle', { candle: candle.time, now: ctx.now() })
  }
})
`

describe('keel serve with KEEL_DEMO_SPEED=30', () => {
  // An epoch 2 minutes back: market time is an hour ahead of the wall clock from the start.
  const demo = fastDemo(30, Date.now() - 2 * MINUTE)
  const dir = tempDir('keel-demo-clock-')
  let s: ServeProcess
  let events: EventLog
  beforeAll(async () => {
    s = await startServe(dir.path, [], { env: demo.env })
    await waitAllRunning(s)
    await waitTradable(s, ['BTC/USDT'])
    events = await EventLog.connect(s)
  })
  afterAll(async () => {
    events?.close()
    if (s) await stopProcess(s.child)
    dir.remove()
  })

  const ahead = (t: number): void => expect(t - Date.now(), 'market time, an hour ahead of the wall clock').toBeGreaterThan(50 * MINUTE)

  it('stamps tickers, candles and orders with market time, and closes a 1-minute candle in seconds', async () => {
    const before = demo.now()
    const ticker = Ticker.parse(await ok(s, 'ticker', { exchange: 'demo', symbol: 'BTC/USDT' }))
    expect(ticker.timestamp).toBeGreaterThan(before - 10_000)
    expect(ticker.timestamp).toBeLessThanOrEqual(demo.now())
    ahead(ticker.timestamp)

    const since = events.mark
    const candle = await events.next<CandleEvent>('candle', (c) => c.exchange === 'demo' && c.symbol === 'BTC/USDT' && c.timeframe === '1m' && c.closed, since, demo.wallMs(2 * MINUTE))
    expect(candle.candle[0] % MINUTE).toBe(0)
    expect(candle.candle[0] + MINUTE).toBeLessThanOrEqual(demo.now())
    expect(candle.candle[0] + MINUTE).toBeGreaterThan(demo.now() - 30_000)

    await ok(s, 'resetAccount', { account: 'clock', balances: { USDT: 10_000 } })
    const placedFrom = demo.now()
    const order = Order.parse(await ok(s, 'placeOrder', { account: 'clock', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 }))
    expect(order.createdAt).toBeGreaterThanOrEqual(placedFrom - 1_000)
    expect(order.createdAt).toBeLessThanOrEqual(demo.now())
    ahead(order.createdAt)
  })

  it('runs bots on market time: history up to the last closed candle, ctx.now() past the close of each candle', async () => {
    writeStrategy(dir.path, 'clock.ts', NOW_ON_CANDLE)
    await strategy(s, 'file:clock.ts', (i) => !i.error)
    const b = await createBot(s, { name: 'clock', strategy: 'file:clock.ts', balances: { USDT: 1_000 } })
    const seen = await waitFor('two candles in the bot', async () => {
      const log = (await botLog(s, b.id)).filter((e: BotLogEntry) => e.message === 'candle').map((e) => e.data as { candle: number; now: number })
      return log.length >= 2 ? log : undefined
    }, demo.wallMs(3 * MINUTE), 100)
    // It starts with the history up to the last candle closed on market time (the open one is never seen).
    const start = (await botLog(s, b.id)).find((e) => e.message === 'start')?.data as { now: number; count: number; last: number | null }
    expect(start.count).toBeGreaterThan(100)
    expect(start.last! + MINUTE).toBeLessThanOrEqual(start.now)
    expect(start.last! + 2 * MINUTE).toBeGreaterThan(start.now)
    ahead(start.now)
    for (const { candle, now } of seen) {
      expect(now).toBeGreaterThanOrEqual(candle + MINUTE)
      expect(now).toBeLessThanOrEqual(demo.now())
      ahead(now)
    }
  })

  it('keeps the same clock through a restart of the market worker', async () => {
    const pid = await workerPid(s, 'market')
    process.kill(pid, 'SIGKILL')
    await waitFor('a new market worker', async () => {
      const w = (await health(s)).workers.find((x) => x.name === 'market')
      return w?.state === 'running' && w.pid !== pid
    }, 30_000, 100)
    const before = demo.now()
    const ticker = Ticker.parse(await ok(s, 'ticker', { exchange: 'demo', symbol: 'BTC/USDT' }))
    expect(ticker.timestamp).toBeGreaterThan(before - 10_000)
    expect(ticker.timestamp).toBeLessThanOrEqual(demo.now())
  })
})
