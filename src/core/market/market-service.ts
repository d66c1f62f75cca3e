import type { CandlesParams, DownloadHistoryParams, ExchangeHealth, ExchangesResult, SubscribeParams } from '../../shared/market'
import { type Channel, Channel as ChannelSchema } from '../../shared/market'
import type { Candle, MarketInfo, OrderBook, Ticker, Timeframe } from '../../shared/market-data'
import { TIMEFRAME_MS, Timeframe as TimeframeSchema } from '../../shared/market-data'
import { type ErrorCode, KeelError } from '../../shared/errors'
import type { MarketStore } from '../storage/market/market-store'
import type { FeedErrorKind, FeedRequestError } from './ccxt-errors'
import type { CcxtFeed } from './ccxt-feed'
import { CandleAggregator, expectedCandles, mergeCandles } from './candles'
import { DemoLoad, type DemoLoadRates } from './demo-load'
import { DemoMarket } from './demo-market'
import { DEMO_EXCHANGE_ID } from './demo-symbols'
import type { MarketEvent } from './events'
import { ExchangeHealthTracker } from './health'
import type { HistoryQueue } from './history-queue'
import { DEFAULT_STALE_AFTER_MS, StalenessWatchdog } from './staleness'
import type { UrlOverride } from './ccxt-exchange'
import { parseUrlOverrides } from './url-overrides'

/** Where the service sends what it produces: client events and host-internal reports. */
export interface MarketOutput {
  event(event: MarketEvent): void
  marketsLoaded(exchange: string, markets: MarketInfo[]): void
  exchangeHealth(health: ExchangeHealth[]): void
}

export interface MarketServiceOptions {
  store: MarketStore
  output: MarketOutput
  /** Wall time: staleness, exchange health. */
  now: () => number
  /**
   * Market time: the demo's simulation, candle closes, candle queries, history ranges (default
   * `now`). A sped-up demo clock (demo-clock.ts) runs ahead of the wall clock.
   */
  marketNow?: () => number
  /** How many times faster than real time `marketNow` runs; live exchanges are refused unless 1. */
  demoSpeed?: number
  demoSeed: number
  /** How ccxt feeds are made (tests point them at a loopback server). Loaded lazily: ccxt is heavy. */
  createFeed?: (exchangeId: string, onEvent: (e: MarketEvent) => void) => Promise<CcxtFeed>
  staleAfterMs?: { demo: number; live: number }
  /**
   * `KEEL_CCXT_URL_OVERRIDES` as given (JSON, see url-overrides.ts): origins that replace the
   * exchanges' own (a loopback fake in tests, a local proxy). Parsed here so a bad value fails
   * ccxt requests with a clear message instead of crashing the worker that also runs the demo.
   */
  ccxtUrlOverrides?: string
  /** Synthetic demo load (benches): extra tickers/trades per second, see demo-load.ts. */
  demoLoad?: DemoLoadRates
}

const LIVE_TIMEFRAMES = TimeframeSchema.options
/** Closed live candles kept per series in memory for the demo (its history is synthetic). */
const MAX_LIVE_CANDLES = 5_000

/**
 * The market worker's brain: runs the demo market (always; it is the offline default) and any
 * ccxt feeds the user subscribes to, builds live candles from trades, watches staleness and
 * exchange health, and answers queries. Host-independent; the worker drives `tick()`.
 */
export class MarketService {
  readonly demo: DemoMarket
  private readonly feeds = new Map<string, CcxtFeed>()
  /** The market list last handed to the host, per exchange. */
  private readonly marketsRelayed = new Map<string, MarketInfo[]>()
  private readonly health = new Map<string, ExchangeHealthTracker>()
  private readonly aggregators = new Map<string, CandleAggregator>()
  private readonly liveCandles = new Map<string, Candle[]>()
  private readonly changedCandles = new Set<string>()
  private readonly demoWatch: StalenessWatchdog
  private readonly liveWatch: StalenessWatchdog
  private history: HistoryQueue | undefined
  private readonly load: DemoLoad | undefined
  private readonly urlOverrides: Record<string, UrlOverride> | Error

