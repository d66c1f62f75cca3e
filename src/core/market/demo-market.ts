import type { Candle, MarketInfo, OrderBook, Ticker, Timeframe, Trade } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'
import { buildBook, quoteAround } from './demo-book'
import { DemoHistory } from './demo-history'
import { PricePath } from './demo-price'
import { DEMO_EXCHANGE_ID, DEMO_SYMBOLS, type DemoSymbolSpec, demoMarketInfo, demoSpec } from './demo-symbols'
import { type MarketEvent, marketEvent } from './events'
import { Prng, hashString } from './prng'
import { RollingDayStats } from './rolling-day'
import { yieldToLoop } from './sleep'
import { roundToTick } from './ticks'

export interface DemoMarketOptions {
  seed: number
  /** Simulation start (ms since epoch). The model never reads the wall clock. */
  startTime: number
  symbols?: readonly string[]
  /** Simulation grid; events only depend on the seed and the grid, not on how often `advance` is called. */
  stepMs?: number
  bookIntervalMs?: number
  tickerIntervalMs?: number
  bookLevels?: number
  /** A longer jump (e.g. the worker was paused) moves prices without generating every trade. */
  maxCatchUpMs?: number
}

/** Path steps generated per event-loop turn when history is built (~10 ms each here). */
const HISTORY_SLICE_STEPS = 5_000

const DEFAULTS = { stepMs: 100, bookIntervalMs: 250, tickerIntervalMs: 1_000, bookLevels: 25, maxCatchUpMs: 60_000 }

/** One simulated symbol: its price path, order flow and 24h window. */
class SymbolSim {
  readonly path: PricePath
  private readonly flow: Prng
  private readonly bookNoise: Prng
  private nextTradeAt: number
  private tradeSeq = 0
  private lastReturn = 0
  private logDepth = 0
  lastPrice: number
  readonly day = new RollingDayStats()
  readonly history: DemoHistory

  constructor(
    readonly spec: DemoSymbolSpec,
    seed: number,
    startTime: number
  ) {
    const root = new Prng((seed ^ hashString(spec.symbol)) >>> 0)
    this.path = new PricePath(spec.startPrice, spec.dailyVol, root.fork(1))
    this.flow = root.fork(2)
    this.bookNoise = root.fork(3)
    this.nextTradeAt = startTime + this.interArrivalMs()
    this.lastPrice = roundToTick(spec.startPrice, spec.priceTick)
    this.history = new DemoHistory(spec, seed, startTime)
    for (const candle of this.history.candles('1m', startTime - 86_400_000, startTime)) this.day.recordCandle(candle)
  }

  /** Advances the price to `time` and returns the trades that arrived in the step. */
  step(time: number, dtMs: number): Trade[] {
    this.lastReturn = this.path.step(dtMs / 1000)
    // Depth breathes: a mean-reverting walk in log space, between ~0.4× and ~2.5×.
    this.logDepth = this.logDepth * 0.995 + this.bookNoise.normal() * 0.03
    const trades: Trade[] = []
    while (this.nextTradeAt <= time) {
      trades.push(this.trade(this.nextTradeAt))
      this.nextTradeAt += this.interArrivalMs()
    }
    this.day.record(time, this.path.price)
    return trades
  }

  /** Moves the price over a long pause without simulating every trade. */
  skipTo(time: number, from: number): void {
    for (let t = from + 1_000; t <= time; t += 1_000) {
      this.path.step(1)
      this.day.record(t, this.path.price)
    }
    this.lastPrice = roundToTick(this.path.price, this.spec.priceTick)
    this.nextTradeAt = time + this.interArrivalMs()
  }

  /** `noise` defaults to the stream's own generator; queries pass a throwaway one so asking never alters the stream. */
  book(time: number, levels: number, noise: Prng = this.bookNoise): OrderBook {
    const depthFactor = Math.exp(Math.max(-0.9, Math.min(0.9, this.logDepth)))
    return buildBook(DEMO_EXCHANGE_ID, this.spec, this.path.price, time, { levels, depthFactor }, noise)
  }

  ticker(time: number): Ticker {
    const { bid, ask } = quoteAround(this.path.price, this.spec)
    const day = this.day.summary(time)
    return {
      exchange: DEMO_EXCHANGE_ID,
      symbol: this.spec.symbol,
      timestamp: time,
      bid,
      ask,
      last: this.lastPrice,
      open24h: day?.open,
      high24h: day?.high,
      low24h: day?.low,
      baseVolume24h: day ? Number(day.volume.toFixed(8)) : undefined
    }
  }

  private trade(time: number): Trade {
    const { bid, ask } = quoteAround(this.path.price, this.spec)
    // Mild momentum: buyers chase an up-tick, sellers a down-tick.
    const sigma = this.path.sigmaPerSqrtSecond * 0.3 || 1
    const buyBias = Math.max(-0.3, Math.min(0.3, (this.lastReturn / sigma) * 0.1))
    const side = this.flow.chance(0.5 + buyBias) ? 'buy' : 'sell'
    const price = side === 'buy' ? ask : bid
    const notional = this.flow.logNormal(this.spec.medianTradeNotional, 1.1)
    const amount = Math.max(this.spec.amountTick, roundToTick(notional / price, this.spec.amountTick))
    this.lastPrice = price
    this.day.record(time, price, amount)
    this.tradeSeq += 1
    return { exchange: DEMO_EXCHANGE_ID, symbol: this.spec.symbol, id: String(this.tradeSeq), timestamp: time, price, amount, side }
  }

