import { join } from 'node:path'
import { z } from 'zod'
import { CandleEvent } from '../src/shared/market'
import { Ticker } from '../src/shared/market-data'
import { FillCreated, OrderUpdated } from '../src/shared/trading'
import { BacktestService } from '../src/core/backtest/service'
import { backtestHandlers } from '../src/core/backtest/handlers'
import { RunCandles } from '../src/core/backtest/run-candles'
import { SweepService } from '../src/core/backtest/sweep-service'
import { sweepHandlers } from '../src/core/backtest/sweep-handlers'
import { replayHandlers } from '../src/core/backtest/replay-handlers'
import { BotManager } from '../src/core/strategy/bot-manager'
import { runWorker } from './runtime/worker'
import { marketClockFromEnv } from '../src/core/market/demo-clock'

// The strategy worker runs user bots, quarantined: it holds no money state (execution owns
// every order and balance), so a bot that loops, leaks or throws costs only its own thread, and
// killing this whole process for any reason never touches an order. It owns strategy.db.
// Backtests run here too, each on its own worker thread (results in backtests.db).
runWorker('strategy', (ctx) => {
  const manager = new BotManager({
    dataDir: ctx.dataDir,
    threadEntry: process.env.KEEL_BOT_THREAD_ENTRY ?? join(__dirname, 'worker-strategy-bot.js'),
    call: (method, params) => ctx.call(method, params),
    emit: (event, payload) => ctx.emit(event, payload),
    log: ctx.log,
    now: marketClockFromEnv(process.env) // bots live on market time (the demo's clock runs fast only in tests)
  })
  ctx.onShutdown(() => manager.stop())
  const backtests = new BacktestService({ dataDir: ctx.dataDir, emit: (progress) => ctx.emit('backtestProgress', progress) })
  ctx.onShutdown(() => backtests.close())
  const runCandles = new RunCandles(ctx.dataDir, (id) => backtests.get(id).report)
  // Sweeps and walk-forwards resume here after a restart, from backtests.db.
  const sweeps = new SweepService({ dataDir: ctx.dataDir, emitSweep: (p) => ctx.emit('sweepProgress', p), emitWalkForward: (p) => ctx.emit('walkForwardProgress', p) })
  ctx.onShutdown(() => sweeps.close())

  ctx.onNotify('candle', CandleEvent, (e) => manager.candle(e))
  ctx.onNotify('ticker', Ticker, (t) => manager.ticker(t))
  ctx.onNotify('fillCreated', FillCreated, (f) => manager.fill(f))
  ctx.onNotify('orderUpdated', OrderUpdated, (o) => manager.orderUpdated(o))
  ctx.onNotify('killSwitchChanged', z.object({ engaged: z.boolean() }), ({ engaged }) => {
    if (engaged) void manager.halt('kill switch engaged: every bot halted')
  })

  // The strategy files load and the bots resume right after ready (the bot methods wait for
  // it): a restart is not held up by compiling and probing every file. If that fails, the
  // worker fails as a start-up failure does, and the supervisor restarts it.
  setImmediate(() => {
    manager.start().catch((err: unknown) => {
      ctx.log.error('the bots could not be loaded:', err)
      process.exit(70)
    })
  })
  return {
    listStrategies: () => manager.listStrategies(),
    createBot: (p) => manager.createBot(p),
    updateBot: (p) => manager.updateBot(p),
    startBot: (p) => manager.startBot(p.id),
    stopBot: (p) => manager.stopBot(p),
    deleteBot: (p) => manager.deleteBot(p.id),
    listBots: () => manager.listBots(),
    botLog: (p) => manager.botLog(p),
    ...backtestHandlers(backtests),
    backtestCandles: (p) => runCandles.page(p),
    ...sweepHandlers(sweeps),
    ...replayHandlers(ctx.dataDir, (method, params) => ctx.call(method, params))
  }
})