  private readonly marketNow: () => number

  constructor(private readonly options: MarketServiceOptions) {
    const now = options.now()
    this.marketNow = options.marketNow ?? options.now
    this.demo = new DemoMarket({ seed: options.demoSeed, startTime: this.marketNow(), ...demoPacing(options.demoSpeed ?? 1) })
    this.load = options.demoLoad ? new DemoLoad(this.demo, options.demoLoad) : undefined
    try {
      this.urlOverrides = parseUrlOverrides(options.ccxtUrlOverrides)
    } catch (error) {
      this.urlOverrides = error instanceof Error ? error : new Error(String(error))
    }
    this.demoWatch = new StalenessWatchdog(options.staleAfterMs?.demo ?? DEFAULT_STALE_AFTER_MS.demo)
    this.liveWatch = new StalenessWatchdog(options.staleAfterMs?.live ?? DEFAULT_STALE_AFTER_MS.live)
    this.health.set(DEMO_EXCHANGE_ID, new ExchangeHealthTracker(DEMO_EXCHANGE_ID))
    for (const symbol of this.demo.symbols) this.demoWatch.watch(DEMO_EXCHANGE_ID, symbol, now)
    options.output.marketsLoaded(DEMO_EXCHANGE_ID, this.demo.markets())
  }

  /** Advance the demo to now and publish what happened (called every ~100 ms). */
  tick(): void {
    for (const event of this.demo.advance(this.marketNow())) this.accept(event, this.demoWatch)
  }

  /** Emit the synthetic load due by now (only when `demoLoad` is set; the worker calls it every few ms). */
  pumpLoad(): void {
    if (!this.load) return
    for (const event of this.load.due()) this.accept(event, this.demoWatch)
  }

  /**
   * Publish open candles that changed, close due ones, check staleness (called every ~300 ms).
   * The 1m candle updates on every call; longer timeframes once a second (`fullFlush`), which
   * is all a chart needs and keeps the event rate low.
   */
  flushCandles(fullFlush = true): void {
    const now = this.options.now()
    const marketNow = this.marketNow()
    for (const [key, aggregator] of this.aggregators) {
      const closed = aggregator.closeIfDue(marketNow)
      if (closed) this.publishCandle(key, closed, true)
    }
    for (const key of this.changedCandles) {
      if (!fullFlush && !key.endsWith('|1m')) continue
      const open = this.aggregators.get(key)?.openCandle
      if (open) this.publishCandle(key, open, false)
      this.changedCandles.delete(key)
    }
    for (const watch of [this.demoWatch, this.liveWatch]) {
      for (const status of watch.check(now)) this.options.output.event({ name: 'feedStatus', data: status })
    }
  }

  reportHealth(): void {
    const now = this.options.now()
    this.options.output.exchangeHealth([...this.health.values()].map((h) => h.snapshot(now)))
  }

  async exchanges(): Promise<ExchangesResult> {
    const { listExchanges } = await import('./exchanges')
    return listExchanges()
  }

  async markets(exchange: string): Promise<MarketInfo[]> {
    if (exchange === DEMO_EXCHANGE_ID) return this.demo.markets()
    const feed = await this.feed(exchange)
    const markets = await exchangeCall(() => feed.loadMarkets())
    // Relay a list once per load (the feed caches it, the host keeps it for a restarted
    // execution worker): each relay is parsed three times and written to trading.db, which for
    // binance is thousands of rows, and subscribe() asks for the markets on every call.
    if (this.marketsRelayed.get(exchange) !== markets) {
      this.marketsRelayed.set(exchange, markets)
      this.options.output.marketsLoaded(exchange, markets)
    }
    return markets
  }

  async ticker(exchange: string | undefined, symbol: string): Promise<Ticker> {
    if (!exchange || exchange === DEMO_EXCHANGE_ID) return this.demoCall(() => this.demo.ticker(symbol))
    const feed = await this.feed(exchange)
    return exchangeCall(() => feed.fetchTicker(symbol))
  }

