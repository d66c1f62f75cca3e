import type { MarketInfo, Ticker, Trade } from '../../shared/market-data'
import type { DemoMarket } from './demo-market'
import { demoMarketInfo, demoSpec } from './demo-symbols'
import { type MarketEvent, marketEvent } from './events'

/**
 * Opt-in synthetic load on the demo market, for benches and soak tests: extra `ticker` and/or
 * `trade` events at a fixed rate, round-robin over the demo symbols, each stamped in
 * `timestamp` with its creation time on the wall clock at sub-millisecond resolution
 * (see `createWallClock`). Demo events carry whole milliseconds on the
 * simulation grid, so a fractional timestamp also marks an event as load; load trades have ids
 * `load-1`, `load-2`… without gaps, so a consumer can count what it missed. Prices come from
 * the live simulation, so charts and paper fills stay plausible.
 *
 * Off unless `KEEL_DEMO_TICK_RATE` (tickers/s) or `KEEL_DEMO_TRADE_RATE` (trades/s) is set.
 */
export interface DemoLoadRates {
  tickersPerSecond: number
  tradesPerSecond: number
}

export const DEMO_LOAD_ENV = { tickers: 'KEEL_DEMO_TICK_RATE', trades: 'KEEL_DEMO_TRADE_RATE' } as const
/** How often the worker should call `due` while load is on: small, so events are not bursty. */
export const DEMO_LOAD_INTERVAL_MS = 5
const MAX_RATE = 100_000
/** A stall longer than this is not made up for: the generator resumes at the rate instead of bursting. */
const MAX_CATCH_UP_MS = 250

export function demoLoadFromEnv(env: Record<string, string | undefined>): DemoLoadRates | undefined {
  const rate = (name: string): number => {
    const text = env[name]?.trim()
    if (!text) return 0
    const value = Number(text)
    if (!Number.isFinite(value) || value < 0 || value > MAX_RATE) throw new Error(`${name} must be a number of events per second between 0 and ${MAX_RATE}, got "${text}"`)
    return value
  }
  const rates = { tickersPerSecond: rate(DEMO_LOAD_ENV.tickers), tradesPerSecond: rate(DEMO_LOAD_ENV.trades) }
  return rates.tickersPerSecond > 0 || rates.tradesPerSecond > 0 ? rates : undefined
}

/**
 * Wall-clock ms with sub-millisecond resolution that agrees across processes: performance.now()
 * anchored on Date.now() at the instant Date.now() ticks over, re-anchored every 10 s.
 * (`performance.timeOrigin` is fixed when each process starts and the monotonic clock drifts
 * from the system clock, so two processes' timeOrigin-based clocks disagree by milliseconds.)
 */
export function createWallClock(): () => number {
  let offset = 0
  let anchoredAt = -Infinity
  return () => {
    const now = performance.now()
    if (now - anchoredAt > 10_000) {
      const before = Date.now()
      let tick: number
      while ((tick = Date.now()) === before); // at most ~1 ms, once per 10 s
      anchoredAt = performance.now()
      offset = tick - anchoredAt
      return offset + anchoredAt
    }
    return offset + now
  }
}

export class DemoLoad {
  private startedAt: number | undefined
  private tickersSent = 0
  private tradesSent = 0
  private next = 0
  /** Load trades are numbered without gaps, so a consumer can count what it missed. */
  private tradeSeq = 0
  /** The demo's ticker only changes when its clock steps (100 ms); computing it costs a 24 h scan. */
  private readonly quotes = new Map<string, { at: number; ticker: Ticker; market: MarketInfo }>()

  constructor(
    private readonly demo: DemoMarket,
    readonly rates: DemoLoadRates,
    private readonly clock: () => number = createWallClock()
  ) {}

  /** The load events due since the last call (by the configured rates), stamped as created now. */
  due(): MarketEvent[] {
    const now = this.clock()
    this.startedAt ??= now
    const elapsed = (now - this.startedAt) / 1000
    let tickers = Math.floor(elapsed * this.rates.tickersPerSecond) - this.tickersSent
    let trades = Math.floor(elapsed * this.rates.tradesPerSecond) - this.tradesSent
    const cap = (rate: number) => Math.ceil((rate * MAX_CATCH_UP_MS) / 1000)
    if (tickers > cap(this.rates.tickersPerSecond) || trades > cap(this.rates.tradesPerSecond)) {
      // Behind after a stall (SIGSTOP, a long GC): drop the backlog rather than flood the pipe.
      this.tickersSent = Math.floor(elapsed * this.rates.tickersPerSecond)
      this.tradesSent = Math.floor(elapsed * this.rates.tradesPerSecond)
      tickers = Math.min(tickers, cap(this.rates.tickersPerSecond))
      trades = Math.min(trades, cap(this.rates.tradesPerSecond))
    } else {
      this.tickersSent += tickers
      this.tradesSent += trades
    }
    const events: MarketEvent[] = []
    const symbols = this.demo.symbols
    for (let i = 0; i < Math.max(tickers, trades); i++) {
      const symbol = symbols[this.next++ % symbols.length]
      if (i < tickers) events.push(marketEvent('ticker', this.ticker(symbol)))
      if (i < trades) events.push(marketEvent('trade', this.trade(symbol)))
    }
    return events
  }

  private quote(symbol: string): { ticker: Ticker; market: MarketInfo } {
    let quote = this.quotes.get(symbol)
    if (!quote) this.quotes.set(symbol, (quote = { at: -1, ticker: this.demo.ticker(symbol), market: demoMarketInfo(demoSpec(symbol)) }))
    if (quote.at !== this.demo.now) {
      quote.at = this.demo.now
      quote.ticker = this.demo.ticker(symbol)
    }
    return quote
  }

  /** Never a whole millisecond: at µs resolution one in ~1,000 would be, and look like a demo event. */
  private stamp(): number {
    const t = this.clock()
    return Number.isInteger(t) ? t + 0.001 : t
  }

  private ticker(symbol: string): Ticker {
    return { ...this.quote(symbol).ticker, timestamp: this.stamp() }
  }

  private trade(symbol: string): Trade {
    const { ticker, market } = this.quote(symbol)
    const { bid, ask, last } = ticker
    const buy = this.tradeSeq % 2 === 0
    return {
      exchange: this.demo.exchange,
      symbol,
      id: `load-${++this.tradeSeq}`,
      timestamp: this.stamp(),
      price: (buy ? ask : bid) ?? last,
      amount: market.limits.amount?.min ?? market.precision.amount,
      side: buy ? 'buy' : 'sell'
    }
  }
}
