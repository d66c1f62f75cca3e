import type { ExchangeHealth } from '../shared/market'
import { executionFeed, internalEvents, type ExecutionFeedName } from '../shared/internal-events'
import { describeZodError } from '../shared/errors'
import type { Logger } from './logger'
import type { Supervisor } from './supervisor/supervisor'

const RELAYED = new Set<string>(['trade', 'orderBook', 'ticker', 'feedStatus'])
const REPLAYED = new Set<string>(['orderBook', 'ticker'])

/**
 * "Others ask the owner": the market worker owns market data, the execution worker needs it.
 * The host relays market events to execution and keeps what a restarted execution worker needs
 * at once (markets, latest books and tickers, feed status), replaying it when execution is ready.
 */
export class MarketRelay {
  private readonly markets = new Map<string, unknown>()
  private readonly latest = new Map<string, { name: 'orderBook' | 'ticker'; payload: unknown; receivedAt: number }>()
  exchangeHealth: ExchangeHealth[] = []

  constructor(
    private readonly supervisor: Supervisor,
    private readonly log: Logger
  ) {
    supervisor.listen({
      onReady: (worker) => {
        if (worker === 'execution') this.replay()
      }
    })
  }

  /** Handles a market-worker event; returns true when it was host-internal (not for clients). */
  fromMarket(name: string, payload: unknown): boolean {
    if (name === 'marketsLoaded') {
      const parsed = internalEvents.marketsLoaded.safeParse(payload)
      if (!parsed.success) return this.drop(name, parsed.error)
      this.markets.set(parsed.data.exchange, parsed.data)
      this.supervisor.notify('execution', 'markets', parsed.data)
      return true
    }
    if (name === 'exchangeHealth') {
      const parsed = internalEvents.exchangeHealth.safeParse(payload)
      if (!parsed.success) return this.drop(name, parsed.error)
      this.exchangeHealth = parsed.data
      return true
    }
    if (RELAYED.has(name)) {
      const feedName = name as ExecutionFeedName
      this.supervisor.notify('execution', feedName, payload)
      if (REPLAYED.has(feedName)) {
        this.latest.set(`${feedName}:${keyOf(payload)}`, { name: feedName as 'orderBook' | 'ticker', payload, receivedAt: Date.now() })
      }
    }
    return false
  }

  private replay(): void {
    for (const markets of this.markets.values()) this.supervisor.notify('execution', 'markets', markets)
    for (const item of this.latest.values()) this.supervisor.notify('execution', 'replayed', item)
  }

  private drop(name: string, error: import('zod').ZodError): true {
    this.log.warn(`dropped malformed ${name} from market: ${describeZodError(error)}`)
    return true
  }
}

function keyOf(payload: unknown): string {
  const p = payload as { exchange?: unknown; symbol?: unknown }
  return `${String(p.exchange)}:${String(p.symbol ?? '*')}`
}

export { executionFeed }