  private interArrivalMs(): number {
    const rate = this.spec.tradesPerSecond * (this.path.regime === 'volatile' ? 2.5 : 1)
    return Math.max(1, Math.round(this.flow.exponential(1000 / rate)))
  }
}

/**
 * The offline `demo` exchange: a deterministic simulated market. The owner drives the clock:
 * the worker calls `advance(Date.now())` from a timer; tests call it with any times they like.
 */
export class DemoMarket {
  readonly exchange = DEMO_EXCHANGE_ID
  private readonly sims = new Map<string, SymbolSim>()
  private readonly options: Required<Omit<DemoMarketOptions, 'symbols'>>
  private clock: number
  private readonly startTime: number

  constructor(options: DemoMarketOptions) {
    if (!Number.isFinite(options.startTime)) throw new Error('demo market needs a finite startTime')
    if (!Number.isInteger(options.seed)) throw new Error(`demo market seed must be an integer, got ${options.seed}`)
    this.options = { ...DEFAULTS, ...options }
    for (const key of ['stepMs', 'bookIntervalMs', 'tickerIntervalMs'] as const) {
      if (!(this.options[key] > 0)) throw new Error(`demo market ${key} must be positive`)
    }
    this.startTime = Math.floor(options.startTime / this.options.stepMs) * this.options.stepMs
    this.clock = this.startTime
    const symbols = options.symbols ?? DEMO_SYMBOLS.map((s) => s.symbol)
    for (const symbol of symbols) this.sims.set(symbol, new SymbolSim(demoSpec(symbol), options.seed, this.startTime))
  }

  /** The simulation's current time. */
  get now(): number {
    return this.clock
  }

  get symbols(): string[] {
    return [...this.sims.keys()]
  }

  markets(): MarketInfo[] {
    return [...this.sims.values()].map((sim) => demoMarketInfo(sim.spec))
  }

  /** Runs the simulation up to `toTimeMs` and returns what happened, step by step (within a step, symbol by symbol). */
  advance(toTimeMs: number): MarketEvent[] {
    const { stepMs, maxCatchUpMs } = this.options
    const target = Math.floor(toTimeMs / stepMs) * stepMs
    if (target - this.clock > maxCatchUpMs) {
      const resumeAt = target - maxCatchUpMs
      for (const sim of this.sims.values()) sim.skipTo(resumeAt, this.clock)
      this.clock = resumeAt
    }
    const events: MarketEvent[] = []
    while (this.clock + stepMs <= target) {
      this.clock += stepMs
      this.stepOnce(this.clock, events)
    }
    return events
  }

  ticker(symbol: string): Ticker {
    return this.sim(symbol).ticker(this.clock)
  }

  orderBook(symbol: string, depth = this.options.bookLevels): OrderBook {
    return this.sim(symbol).book(this.clock, depth, new Prng((hashString(symbol) ^ this.clock) >>> 0))
  }

  midPrice(symbol: string): number {
    return this.sim(symbol).path.price
  }

  /** Deterministic history before the start, ending at the start price (charts on first run). */
  historicalCandles(symbol: string, timeframe: Timeframe, since: number, until = this.startTime): Candle[] {
    return this.sim(symbol).history.candles(timeframe, since, Math.min(until, this.startTime))
  }

  /**
   * Generates the history back to `since` in slices, yielding the event loop between them:
   * 14 years of hourly path is ~120k steps, too long for one turn of a worker that must keep
   * beating. Call before `historicalCandles` for long ranges.
   */
  async prepareHistory(symbol: string, timeframe: Timeframe, since: number): Promise<void> {
    const history = this.sim(symbol).history
    while (!history.prepare(timeframe, since, HISTORY_SLICE_STEPS)) await yieldToLoop()
  }

  /**
   * ccxt-style paging over the history, so history downloads treat the demo like any exchange:
   * like an exchange, a `since` before the first candle answers from the first candle on.
   */
  async fetchOHLCV(symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]> {
    const from = Math.max(since, this.sim(symbol).history.earliest(timeframe))
    await this.prepareHistory(symbol, timeframe, from)
    return this.historicalCandles(symbol, timeframe, from, from + limit * TIMEFRAME_MS[timeframe])
  }

  private stepOnce(time: number, events: MarketEvent[]): void {
    const elapsed = time - this.startTime
    const emitBook = elapsed % this.options.bookIntervalMs === 0
    const emitTicker = elapsed % this.options.tickerIntervalMs === 0
    for (const sim of this.sims.values()) {
      for (const trade of sim.step(time, this.options.stepMs)) events.push(marketEvent('trade', trade))
      if (emitBook) events.push(marketEvent('orderBook', sim.book(time, this.options.bookLevels)))
      if (emitTicker) events.push(marketEvent('ticker', sim.ticker(time)))
    }
  }

  private sim(symbol: string): SymbolSim {
    const sim = this.sims.get(symbol)
    if (!sim) throw new Error(`demo market has no symbol ${symbol} (known: ${this.symbols.join(', ')})`)
    return sim
  }
}
