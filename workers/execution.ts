import { join } from 'node:path'
import type { z } from 'zod'
import { executionFeed } from '../src/shared/internal-events'
import { AccountParams, ListFillsParams, ListOrdersParams } from '../src/shared/trading'
import { ExecutionService } from '../src/core/execution/execution-service'
import { openProtections } from '../src/core/protections'
import { TradingStore } from '../src/core/storage/trading'
import { runWorker, validated } from './runtime/worker'

// The execution worker owns trading.db: the paper exchange and its order journal. It restores
// open orders, stops and balances from the database on every start and carries on.
runWorker((ctx) => {
  const store = TradingStore.open(join(ctx.dataDir, 'trading.db'))
  const service = new ExecutionService(store, { event: (name, payload) => ctx.emit(name, payload) }, Date.now)
  ctx.onShutdown(() => store.close())
  const protections = openProtections(ctx.dataDir, service, store, (event, payload) => ctx.emit(event, payload), (why) => ctx.log.error(why))

  const feed = <S extends z.ZodType>(name: keyof typeof executionFeed, schema: S, handle: (payload: z.output<S>) => void): void =>
    ctx.onNotify(name, (raw) => {
      const parsed = schema.safeParse(raw)
      if (parsed.success) handle(parsed.data)
      else ctx.log.warn(`ignored malformed ${name} from the host`)
    })
  feed('markets', executionFeed.markets, (m) => service.setMarkets(m.exchange, m.markets))
  feed('trade', executionFeed.trade, (t) => service.trade(t))
  feed('orderBook', executionFeed.orderBook, (b) => service.book(b))
  feed('ticker', executionFeed.ticker, (t) => service.ticker(t))
  feed('replayed', executionFeed.replayed, (r) => (r.name === 'orderBook' ? service.book(r.payload, r.receivedAt) : service.ticker(r.payload, r.receivedAt)))

  // The engine validates command params itself (and journals the refusal); these schemas only
  // shape the read-only queries. (Parsing commands here too was a third parse after the router's.)
  return {
    placeOrder: (p) => service.command('placeOrder', p),
    cancelOrder: (p) => service.command('cancelOrder', p),
    cancelAll: (p) => service.command('cancelAll', p),
    amendOrder: (p) => service.command('amendOrder', p),
    resetAccount: (p) => service.command('resetAccount', p),
    listOrders: validated(ListOrdersParams, (p) => service.listOrders(p)),
    listFills: validated(ListFillsParams, (p) => service.listFills(p)),
    balances: validated(AccountParams, (p) => service.balances(p)),
    positions: validated(AccountParams, (p) => service.positions(p)),
    accountSummary: validated(AccountParams, (p) => service.accountSummary(p)),
    ...protections.handlers()
  }
})
