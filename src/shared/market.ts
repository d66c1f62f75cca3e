import { z } from 'zod'
import { Candle, MarketInfo, OrderBook, Ticker, Timeframe, Trade } from './market-data'

/**
 * The market API: params and results of the market worker's methods, the events it pushes,
 * and the per-exchange health it reports. Everything here crosses process boundaries, so it
 * is all zod. Data shapes (MarketInfo, Trade, ...) live in ./market-data.
 */

const exchangeId = z.string().min(1).max(64)
const symbol = z.string().min(3).max(64).regex(/^[^/\s]+\/[^/\s]+$/, 'expected BASE/QUOTE, e.g. BTC/USDT')
const timestampMs = z.number().int().nonnegative()

export const MAX_BOOK_DEPTH = 500
export const DEFAULT_BOOK_DEPTH = 20
export const MAX_CANDLES = 5000
export const DEFAULT_CANDLES = 500

// ── methods ──────────────────────────────────────────────────────────────────────────────

export const ExchangeSummary = z.object({
  id: exchangeId,
  name: z.string(),
  hasWebSocket: z.boolean(),
  isDemo: z.boolean()
})
export type ExchangeSummary = z.infer<typeof ExchangeSummary>

export const ExchangesParams = z.object({}).default({})
export const ExchangesResult = z.array(ExchangeSummary)
export type ExchangesResult = z.infer<typeof ExchangesResult>

export const MarketsParams = z.object({ exchange: exchangeId })
export type MarketsParams = z.infer<typeof MarketsParams>
export const MarketsResult = z.array(MarketInfo)
export type MarketsResult = z.infer<typeof MarketsResult>

/** `exchange` is optional everywhere a symbol is: the worker's active exchange is the default. */
export const TickerParams = z.object({ exchange: exchangeId.optional(), symbol })
export type TickerParams = z.infer<typeof TickerParams>
export const TickerResult = Ticker

export const OrderBookParams = z.object({
  exchange: exchangeId.optional(),
  symbol,
  depth: z.number().int().min(1).max(MAX_BOOK_DEPTH).default(DEFAULT_BOOK_DEPTH)
})
export type OrderBookParams = z.infer<typeof OrderBookParams>
export const OrderBookResult = OrderBook

export const CandlesParams = z.object({
  exchange: exchangeId.optional(),
  symbol,
  timeframe: Timeframe,
  since: timestampMs.optional(),
  /** Scroll-back: candles strictly before this time (newest first page ending here). */
  before: timestampMs.optional(),
  limit: z.number().int().min(1).max(MAX_CANDLES).default(DEFAULT_CANDLES)
})
export type CandlesParams = z.infer<typeof CandlesParams>
export const CandlesResult = z.array(Candle)

export const Channel = z.enum(['ticker', 'trades', 'orderBook', 'candles'])
export type Channel = z.infer<typeof Channel>

export const SubscribeParams = z.object({
  exchange: exchangeId,
  symbols: z.array(symbol).min(1).max(200),
  channels: z.array(Channel).min(1)
})
export type SubscribeParams = z.infer<typeof SubscribeParams>
export const UnsubscribeParams = SubscribeParams
export type UnsubscribeParams = SubscribeParams
export const SubscribeResult = z.object({ subscribed: z.array(z.string()) })

export const DownloadHistoryParams = z
  .object({
    exchange: exchangeId,
    symbol,
    timeframe: Timeframe,
    since: timestampMs,
    until: timestampMs.optional()
  })
  .refine((p) => p.until === undefined || p.until > p.since, {
    message: 'until must be after since',
    path: ['until']
  })
export type DownloadHistoryParams = z.infer<typeof DownloadHistoryParams>
export const DownloadHistoryResult = z.object({ jobId: z.string().min(1) })
export type DownloadHistoryResult = z.infer<typeof DownloadHistoryResult>

// ── events ───────────────────────────────────────────────────────────────────────────────

export const FeedState = z.enum(['connected', 'reconnecting', 'stale', 'error'])
export type FeedState = z.infer<typeof FeedState>

export const FeedStatusEvent = z.object({
  exchange: exchangeId,
  /** Absent when the status is about the whole connection rather than one symbol. */
  symbol: symbol.optional(),
  status: FeedState,
  reason: z.string().optional(),
  timestamp: timestampMs
})
export type FeedStatusEvent = z.infer<typeof FeedStatusEvent>

export const CandleEvent = z.object({
  exchange: exchangeId,
  symbol,
  timeframe: Timeframe,
  candle: Candle,
  /** False while the candle's period is still open. */
  closed: z.boolean()
})
export type CandleEvent = z.infer<typeof CandleEvent>

export const HistoryPhase = z.enum(['fetching', 'filling-gaps', 'done', 'failed'])
export type HistoryPhase = z.infer<typeof HistoryPhase>

export const HistoryProgressEvent = z.object({
  jobId: z.string().min(1),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  phase: HistoryPhase,
  error: z.string().optional()
})
export type HistoryProgressEvent = z.infer<typeof HistoryProgressEvent>

/** Event name → payload schema, for the router and the bridges. */
export const MarketEvents = {
  ticker: Ticker,
  trade: Trade,
  orderBook: OrderBook,
  candle: CandleEvent,
  feedStatus: FeedStatusEvent,
  historyProgress: HistoryProgressEvent
} as const
export type MarketEventName = keyof typeof MarketEvents
export type MarketEventPayload<N extends MarketEventName> = z.infer<(typeof MarketEvents)[N]>

// ── health ───────────────────────────────────────────────────────────────────────────────

export const ExchangeHealthStatus = z.enum(['ok', 'degraded', 'down'])
export type ExchangeHealthStatus = z.infer<typeof ExchangeHealthStatus>

export const ExchangeHealth = z.object({
  exchange: exchangeId,
  /** Median of recent request/message latencies; null before the first sample. */
  latencyMs: z.number().nonnegative().nullable(),
  /** Share of failed requests among the last N (0..1). */
  errorRate: z.number().min(0).max(1),
  /** Time since the last message of any kind; null before the first. */
  lastMessageAgeMs: z.number().nonnegative().nullable(),
  rateLimitHits: z.number().int().nonnegative(),
  reconnects: z.number().int().nonnegative(),
  status: ExchangeHealthStatus,
  lastError: z.string().optional()
})
export type ExchangeHealth = z.infer<typeof ExchangeHealth>
