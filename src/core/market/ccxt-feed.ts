import type { Exchange, OHLCV, OrderBook as CcxtOrderBook, Ticker as CcxtTicker, Trade as CcxtTrade } from 'ccxt'
import type { Channel, FeedState } from '../../shared/market'
import type { Candle, MarketInfo, OrderBook, Ticker, Timeframe } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'
import { Backoff, type BackoffOptions } from './backoff'
import { type ExchangeFactoryOptions, createExchange, prepareForPlainWebSockets } from './ccxt-exchange'
import { FeedRequestError, classifyError } from './ccxt-errors'
import { toCandle, toMarketInfo, toOrderBook, toTicker, toTrade } from './ccxt-normalize'
import { type MarketEvent, marketEvent } from './events'
import { ExchangeHealthTracker, type HealthOptions } from './health'
import { sleep } from './sleep'

export interface CcxtFeedOptions {
  exchangeId: string
  /** An exchange instance to use as is (tests, custom setups); otherwise one is created. */
  exchange?: Exchange
  factory?: ExchangeFactoryOptions
  onEvent: (event: MarketEvent) => void
  /** Order book depth for the `orderBook` channel. */
  depth?: number
  /** Timeframe of the `candles` channel. */
  timeframe?: Timeframe
  /** Use REST polling even where ccxt.pro could watch over a WebSocket. */
  forcePolling?: boolean
  pollIntervalMs?: Partial<Record<Channel, number>>
  backoff?: BackoffOptions
  /** The least pause after a rate-limit hit, whatever the backoff says. */
  rateLimitPauseMs?: number
  health?: HealthOptions
  now?: () => number
}

/** ccxt's precision mode where precision values are tick sizes. */
const TICK_SIZE = 4

const DEFAULT_POLL_MS: Record<Channel, number> = { ticker: 2_000, trades: 2_000, orderBook: 1_000, candles: 10_000 }

/** The ccxt method pair behind each channel: push when the exchange has it, poll otherwise. */
const METHODS: Record<Channel, { watch: string; fetch: string }> = {
  ticker: { watch: 'watchTicker', fetch: 'fetchTicker' },
  trades: { watch: 'watchTrades', fetch: 'fetchTrades' },
  orderBook: { watch: 'watchOrderBook', fetch: 'fetchOrderBook' },
  candles: { watch: 'watchOHLCV', fetch: 'fetchOHLCV' }
}

interface Loop {
  controller: AbortController
  done: Promise<void>
}

/** Per-loop memory of the trades already emitted, so overlapping polls do not repeat them. */
class TradeCursor {
  private lastTimestamp = 0
  private idsAtLast = new Set<string>()

  fresh(trades: CcxtTrade[]): CcxtTrade[] {
    const out: CcxtTrade[] = []
    for (const trade of trades) {
      const ts = trade.timestamp ?? 0
      const id = trade.id ?? `${ts}:${trade.price}:${trade.amount}`
      if (ts < this.lastTimestamp || (ts === this.lastTimestamp && this.idsAtLast.has(id))) continue
      if (ts > this.lastTimestamp) {
        this.lastTimestamp = ts
        this.idsAtLast = new Set()
      }
      this.idsAtLast.add(id)
      out.push(trade)
    }
    return out
  }
}

/**
 * Live public market data from one ccxt exchange. Each (symbol, channel) runs its own loop:
 * `watch*` over a WebSocket where ccxt.pro has it, REST polling otherwise. A failing loop
 * backs off exponentially with jitter and then calls again, which, for ccxt.pro, reconnects
 * and resubscribes. Health (latency, errors, rate-limit hits, reconnects) is tracked as it goes.
 */
export class CcxtFeed {
  readonly exchangeId: string
  readonly exchange: Exchange
  readonly health: ExchangeHealthTracker
  private readonly loops = new Map<string, Loop>()
  private readonly now: () => number
  private state: FeedState | 'connecting' = 'connecting'
  private everConnected = false
  private markets: MarketInfo[] | undefined
  private prepared: Promise<void> | undefined

