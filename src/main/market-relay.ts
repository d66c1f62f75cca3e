import type { ZodError } from 'zod'
import type { ExchangeHealth } from '../shared/market'
import { internalEvents, type ExecutionFeedName } from '../shared/internal-events'
import { describeZodError } from '../shared/errors'
import { Disposables } from '../core/util/disposables'
import type { Logger } from './logger'
import type { Supervisor } from './supervisor/supervisor'

/** What execution needs from the market stream; of it, what a restarted worker needs at once. */
const RELAYED: ReadonlySet<string> = new Set<ExecutionFeedName>(['trade', 'orderBook', 'ticker', 'feedStatus'])
type Replayed = 'orderBook' | 'ticker'
const isReplayed = (name: string): name is Replayed => name === 'orderBook' || name === 'ticker'

/**
 * "Others ask the owner": the market worker owns market data, the execution worker needs it.
 * The host relays market events to execution and keeps what a restarted execution worker needs
 * at once (markets, latest books and tickers, feed status), replaying it when execution is ready.
 */
export class MarketRelay {
  private readonly markets = new Map<string, unknown>()
  private readonly latest = new Map<string, { name: Replayed; payload: unknown; receivedAt: number }>()
  exchangeHealth: ExchangeHealth[] = []
  private readonly disposables = new Disposables()

  constructor(
    private readonly supervisor: Supervisor,
    private readonly log: Logger
  ) {
    this.disposables.add(
      supervisor.listen({
        onReady: (worker) => {
          if (worker === 'execution') this.replay()
        }
      })
    )
  }

  /** Stops listening to the supervisor. */
  dispose(): void {
    this.disposables.dispose()
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
      this.supervisor.notify('execution', name, payload)
      if (isReplayed(name)) this.latest.set(`${name}:${keyOf(payload)}`, { name, payload, receivedAt: Date.now() })
    }
    return false
  }

  private replay(): void {
    for (const markets of this.markets.values()) this.supervisor.notify('execution', 'markets', markets)
    for (const item of this.latest.values()) this.supervisor.notify('execution', 'replayed', item)
  }

  private drop(name: string, error: ZodError): true {
    this.log.warn(`dropped malformed ${name} from market: ${describeZodError(error)}`)
    return true
  }
}

function keyOf(payload: unknown): string {
  const p = payload as { exchange?: unknown; symbol?: unknown }
  return `${String(p.exchange)}:${String(p.symbol ?? '*')}`
}