  async orderBook(exchange: string | undefined, symbol: string, depth: number): Promise<OrderBook> {
    if (!exchange || exchange === DEMO_EXCHANGE_ID) return this.demoCall(() => this.demo.orderBook(symbol, depth))
    const feed = await this.feed(exchange)
    return exchangeCall(() => feed.fetchOrderBook(symbol, depth))
  }

  async candles(params: CandlesParams): Promise<Candle[]> {
    const exchange = params.exchange ?? DEMO_EXCHANGE_ID
    const { symbol, timeframe, limit } = params
    const step = TIMEFRAME_MS[timeframe]
    const now = this.marketNow()
    const until = params.before ?? Math.floor(now / step) * step + step
    const since = params.since ?? until - limit * step
    let series: Candle[]
    if (exchange === DEMO_EXCHANGE_ID) {
      await this.demoCall(() => this.demo.prepareHistory(symbol, timeframe, since))
      const history = this.demoCall(() => this.demo.historicalCandles(symbol, timeframe, since, until))
      const key = seriesKey(exchange, symbol, timeframe)
      const open = this.aggregators.get(key)?.openCandle
      series = mergeCandles(history, this.liveCandles.get(key) ?? [], open ? [open] : [])
    } else {
      const stored = this.options.store.candles({ exchange, symbol, timeframe, since: params.before ? undefined : since, before: params.before, limit })
      // market.db answers only when it has every closed candle of the window; a partial store
      // (say 48 h downloaded, 500 h asked) used to answer with just what it had.
      const windowEnd = Math.min(params.since !== undefined ? since + limit * step : until, Math.floor(now / step) * step)
      const have = stored.filter(([t]) => t >= since && t < windowEnd).length
      const complete = have >= expectedCandles(timeframe, since, windowEnd)
      series = complete ? stored : mergeCandles(stored, await this.fetchAndStore(exchange, symbol, timeframe, since, limit))
      const open = this.aggregators.get(seriesKey(exchange, symbol, timeframe))?.openCandle
      if (open) series = mergeCandles(series, [open]) // the live candle, as for the demo
    }
    const inRange = series.filter(([t]) => t >= since && t < until)
    return params.before || params.since === undefined ? inRange.slice(-limit) : inRange.slice(0, limit)
  }

  async subscribe(params: SubscribeParams): Promise<string[]> {
    const now = this.options.now()
    if (params.exchange === DEMO_EXCHANGE_ID) {
      for (const s of params.symbols) this.demoCall(() => this.demo.ticker(s)) // unknown symbol → clear error
      return params.symbols.flatMap((s) => params.channels.map((c) => `${DEMO_EXCHANGE_ID}:${s}:${c}`))
    }
    const feed = await this.feed(params.exchange)
    const listed = new Set((await this.markets(params.exchange)).map((m) => m.symbol))
    // Like the demo: an unknown symbol is the caller's error now, not a silent loop failing later.
    const unknown = params.symbols.filter((s) => !listed.has(s))
    if (unknown.length) throw new KeelError('not_found', `${params.exchange} has no spot market ${unknown.join(', ')}`)
    for (const symbol of params.symbols) this.liveWatch.watch(params.exchange, symbol, now)
    const started = feed.subscribe(params.symbols, params.channels)
    this.options.store.addSubscriptions(params.exchange, params.symbols, params.channels)
    return started
  }