  constructor(private readonly options: CcxtFeedOptions) {
    this.exchangeId = options.exchangeId
    this.exchange = options.exchange ?? createExchange(options.exchangeId, options.factory)
    this.health = new ExchangeHealthTracker(options.exchangeId, options.health)
    this.now = options.now ?? Date.now
  }

  /** Whether a channel is pushed over a WebSocket (true) or polled (false). */
  usesWebSocket(channel: Channel): boolean {
    return !this.options.forcePolling && this.exchange.has[METHODS[channel].watch] === true
  }

  // ── one-shot requests (API answers, history) ──────────────────────────────────────────

  async loadMarkets(reload = false): Promise<MarketInfo[]> {
    if (this.markets && !reload) return this.markets
    const raw = await this.request('loadMarkets', () => this.exchange.loadMarkets(reload))
    const markets: MarketInfo[] = []
    for (const market of Object.values(raw)) {
      if (!market || market.spot !== true) continue // Keel trades spot
      try {
        markets.push(toMarketInfo(this.exchangeId, market, this.exchange.precisionMode ?? TICK_SIZE))
      } catch (error) {
        this.health.recordFailure(classifyError(error).message) // one odd market must not hide the rest
      }
    }
    this.markets = markets
    return markets
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const raw = await this.request(`fetchTicker ${symbol}`, () => this.exchange.fetchTicker(symbol))
    return toTicker(this.exchangeId, symbol, raw, this.now())
  }

  async fetchOrderBook(symbol: string, depth = this.options.depth ?? 20): Promise<OrderBook> {
    const raw = await this.request(`fetchOrderBook ${symbol}`, () => this.exchange.fetchOrderBook(symbol, depth))
    return toOrderBook(this.exchangeId, symbol, raw, depth, this.now())
  }

  async fetchOHLCV(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<Candle[]> {
    const raw = await this.request(`fetchOHLCV ${symbol} ${timeframe}`, () => this.exchange.fetchOHLCV(symbol, timeframe, since, limit))
    return raw.map(toCandle)
  }

  /** The most candles one fetchOHLCV may return (ccxt's `features`; 500 if it does not say). */
  get ohlcvPageLimit(): number {
    const features = this.exchange.features as { spot?: { fetchOHLCV?: { limit?: number } } } | undefined
    const limit = features?.spot?.fetchOHLCV?.limit
    return typeof limit === 'number' && limit > 0 ? limit : 500
  }

  /** Runs one request, timing it into health; failures become a FeedRequestError. */
  private async request<T>(what: string, call: () => Promise<T>): Promise<T> {
    const started = this.now()
    try {
      const result = await call()
      this.health.recordSuccess(this.now(), this.now() - started)
      return result
    } catch (error) {
      const classified = classifyError(error)
      this.health.recordFailure(classified.message, { rateLimited: classified.kind === 'rate-limit' })
      throw new FeedRequestError(this.exchangeId, what, classified.kind, classified.message)
    }
  }

  // ── streaming ─────────────────────────────────────────────────────────────────────────

  subscribe(symbols: readonly string[], channels: readonly Channel[]): string[] {
    const started: string[] = []
    for (const symbol of symbols) {
      for (const channel of channels) {
        const key = `${channel}:${symbol}`
        if (this.loops.has(key)) continue
        const controller = new AbortController()
        const done = this.runLoop(symbol, channel, controller.signal)
        this.loops.set(key, { controller, done })
        started.push(key)
      }
    }
    return started
  }

  async unsubscribe(symbols: readonly string[], channels: readonly Channel[]): Promise<void> {
    const stopping: Promise<void>[] = []
    for (const symbol of symbols) {
      for (const channel of channels) {
        const key = `${channel}:${symbol}`
        const loop = this.loops.get(key)
        if (!loop) continue
        loop.controller.abort()
        this.loops.delete(key)
        stopping.push(loop.done)
      }
    }
    // A pending watch* only settles on the next message; do not wait for it to stop.
    await Promise.race([Promise.all(stopping), sleep(50)])
  }

  get subscriptions(): string[] {
    return [...this.loops.keys()]
  }

  async close(): Promise<void> {
    for (const loop of this.loops.values()) loop.controller.abort()
    this.loops.clear()
    const closable = this.exchange as Exchange & { close?: () => Promise<void> }
    if (typeof closable.close === 'function') await closable.close().catch(() => undefined)
  }

  private async runLoop(symbol: string, channel: Channel, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.options.backoff)
    const push = this.usesWebSocket(channel)
    const cursor = new TradeCursor()
    let symbolFailing = false
    while (!signal.aborted) {
      const started = this.now()
      try {
        if (push) await (this.prepared ??= prepareForPlainWebSockets(this.exchange))
        const events = await this.receive(symbol, channel, push, cursor)
        if (signal.aborted) return
        // A pushed message has no request latency; it still counts as a success for the error rate.
        this.health.recordSuccess(this.now(), push ? undefined : this.now() - started)
        this.connectionUp()
        if (symbolFailing) this.emitStatus('connected', 'recovered', symbol)
        symbolFailing = false
        backoff.reset()
        for (const event of events) this.options.onEvent(event)
        if (!push) await sleep(this.options.pollIntervalMs?.[channel] ?? DEFAULT_POLL_MS[channel], signal)
      } catch (error) {
        if (signal.aborted) return
        const classified = classifyError(error)
        const rateLimited = classified.kind === 'rate-limit'
        this.health.recordFailure(classified.message, { rateLimited })
        if (classified.kind === 'bad-symbol') {
          // Retrying cannot help: the exchange does not list the symbol.
          this.emitStatus('error', classified.message, symbol)
          this.loops.delete(`${channel}:${symbol}`)
          return
        }
        if (classified.kind === 'network' || rateLimited) this.connectionDown(classified.message)
        else {
          symbolFailing = true
          this.emitStatus('error', `${channel}: ${classified.message}`, symbol)
        }
        const pause = Math.max(backoff.next(), rateLimited ? (this.options.rateLimitPauseMs ?? 5_000) : 0)
        await sleep(pause, signal)
      }
    }
  }

