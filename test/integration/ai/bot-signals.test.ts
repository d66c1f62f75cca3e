import { describe, expect, it } from 'vitest'
import { AiSignal, ListModelsResult, TrainingRun } from '../../../src/shared/ai'
import type { BotLogEntry } from '../../../src/shared/bots'
import { fastDemo } from '../../support/demo-clock'
import { isAlive, waitFor } from '../../support/processes'
import { EventLog } from '../market-e2e/events'
import { allOrders, health, ok, servePerTest, workerPid } from '../trading/helpers'
import { bot, botLog, createBot, strategy, waitBot, writeStrategy } from '../strategy/helpers'

// A bot that trades on ctx.signals only, in a real `keel serve` on the demo market: its
// decisions are checked against the signals the test reads itself through the API, and the AI
// worker is paused and SIGKILLed under it at a candle close. The bot keeps running. The demo
// market's clock runs 20× (a 1-minute candle closes every 3 s): the test reads the market's time
// from the wall clock by the clock's own formula (test/support/demo-clock.ts).

const FOLLOW = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Follow the AI',
  timeframe: '1m',
  async onCandle(ctx, candle) {
    const s = ctx.signals
    if (!s) return ctx.log.info('no signal', { candle: candle.time })
    const model = s.models[0]
    ctx.log.info('signal', { candle: candle.time, time: s.time, score: s.score, probUp: model ? model.probUp : null, noEdge: model ? model.noEdge : null })
    const side = s.score >= 0 ? 'buy' : 'sell'
    const order = await ctx.order({ symbol: ctx.symbol, side, type: 'market', amount: 0.001 })
    ctx.log.info('ordered', { candle: candle.time, side, orderId: order.id })
  }
})
`

const MINUTE = 60_000
const demo = fastDemo(20)
const server = servePerTest('keel-ai-bot-')

interface Seen {
  candle: number
  time?: number
  score?: number
  probUp?: number | null
  noEdge?: boolean | null
}

function entries(log: BotLogEntry[], message: string): Seen[] {
  return log.filter((e) => e.message === message).map((e) => e.data as Seen)
}

describe('ctx.signals in a live bot', () => {
  it('trades on the signal the API shows, and keeps running with the AI worker paused and killed', async () => {
    // A long freeze window: the paused AI worker stays paused (not frozen-and-restarted) until the test kills it.
    const s = await server.start(['BTC/USDT'], ['--freeze-after', '20000'], { env: demo.env })
    // A model on the bot's series, so the signal carries a model's call too.
    const run = TrainingRun.parse(await ok(s, 'trainModel', { symbol: 'BTC/USDT', timeframe: '1m', algorithm: 'logistic', candles: 600 }))
    await waitFor('the model', async () => ListModelsResult.parse(await ok(s, 'listModels')).runs.find((r) => r.id === run.id)?.state === 'done', 120_000, 200)

    // The test's own record of the signals, from the API, by candle time: read with aiSignals and
    // pushed as aiSignal events (after the AI worker's restart it may catch up on two candles at
    // once, and a read sees only the newest).
    const fromApi = new Map<number, AiSignal>()
    const pushed = await EventLog.connect(s, (event) => event === 'aiSignal')
    let polling = true
    const poll = (async () => {
      while (polling) {
        const read = ok<unknown[]>(s, 'aiSignals', { exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1m' }).then((list) => {
          for (const raw of list) {
            const signal = AiSignal.parse(raw)
            fromApi.set(signal.time, signal)
          }
        }, () => undefined)
        // A read held by the paused AI worker waits for its restart; the next reads go on meanwhile
        // (a candle closes every 3 s, the host holds a request up to 30 s).
        await Promise.race([read, new Promise((r) => setTimeout(r, 1_000))])
        await new Promise((r) => setTimeout(r, 200))
      }
    })()

    try {
      writeStrategy(server.dataDir, 'follow.ts', FOLLOW)
      await strategy(s, 'file:follow.ts', (i) => !i.error)
      const b = await createBot(s, { name: 'follow', strategy: 'file:follow.ts', symbol: 'BTC/USDT', balances: { USDT: 10_000, BTC: 1 } })
      // A candle with a signal (up to a minute of the demo market's clock).
      const signalled = async (n: number) => waitFor(`${n} candles with a signal`, async () => {
        const seen = entries(await botLog(s, b.id), 'signal')
        return seen.length >= n ? seen : undefined
      }, demo.wallMs(4 * MINUTE), 100)
      await signalled(1)

      // The AI worker is paused a moment (half a second) before the next candle closes: the bot's
      // read times out and its candle runs without a signal. Then the paused worker is SIGKILLed.
      const ai = await workerPid(s, 'ai')
      const before = await botLog(s, b.id)
      const lastCandle = Math.max(...before.filter((e) => e.message === 'signal' || e.message === 'no signal').map((e) => (e.data as Seen).candle))
      const nextClose = lastCandle + 2 * MINUTE
      expect(demo.now(), 'the next candle is still open').toBeLessThan(nextClose - demo.speed * 500)
      await new Promise((r) => setTimeout(r, Math.max(0, demo.wallAt(nextClose) - 500 - Date.now())))
      process.kill(ai, 'SIGSTOP')
      const unsignalled = await waitFor('the candle handled without the AI', async () => entries(await botLog(s, b.id), 'no signal').find((e) => e.candle === nextClose - MINUTE), demo.wallMs(MINUTE), 200)
      expect(unsignalled.candle).toBe(nextClose - MINUTE)
      if (isAlive(ai)) process.kill(ai, 'SIGKILL')
      await waitFor('a new AI worker', async () => {
        const w = (await health(s)).workers.find((x) => x.name === 'ai')
        return w?.state === 'running' && w.pid !== ai
      }, 30_000, 200)

      // The restarted AI worker's signals reach the bot again.
      const after = await waitFor('a signal after the restart', async () => entries(await botLog(s, b.id), 'signal').find((e) => e.candle >= nextClose), demo.wallMs(3 * MINUTE, 60_000), 200)
      expect(after.time).toBe(after.candle)

      const final = await bot(s, b.id)
      expect(final.state).toBe('running')
      expect(final.lastError).toBeNull()
      expect(final.restarts).toBe(0)

      // Every decision: the signal the bot saw is the API's signal on that candle, and the order's side follows its score.
      // The bot logs a signal, then orders on it: wait for the order of the last signal too.
      const log = await waitFor('an order logged for every signal the bot saw', async () => {
        const lines = await botLog(s, b.id)
        const orderedOn = new Set(lines.filter((e) => e.message === 'ordered').map((e) => (e.data as { candle: number }).candle))
        return entries(lines, 'signal').every((e) => orderedOn.has(e.candle)) ? lines : undefined
      }, 10_000, 200)
      for (const raw of pushed.all<unknown>('aiSignal')) {
        const signal = AiSignal.parse(raw)
        if (signal.exchange === 'demo' && signal.symbol === 'BTC/USDT' && signal.timeframe === '1m') fromApi.set(signal.time, signal)
      }
      const orders = new Map((await allOrders(s, b.account)).map((o) => [o.id, o]))
      const signals = entries(log, 'signal')
      const ordered = log.filter((e) => e.message === 'ordered').map((e) => e.data as { candle: number; side: string; orderId: string })
      expect(signals.length).toBeGreaterThanOrEqual(2)
      for (const seen of signals) {
        const api = fromApi.get(seen.candle)
        expect(api, `the API's signal on candle ${seen.candle}`).toBeDefined()
        expect(seen.time).toBe(seen.candle)
        expect(seen.score).toBe(api!.score)
        expect(api!.model).not.toBeNull()
        expect(seen.probUp).toBe(api!.model!.probUp)
        expect(seen.noEdge).toBe(!api!.model!.quality.edge)
        const placed = ordered.find((o) => o.candle === seen.candle)
        expect(placed, `an order on candle ${seen.candle}`).toBeDefined()
        expect(placed!.side).toBe(api!.score >= 0 ? 'buy' : 'sell')
        const order = orders.get(placed!.orderId)
        expect(order?.side).toBe(placed!.side)
        expect(order?.status).toBe('filled')
      }
      // The candle without a signal placed nothing.
      expect(ordered.some((o) => o.candle === unsignalled.candle)).toBe(false)
      await waitBot(s, b.id, 'still running', (x) => x.state === 'running')
    } finally {
      polling = false
      pushed.close()
      await poll
    }
  }, 5 * MINUTE)
})
