import type { z } from 'zod'
import { executionFeed } from '../src/shared/internal-events'
import { RestoreBackupParams, StartFreshAccountParams, StorageStatusParams } from '../src/shared/storage'
import { AccountParams, ListFillsParams, ListOrdersParams } from '../src/shared/trading'
import { ExecutionService } from '../src/core/execution/execution-service'
import { TradingDatabase } from '../src/core/storage/trading/trading-database'
import { FeedMemory } from './execution-feed-memory'
import { runWorker, validated } from './runtime/worker'

const MINUTE = 60_000

// The execution worker owns trading.db: the paper exchange and its order journal. It restores
// open orders, stops and balances from the database on every start and carries on. A damaged
// database does not crash-loop it: it stays up, refuses trading with the cause, and offers a
// restore of the newest backup (or, only when asked, a new account).
runWorker((ctx) => {
  let service: ExecutionService | undefined
  const memory = new FeedMemory(Date.now)
  const db = new TradingDatabase({
    dataDir: ctx.dataDir,
    log: ctx.log,
    keepBackups: Number(process.env.KEEL_BACKUP_KEEP ?? 5),
    onStatus: (health) => ctx.emit('storageHealth', health),
    onOpen: (store) => {
      service = new ExecutionService(store, { event: (name, payload) => ctx.emit(name, payload) }, Date.now)
      memory.replayInto(service)
    }
  })
  db.open()
  db.scheduleBackups(Number(process.env.KEEL_BACKUP_INTERVAL_MS ?? 10 * MINUTE))
  ctx.onShutdown(() => db.close(true))

  const feedTarget = () => service ?? memory
  const feed = <S extends z.ZodType>(name: keyof typeof executionFeed, schema: S, handle: (payload: z.output<S>) => void): void =>
    ctx.onNotify(name, (raw) => {
      const parsed = schema.safeParse(raw)
      if (parsed.success) handle(parsed.data)
      else ctx.log.warn(`ignored malformed ${name} from the host`)
    })
  feed('markets', executionFeed.markets, (m) => feedTarget().setMarkets(m.exchange, m.markets))
  feed('trade', executionFeed.trade, (t) => service?.trade(t))
  feed('orderBook', executionFeed.orderBook, (b) => feedTarget().book(b))
  feed('ticker', executionFeed.ticker, (t) => feedTarget().ticker(t))
  feed('replayed', executionFeed.replayed, (r) => (r.name === 'orderBook' ? feedTarget().book(r.payload, r.receivedAt) : feedTarget().ticker(r.payload, r.receivedAt)))

  /** Every trading method answers the storage's refusal while trading.db is refused. */
  const live = (): ExecutionService => {
    if (!service || !db.store) throw db.refusal()
    return service
  }

  // The engine validates command params itself (and journals the refusal); these schemas only
  // shape the read-only queries. (Parsing commands here too was a third parse after the router's.)
  return {
    placeOrder: (p) => live().command('placeOrder', p),
    cancelOrder: (p) => live().command('cancelOrder', p),
    cancelAll: (p) => live().command('cancelAll', p),
    amendOrder: (p) => live().command('amendOrder', p),
    resetAccount: (p) => live().command('resetAccount', p),
    listOrders: validated(ListOrdersParams, (p) => live().listOrders(p)),
    listFills: validated(ListFillsParams, (p) => live().listFills(p)),
    balances: validated(AccountParams, (p) => live().balances(p)),
    positions: validated(AccountParams, (p) => live().positions(p)),
    accountSummary: validated(AccountParams, (p) => live().accountSummary(p)),
    storageStatus: validated(StorageStatusParams, () => db.status()),
    backupNow: validated(StorageStatusParams, () => db.backupNow()),
    restoreBackup: validated(RestoreBackupParams, (p) => db.restore(p)),
    startFreshAccount: validated(StartFreshAccountParams, () => db.startFresh())
  }
})