  /**
   * Resumes the live feeds a previous run of the worker had (a crash, a freeze, an app
   * restart): without this a killed market worker came back with the demo only and the user's
   * feeds stopped without a word. Starts the loops at once, even if the exchange is down now
   * (they retry with backoff, and the watchdog reports the symbols stale meanwhile).
   */
  async restoreSubscriptions(): Promise<void> {
    const byExchange = new Map<string, Map<string, Channel[]>>()
    for (const { exchange, symbol, channel } of this.options.store.subscriptions()) {
      const parsed = ChannelSchema.safeParse(channel)
      if (!parsed.success || exchange === DEMO_EXCHANGE_ID) continue
      const symbols = byExchange.get(exchange) ?? new Map<string, Channel[]>()
      symbols.set(symbol, [...(symbols.get(symbol) ?? []), parsed.data])
      byExchange.set(exchange, symbols)
    }
    for (const [exchange, symbols] of byExchange) {
      try {
        const feed = await this.feed(exchange)
        const now = this.options.now()
        for (const [symbol, channels] of symbols) {
          this.liveWatch.watch(exchange, symbol, now)
          feed.subscribe([symbol], channels)
        }
        // Markets for execution; best effort: the host still has them from before the restart.
        this.markets(exchange).catch(() => undefined)
      } catch {
        // The exchange cannot be used at all any more (e.g. removed from ccxt): nothing to resume.
      }
    }
  }

  async unsubscribe(params: SubscribeParams): Promise<string[]> {
    if (params.exchange === DEMO_EXCHANGE_ID) return []
    const feed = this.feeds.get(params.exchange)
    if (!feed) return []
    await feed.unsubscribe(params.symbols, params.channels)
    this.options.store.removeSubscriptions(params.exchange, params.symbols, params.channels)
    for (const symbol of params.symbols) this.liveWatch.unwatch(params.exchange, symbol)
    return feed.subscriptions
  }

  async downloadHistory(params: DownloadHistoryParams): Promise<{ jobId: string }> {
    const queue = await this.historyQueue()
    const { jobId } = queue.enqueue(params)
    return { jobId }
  }

