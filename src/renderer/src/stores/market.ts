import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { FeedStatusEvent } from '../../../shared/market'
import type { MarketInfo, OrderBook, Ticker } from '../../../shared/market-data'
import { messageOf } from '../lib/errors'
import { FrameBatch, type Scheduler } from '../lib/frame-batch'

const DEMO_EXCHANGE = 'demo'
const BOOK_DEPTH = 20

interface MarketState {
  exchange: string
  markets: Record<string, MarketInfo>
  /** Watchlist order. */
  symbols: string[]
  tickers: Record<string, Ticker>
  books: Record<string, OrderBook>
  /** Latest feed status per symbol; '*' is the whole connection. */
  feeds: Record<string, FeedStatusEvent>
  error: string | null
  setMarkets(exchange: string, markets: MarketInfo[]): void
  applyTickers(latest: Map<string, Ticker>): void
  applyBooks(latest: Map<string, OrderBook>): void
  setFeed(status: FeedStatusEvent): void
  setError(error: string | null): void
}

export const useMarketStore = create<MarketState>((set) => ({
  exchange: DEMO_EXCHANGE,
  markets: {},
  symbols: [],
  tickers: {},
  books: {},
  feeds: {},
  error: null,
  setMarkets: (exchange, markets) =>
    set({ exchange, markets: Object.fromEntries(markets.map((m) => [m.symbol, m])), symbols: markets.map((m) => m.symbol), error: null }),
  // One set per frame for all symbols: one store notification, one React commit.
  applyTickers: (latest) => set((s) => ({ tickers: { ...s.tickers, ...Object.fromEntries(latest) } })),
  applyBooks: (latest) => set((s) => ({ books: { ...s.books, ...Object.fromEntries(latest) } })),
  setFeed: (status) => set((s) => ({ feeds: { ...s.feeds, [status.symbol ?? '*']: status } })),
  setError: (error) => set({ error })
}))

/** Where market events enter the store: coalesced to the latest per symbol, per frame. */
export function createMarketIngest(schedule?: Scheduler): { ticker(t: Ticker): void; book(b: OrderBook): void; flush(): void } {
  const { applyTickers, applyBooks } = useMarketStore.getState()
  const tickers = new FrameBatch<Ticker>(applyTickers, schedule)
  const books = new FrameBatch<OrderBook>(applyBooks, schedule)
  return {
    ticker: (t) => tickers.put(t.symbol, t),
    book: (b) => books.put(b.symbol, b),
    flush: () => {
      tickers.run()
      books.run()
    }
  }
}

/** Loads the exchange's markets, seeds tickers and books, subscribes, and keeps the store live. */
export function bindMarket(client: KeelClient, exchange = DEMO_EXCHANGE): () => void {
  const store = useMarketStore.getState()
  const ingest = createMarketIngest()
  const offs = [client.on('ticker', ingest.ticker), client.on('orderBook', ingest.book), client.on('feedStatus', store.setFeed)]
  let stopped = false
  let retry: ReturnType<typeof setTimeout> | undefined

  const start = async (): Promise<void> => {
    try {
      const markets = await client.call('markets', { exchange })
      if (stopped) return
      store.setMarkets(exchange, markets)
      const symbols = markets.map((m) => m.symbol)
      await client.call('subscribe', { exchange, symbols, channels: ['ticker', 'orderBook', 'trades', 'candles'] })
      await Promise.all(
        symbols.map(async (symbol) => {
          const [ticker, book] = await Promise.all([client.call('ticker', { exchange, symbol }), client.call('orderBook', { exchange, symbol, depth: BOOK_DEPTH })])
          ingest.ticker(ticker)
          ingest.book(book)
        })
      )
    } catch (err) {
      if (stopped) return
      // The market worker may be (re)starting: say so and try again shortly.
      store.setError(`Market data unavailable: ${messageOf(err)}`)
      retry = setTimeout(() => void start(), 2_000)
    }
  }
  void start()
  return () => {
    stopped = true
    clearTimeout(retry)
    for (const off of offs) off()
  }
}

/** Change since the 24 h open, in percent. */
export function changePercent(t: Ticker | undefined): number | undefined {
  if (!t?.open24h) return undefined
  return ((t.last - t.open24h) / t.open24h) * 100
}

/** Mid of the book's best bid/ask, else the ticker's, else its last. */
export function referencePrice(ticker: Ticker | undefined, book: OrderBook | undefined): number | undefined {
  const bid = book?.bids[0]?.[0] ?? ticker?.bid
  const ask = book?.asks[0]?.[0] ?? ticker?.ask
  if (bid !== undefined && ask !== undefined) return (bid + ask) / 2
  return ticker?.last
}
