import { join } from 'node:path'
import { demoClockSetting, demoTimeAt } from '../src/core/market/demo-clock'
import { DEMO_LOAD_INTERVAL_MS, demoLoadFromEnv } from '../src/core/market/demo-load'
import { MarketService } from '../src/core/market/market-service'
import { openMarketStore } from '../src/core/storage/market/open-market-store'
import { runWorker } from './runtime/worker'

// The market worker owns market.db: the demo market (offline default), ccxt feeds, live
// candles, and the watchdogs that say when data can no longer be trusted.
runWorker('market', (ctx) => {
  const demoLoad = demoLoadFromEnv(process.env) // bench-only synthetic load; a bad value fails loudly here
  const demoClock = demoClockSetting(process.env) // tests' fast demo clock; a bad value fails loudly here
  const { store, health } = openMarketStore(join(ctx.dataDir, 'market.db'))
  if (health.problem) ctx.log.error(`${health.problem.file} was damaged (${health.problem.cause}): moved to ${health.problem.preservedAt}, started empty`)
  ctx.emit('storageHealth', health)
  const service = new MarketService({
    store,
    now: Date.now,
    ...(demoClock && { marketNow: () => demoTimeAt(Date.now(), demoClock), demoSpeed: demoClock.speed }),
    demoSeed: Number(process.env.KEEL_DEMO_SEED ?? 20261121),
    // Opt-in hooks for tests, benches and proxies (docs/market-data.md); unset in normal use.
    ccxtUrlOverrides: process.env.KEEL_CCXT_URL_OVERRIDES,
    demoLoad,
    output: {
      event: (e) => ctx.emit(e.name, e.data),
      marketsLoaded: (exchange, markets) => ctx.emit('marketsLoaded', { exchange, markets }),
      exchangeHealth: (health) => ctx.emit('exchangeHealth', health)
    }
  })
  void service.restoreSubscriptions() // a restarted worker resumes the user's live feeds
  // One timer drives everything, so a tick's trades, books, candles and health leave as one
  // IPC message: every 100 ms the demo advances, every 300 ms candles flush (longer timeframes
  // every 1.2 s), every second health is reported.
  let ticks = 0
  const timers = [
    setInterval(() => {
      ticks += 1
      service.tick()
      if (ticks % 3 === 0) service.flushCandles(ticks % 12 === 0)
      if (ticks % 10 === 0) service.reportHealth()
    }, 100),
    ...(demoLoad ? [setInterval(() => service.pumpLoad(), DEMO_LOAD_INTERVAL_MS)] : [])
  ]
  ctx.onShutdown(async () => {
    timers.forEach(clearInterval)
    await service.close()
    store.close()
  })
  // Params arrive parsed by the runtime with each method's api.ts schema.
  return {
    exchanges: () => service.exchanges(),
    markets: (p) => service.markets(p.exchange),
    ticker: (p) => service.ticker(p.exchange, p.symbol),
    orderBook: (p) => service.orderBook(p.exchange, p.symbol, p.depth),
    candles: (p) => service.candles(p),
    subscribe: async (p) => ({ subscribed: await service.subscribe(p) }),
    unsubscribe: async (p) => ({ subscribed: await service.unsubscribe(p) }),
    downloadHistory: (p) => service.downloadHistory(p)
  }
})