  async close(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => f.close()))
  }

  /** Every market event: freshness, health, live candles, then out to the host. */
  private accept(event: MarketEvent, watch: StalenessWatchdog): void {
    const now = this.options.now()
    const data = event.data as { exchange?: string; symbol?: string }
    if (data.exchange && data.symbol) {
      this.health.get(data.exchange)?.recordMessage(now)
      const recovered = watch.markFresh(data.exchange, data.symbol, now)
      if (recovered) this.options.output.event({ name: 'feedStatus', data: recovered })
    }
    if (event.name === 'trade') this.aggregate(event.data)
    this.options.output.event(event)
  }

  private aggregate(trade: { exchange: string; symbol: string; timestamp: number; price: number; amount: number }): void {
    for (const timeframe of LIVE_TIMEFRAMES) {
      const key = seriesKey(trade.exchange, trade.symbol, timeframe)
      let aggregator = this.aggregators.get(key)
      if (!aggregator) this.aggregators.set(key, (aggregator = new CandleAggregator(timeframe)))
      const { closed } = aggregator.add(trade)
      if (closed) this.publishCandle(key, closed, true)
      this.changedCandles.add(key)
    }
  }

  private publishCandle(key: string, candle: Candle, closed: boolean): void {
    const [exchange, symbol, timeframe] = key.split('|') as [string, string, Timeframe]
    if (closed) {
      if (exchange === DEMO_EXCHANGE_ID) {
        const list = this.liveCandles.get(key) ?? []
        list.push(candle)
        if (list.length > MAX_LIVE_CANDLES) list.shift()
        this.liveCandles.set(key, list)
      } else {
        this.options.store.upsertCandles({ exchange, symbol, timeframe }, [candle])
      }
    }
    this.options.output.event({ name: 'candle', data: { exchange, symbol, timeframe, candle, closed } })
  }

  private async fetchAndStore(exchange: string, symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]> {
    const feed = await this.feed(exchange)
    const candles = await exchangeCall(() => feed.fetchOHLCV(symbol, timeframe, since, limit))
    // The exchange's still-open candle is shown, not stored: stored, it would stay half-built.
    const closedBefore = Math.floor(this.marketNow() / TIMEFRAME_MS[timeframe]) * TIMEFRAME_MS[timeframe]
    this.options.store.upsertCandles({ exchange, symbol, timeframe }, candles.filter(([t]) => t < closedBefore))
    return candles
  }

  private async feed(exchange: string): Promise<CcxtFeed> {
    const existing = this.feeds.get(exchange)
    if (existing) return existing
    const onEvent = (event: MarketEvent): void => this.accept(event, this.liveWatch)
    let feed: CcxtFeed
    try {
      // One market clock per process tree: a live exchange's own times cannot run fast.
      const speed = this.options.demoSpeed ?? 1
      if (speed !== 1) throw new Error(`live exchanges are off while the demo market's clock runs ${speed}× (KEEL_DEMO_SPEED)`)
      if (this.urlOverrides instanceof Error) throw this.urlOverrides
      const urlOverride = this.urlOverrides[exchange]
      feed = this.options.createFeed
        ? await this.options.createFeed(exchange, onEvent)
        : new (await import('./ccxt-feed')).CcxtFeed({ exchangeId: exchange, onEvent, ...(urlOverride ? { factory: { urlOverride } } : {}) })
    } catch (err) {
      throw new KeelError('bad_request', `cannot use exchange "${exchange}": ${err instanceof Error ? err.message : String(err)}`)
    }
    this.feeds.set(exchange, feed)
    this.health.set(exchange, feed.health)
    return feed
  }

  private async historyQueue(): Promise<HistoryQueue> {
    if (this.history) return this.history
    const { HistoryQueue } = await import('./history-queue')
    let seq = 0
    this.history = new HistoryQueue({
      sourceFor: (exchange) => {
        if (exchange === DEMO_EXCHANGE_ID) return this.demo
        const feed = this.feeds.get(exchange)
        if (!feed) throw new KeelError('bad_request', `subscribe to ${exchange} before downloading its history`)
        return feed
      },
      sink: this.options.store,
      onProgress: (data) => this.options.output.event({ name: 'historyProgress', data }),
      newJobId: () => `history-${this.options.now()}-${seq++}`,
      pageSize: (exchange) => this.feeds.get(exchange)?.ohlcvPageLimit ?? 1000,
      now: this.marketNow
    })
    return this.history
  }

  /** The demo throws plain Errors for unknown symbols; callers get a 4xx, not a 500. */
  private demoCall<T>(fn: () => T): T {
    const notFound = (err: unknown): never => {
      throw new KeelError('not_found', err instanceof Error ? err.message : String(err))
    }
    try {
      const result = fn()
      return (result instanceof Promise ? result.catch(notFound) : result) as T
    } catch (err) {
      return notFound(err)
    }
  }
}

/**
 * A failed exchange request as an API error a client can act on: an unknown symbol is the
 * caller's 404, an unreachable or rate-limiting exchange a 503, a refusal by the exchange a
 * 422. Without this every one of them surfaced as a 500 ("internal"), as if Keel were broken.
 */
async function exchangeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    // By name, not instanceof: importing ccxt-errors would load ccxt when the worker starts.
    if (!(error instanceof Error) || error.name !== 'FeedRequestError') throw error
    const codes: Record<FeedErrorKind, ErrorCode> = { 'bad-symbol': 'not_found', 'rate-limit': 'unavailable', network: 'unavailable', malformed: 'unavailable', exchange: 'rejected', unknown: 'internal' }
    throw new KeelError(codes[(error as FeedRequestError).kind] ?? 'internal', error.message)
  }
}

/**
 * On a sped-up clock the demo's order books (25 levels each, the heaviest event) keep their
 * real-time rate per wall second: each is a snapshot, and N× as many would only load the
 * pipeline. Trades and tickers keep their market-time rate, so candles and bots see a market
 * as busy as the real-time one.
 */
function demoPacing(speed: number): { bookIntervalMs?: number } {
  return speed === 1 ? {} : { bookIntervalMs: Math.ceil((250 * speed) / 100) * 100 }
}

function seriesKey(exchange: string, symbol: string, timeframe: Timeframe): string {
  return `${exchange}|${symbol}|${timeframe}`
}
