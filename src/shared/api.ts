import { z } from 'zod'
import { CrashRecord, HealthReport } from './health'
import * as M from './market'
import { Trade, Ticker, OrderBook } from './market-data'
import * as T from './trading'
import * as BT from './backtest'
import { WorkerName } from './worker-protocol'

/**
 * Keel's one API. Every method and event is declared here once, with zod schemas; the router
 * in main validates against them, both bridges (Electron IPC, HTTP/WebSocket) expose exactly
 * this, and the renderer's client is typed from it. docs/api.md documents it.
 */

/** Who answers a method: the host itself, or the worker that owns the state. */
export type Owner = 'host' | WorkerName

export interface MethodDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, O extends Owner = Owner> {
  /** Kept as a literal type: a worker's handler contract is derived from it (workers/runtime/contract.ts). */
  owner: O
  params: P
  result: R
  summary: string
}

function method<O extends Owner, P extends z.ZodType, R extends z.ZodType>(def: MethodDef<P, R, O>): MethodDef<P, R, O> {
  return def
}

const NoParams = z.object({}).strict().default({})

export const PingResult = z.object({ worker: WorkerName, pid: z.number(), uptimeMs: z.number() })

export const methods = {
  health: method({
    owner: 'host',
    params: NoParams,
    result: HealthReport,
    summary: 'State of every worker (pid, state, restarts, heartbeat, memory, last crash), the host, and recent crashes.'
  }),
  restartWorker: method({
    owner: 'host',
    params: z.object({ name: WorkerName }).strict(),
    result: z.object({ ok: z.literal(true) }),
    summary: 'Restart a worker now; for a failed worker (circuit open) this is the half-open retry.'
  }),
  ping: method({
    owner: 'host',
    params: z.object({ worker: WorkerName }).strict(),
    result: PingResult,
    summary: 'Round-trip to one worker; waits through a restart rather than failing.'
  }),

  // ── trading (execution worker: the paper exchange, trading.db) ──
  placeOrder: method({
    owner: 'execution',
    params: T.PlaceOrderParams,
    result: T.Order,
    summary: 'Place a paper order (market, limit, stop_market, stop_limit, take_profit, trailing_stop, bracket). Journaled before it is acknowledged; idempotent by clientOrderId.'
  }),
  cancelOrder: method({ owner: 'execution', params: T.CancelOrderParams, result: T.Order, summary: 'Cancel one order by orderId or clientOrderId.' }),
  cancelAll: method({ owner: 'execution', params: T.CancelAllParams, result: T.CancelAllResult, summary: 'Cancel every live order of an account (optionally one symbol).' }),
  amendOrder: method({ owner: 'execution', params: T.AmendOrderParams, result: T.Order, summary: 'Change the price, amount or trigger of a live order.' }),
  listOrders: method({ owner: 'execution', params: T.ListOrdersParams, result: T.ListOrdersResult, summary: 'Open, closed or all orders, newest first, paged by cursor.' }),
  listFills: method({ owner: 'execution', params: T.ListFillsParams, result: T.ListFillsResult, summary: 'Fills, newest first, paged by cursor.' }),
  balances: method({ owner: 'execution', params: T.AccountParams, result: z.array(T.Balance), summary: 'Free, locked and total balance per asset.' }),
  positions: method({ owner: 'execution', params: T.AccountParams, result: z.array(T.Position), summary: 'Positions with average entry, realized and unrealized PnL.' }),
  accountSummary: method({ owner: 'execution', params: T.AccountParams, result: T.AccountSummary, summary: 'Equity, cash, PnL, fees and equity history of an account.' }),
  resetAccount: method({ owner: 'execution', params: T.ResetAccountParams, result: T.AccountSummary, summary: 'Cancel everything and start the account over with the given balances.' }),

  // ── market data (market worker: feeds, market.db) ──
  exchanges: method({ owner: 'market', params: M.ExchangesParams, result: M.ExchangesResult, summary: 'Exchanges Keel can show: the offline demo market first, then every ccxt exchange.' }),
  markets: method({ owner: 'market', params: M.MarketsParams, result: M.MarketsResult, summary: 'Markets of an exchange with precision, limits and fees (ccxt structure).' }),
  ticker: method({ owner: 'market', params: M.TickerParams, result: M.TickerResult, summary: 'Latest ticker of a symbol.' }),
  orderBook: method({ owner: 'market', params: M.OrderBookParams, result: M.OrderBookResult, summary: 'Order book of a symbol to the given depth.' }),
  candles: method({ owner: 'market', params: M.CandlesParams, result: M.CandlesResult, summary: 'OHLCV candles for charts (since, or before for scroll-back).' }),
  subscribe: method({ owner: 'market', params: M.SubscribeParams, result: M.SubscribeResult, summary: 'Stream tickers, trades, books or candles of symbols on an exchange (switches the active exchange).' }),
  unsubscribe: method({ owner: 'market', params: M.UnsubscribeParams, result: M.SubscribeResult, summary: 'Stop streaming.' }),
  downloadHistory: method({ owner: 'market', params: M.DownloadHistoryParams, result: M.DownloadHistoryResult, summary: 'Download OHLCV history into market.db; progress arrives as historyProgress events.' }),

  // ── backtest ──
  runBacktest: method({ owner: 'strategy', params: BT.RunBacktestParams, result: BT.RunBacktestResult, summary: 'Start a backtest on a worker thread (strategy, params, data, range, settings); progress and the stored run id arrive as backtestProgress events.' }),
  listBacktests: method({ owner: 'strategy', params: BT.ListBacktestsParams, result: BT.ListBacktestsResult, summary: 'Stored backtests with their metrics, newest first (before: an id, for older pages).' }),
  getBacktest: method({ owner: 'strategy', params: BT.GetBacktestParams, result: BT.GetBacktestResult, summary: 'One stored backtest: trades, open trades, equity and drawdown curves, metrics.' }),
  cancelBacktest: method({ owner: 'strategy', params: BT.CancelBacktestParams, result: BT.CancelBacktestResult, summary: 'Stop a running backtest; cancelled: false when it is not running.' })
} satisfies Record<string, MethodDef>

