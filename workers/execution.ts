import { join } from 'node:path'
import { executionFeed } from '../src/shared/internal-events'
import { ExecutionService } from '../src/core/execution/execution-service'
import { TradingStore } from '../src/core/storage/trading'
import { executionHandlers } from './execution-handlers'
import { runWorker } from './runtime/worker'

// The execution worker owns trading.db: the paper exchange and its order journal. It restores
// open orders, stops and balances from the database on every start and carries on.
runWorker('execution', (ctx) => {
  const store = TradingStore.open(join(ctx.dataDir, 'trading.db'))
  const service = new ExecutionService(store, { event: (name, payload) => ctx.emit(name, payload) }, Date.now)
  ctx.onShutdown(() => store.close())

  ctx.onNotify('markets', executionFeed.markets, (m) => service.setMarkets(m.exchange, m.markets))
  ctx.onNotify('trade', executionFeed.trade, (t) => service.trade(t))
  ctx.onNotify('orderBook', executionFeed.orderBook, (b) => service.book(b))
  ctx.onNotify('ticker', executionFeed.ticker, (t) => service.ticker(t))
  ctx.onNotify('replayed', executionFeed.replayed, (r) => (r.name === 'orderBook' ? service.book(r.payload, r.receivedAt) : service.ticker(r.payload, r.receivedAt)))

  return executionHandlers(service)
})
