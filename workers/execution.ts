import { executionFeed } from '../src/shared/internal-events'
import { ExecutionService } from '../src/core/execution/execution-service'
import { openProtections } from '../src/core/protections'
import { marketClockFromEnv } from '../src/core/market/demo-clock'
import { recorderOptionsFromEnv, SessionRecorder } from '../src/core/backtest/replay-recorder'
import { TradingDatabase } from '../src/core/storage/trading/trading-database'
import { executionHandlers } from './execution-handlers'
import { FeedMemory } from './execution-feed-memory'
import { runWorker } from './runtime/worker'

const MINUTE = 60_000

// The execution worker owns trading.db: the paper exchange and its order journal. It restores
// open orders, stops and balances from the database on every start and carries on. A damaged
// database does not crash-loop it: it stays up, refuses trading with the cause, and offers a
// restore of the newest backup (or, only when asked, a new account).
runWorker('execution', (ctx) => {
  let service: ExecutionService | undefined
  const marketNow = marketClockFromEnv(process.env) // the demo's clock, sped up only in tests
  const memory = new FeedMemory(Date.now)
  const recorder = new SessionRecorder(recorderOptionsFromEnv(ctx.dataDir, (why) => ctx.log.error(why)))
  const protections = openProtections(ctx.dataDir, () => live(), (event, payload) => ctx.emit(event, payload), (why) => ctx.log.error(why), marketNow)
  const db = new TradingDatabase({
    dataDir: ctx.dataDir,
    log: ctx.log,
    keepBackups: Number(process.env.KEEL_BACKUP_KEEP ?? 5),
    onStatus: (health) => ctx.emit('storageHealth', health),
    onOpen: (store) => {
      service = new ExecutionService(store, { event: (name, payload) => ctx.emit(name, payload) }, Date.now, undefined, undefined, marketNow)
      service.setOrderGuard((params) => protections.refusal(params))
      service.record(recorder)
      memory.replayInto(service)
    }
  })
  db.open()
  db.scheduleBackups(Number(process.env.KEEL_BACKUP_INTERVAL_MS ?? 10 * MINUTE))
  ctx.onShutdown(() => {
    recorder.close()
    return db.close(true)
  })

  const feedTarget = () => service ?? memory
  ctx.onNotify('markets', executionFeed.markets, (m) => feedTarget().setMarkets(m.exchange, m.markets))
  ctx.onNotify('trade', executionFeed.trade, (t) => service?.trade(t))
  ctx.onNotify('orderBook', executionFeed.orderBook, (b) => feedTarget().book(b))
  ctx.onNotify('ticker', executionFeed.ticker, (t) => feedTarget().ticker(t))
  ctx.onNotify('replayed', executionFeed.replayed, (r) => (r.name === 'orderBook' ? feedTarget().book(r.payload, r.receivedAt) : feedTarget().ticker(r.payload, r.receivedAt)))

  /** Every trading method answers the storage's refusal while trading.db is refused. */
  const live = (): ExecutionService => {
    if (!service || !db.store) throw db.refusal()
    return service
  }

  return executionHandlers(live, db, protections, recorder)
})
