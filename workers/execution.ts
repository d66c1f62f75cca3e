import { join } from 'node:path'
import { executionFeed } from '../src/shared/internal-events'
import { ExecutionService } from '../src/core/execution/execution-service'
import { TradingStore } from '../src/core/storage/trading'
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

  // Params arrive parsed by the runtime with each method's api.ts schema.
  return {
    placeOrder: (p) => service.placeOrder(p),
    cancelOrder: (p) => service.cancelOrder(p),
    cancelAll: (p) => service.cancelAll(p),
    amendOrder: (p) => service.amendOrder(p),
    resetAccount: (p) => service.resetAccount(p),
    listOrders: (p) => service.listOrders(p),
    listFills: (p) => service.listFills(p),
    balances: (p) => service.balances(p),
    positions: (p) => service.positions(p),
    accountSummary: (p) => service.accountSummary(p)
  }
})
