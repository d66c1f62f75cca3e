import type { MarketInfo, OrderBook, Ticker } from '../src/shared/market-data'

/** The part of the execution service that market input goes to. */
export interface FeedTarget {
  setMarkets(exchange: string, markets: MarketInfo[]): void
  book(book: OrderBook, receivedAt?: number): void
  ticker(ticker: Ticker, receivedAt?: number): void
}

/**
 * While trading.db is refused there is no service to feed; the latest markets, books and
 * tickers are kept (as the host keeps them for a restarted worker) and handed to the service
 * that starts after a restore, with when they arrived, so it warms up as after a restart.
 */
export class FeedMemory {
  private readonly markets = new Map<string, MarketInfo[]>()
  private readonly latest = new Map<string, { kind: 'book'; data: OrderBook; at: number } | { kind: 'ticker'; data: Ticker; at: number }>()

  constructor(private readonly now: () => number) {}

  setMarkets(exchange: string, markets: MarketInfo[]): void {
    this.markets.set(exchange, markets)
  }
  book(book: OrderBook, receivedAt = this.now()): void {
    this.latest.set(`b|${book.exchange}|${book.symbol}`, { kind: 'book', data: book, at: receivedAt })
  }
  ticker(ticker: Ticker, receivedAt = this.now()): void {
    this.latest.set(`t|${ticker.exchange}|${ticker.symbol}`, { kind: 'ticker', data: ticker, at: receivedAt })
  }

  replayInto(target: FeedTarget): void {
    for (const [exchange, markets] of this.markets) target.setMarkets(exchange, markets)
    for (const item of this.latest.values()) {
      if (item.kind === 'book') target.book(item.data, item.at)
      else target.ticker(item.data, item.at)
    }
    this.latest.clear()
  }
}