export const events = {
  health: HealthReport,
  workerCrashed: CrashRecord,
  // trading
  orderUpdated: T.OrderUpdated,
  fillCreated: T.FillCreated,
  balanceChanged: T.BalanceChanged,
  // market data
  ticker: Ticker,
  trade: Trade,
  orderBook: OrderBook,
  candle: M.CandleEvent,
  feedStatus: M.FeedStatusEvent,
  historyProgress: M.HistoryProgressEvent,
  /** This client fell behind and missed trades (its fan-out ring overflowed): a tape can say so. */
  tradesDropped: z.object({ count: z.number().int().positive() }),
  // ── backtest ──
  backtestProgress: BT.BacktestProgress
} satisfies Record<string, z.ZodType>

/**
 * Who pushes each event: the host itself or one worker. A worker's `emit` accepts only the
 * events it owns (workers/runtime/contract.ts), and an event added above without an owner here
 * fails the type check.
 */
export const eventOwners = {
  health: 'host',
  workerCrashed: 'host',
  orderUpdated: 'execution',
  fillCreated: 'execution',
  balanceChanged: 'execution',
  ticker: 'market',
  trade: 'market',
  orderBook: 'market',
  candle: 'market',
  feedStatus: 'market',
  historyProgress: 'market',
  tradesDropped: 'host',
  // ── backtest ──
  backtestProgress: 'strategy'
} as const satisfies Record<EventName, Owner>

/** Events that describe a latest state: per client they are coalesced to one per frame. */
export const COALESCED_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['ticker', 'orderBook', 'candle', 'health'])

export type Methods = typeof methods
export type MethodName = keyof Methods
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>
export type Events = typeof events
export type EventName = keyof Events
export type EventOf<E extends EventName> = z.output<Events[E]>

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name)
}
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name)
}

/** What a renderer (or any client) needs: call methods, hear events. Both bridges implement it. */
export interface KeelClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void
}