  /** One round of a channel: the next push, or one poll. */
  private async receive(symbol: string, channel: Channel, push: boolean, cursor: TradeCursor): Promise<MarketEvent[]> {
    const ex = this.exchange
    const id = this.exchangeId
    const depth = this.options.depth ?? 20
    const timeframe = this.options.timeframe ?? '1m'
    switch (channel) {
      case 'ticker': {
        const raw: CcxtTicker = push ? await ex.watchTicker(symbol) : await ex.fetchTicker(symbol)
        return [marketEvent('ticker', toTicker(id, symbol, raw, this.now()))]
      }
      case 'trades': {
        const raw: CcxtTrade[] = push ? await ex.watchTrades(symbol) : await ex.fetchTrades(symbol)
        return cursor.fresh(raw).map((trade) => marketEvent('trade', toTrade(id, symbol, trade)))
      }
      case 'orderBook': {
        const raw: CcxtOrderBook = push ? await ex.watchOrderBook(symbol, depth) : await ex.fetchOrderBook(symbol, depth)
        return [marketEvent('orderBook', toOrderBook(id, symbol, raw, depth, this.now()))]
      }
      case 'candles': {
        const raw: OHLCV[] = push ? await ex.watchOHLCV(symbol, timeframe) : await ex.fetchOHLCV(symbol, timeframe, undefined, 2)
        const now = this.now()
        return raw.map((row) => {
          const candle = toCandle(row)
          const closed = candle[0] + TIMEFRAME_MS[timeframe] <= now
          return marketEvent('candle', { exchange: id, symbol, timeframe, candle, closed })
        })
      }
    }
  }

  private connectionUp(): void {
    if (this.state === 'connected') return
    if (this.everConnected) this.health.recordReconnect() // a first connection is not a *re*connect
    this.everConnected = true
    this.state = 'connected'
    this.emitStatus('connected')
  }

  private connectionDown(reason: string): void {
    this.health.markDisconnected(reason)
    if (this.state === 'reconnecting') return
    this.state = 'reconnecting'
    this.emitStatus('reconnecting', reason)
  }

  private emitStatus(status: FeedState, reason?: string, symbol?: string): void {
    this.options.onEvent(
      marketEvent('feedStatus', { exchange: this.exchangeId, status, timestamp: this.now(), ...(symbol ? { symbol } : {}), ...(reason ? { reason } : {}) })
    )
  }
}
