import type { MarketInfo } from '../../shared/market-data'
import type { EquitySample, Order } from '../../shared/trading'

/**
 * The engine's whole state. Plain data plus a few Maps, mutated only by the engine's command
 * and event handlers (engine.ts). Everything except `books` is durable: TradingStore persists
 * it from the engine's effects and rebuilds it on start.
 */

export type QueueModel = 'conservative' | 'optimistic'

export interface EngineConfig {
  /** conservative: a resting limit fills only on trades strictly through its price; optimistic: a touch fills. */
  queueModel: QueueModel
  /** Exchange an account trades when it is not named after one. */
  defaultExchange: string
  defaultQuote: string
  /** Balances of a new or reset account when none are given. */
  defaultBalances: Record<string, number>
  /** Equity is sampled on every fill and, from market prices, at most this often per account. */
  equitySampleIntervalMs: number
  /** Samples kept in memory per account (the store keeps all). */
  equityHistoryLimit: number
  /** Sample equity on every fill too (false: only by the interval; a backtest samples per candle itself). */
  equityOnFill: boolean
  /** Closed orders kept in memory (for idempotent re-sends and queries); older ones live in the store only. */
  closedOrderMemory: number
  /**
   * A placeOrder naming a known clientOrderId answers with that order (an honest re-send) or is
   * refused (the id reused for another order), and orders can be looked up by client id. false:
   * the caller numbers client ids itself and never re-sends or looks up by them (a backtest's
   * driver), so no fingerprint and no client-id index are kept.
   */
  clientIdIndex: boolean
}

export const DEFAULT_CONFIG: EngineConfig = {
  queueModel: 'conservative',
  defaultExchange: 'demo',
  defaultQuote: 'USDT',
  defaultBalances: { USDT: 10_000 },
  equitySampleIntervalMs: 60_000,
  equityHistoryLimit: 500,
  equityOnFill: true,
  closedOrderMemory: 10_000,
  clientIdIndex: true
}

export interface AssetBalance {
  free: number
  locked: number
}

/** Long-only spot position built from this account's fills in one symbol. */
export interface PositionState {
  symbol: string
  amount: number
  avgEntry: number
  realizedPnl: number
}

export interface AccountState {
  id: string
  exchange: string
  quote: string
  fees: { maker?: number; taker?: number }
  balances: Record<string, AssetBalance>
  /** What the last reset put in, per asset. total = deposits + flows at every step. */
  deposits: Record<string, number>
  /** Net change per asset from fills (amounts bought/sold, cost, fees). */
  flows: Record<string, number>
  positions: Record<string, PositionState>
  realizedPnl: number
  feesPaid: number
  equityHistory: EquitySample[]
  lastEquitySampleAt: number
  resetAt: number
}

/** An order as the engine keeps it: the public Order plus the bookkeeping behind it. */
export interface OrderRecord extends Order {
  exchange: string
  /** Global placement sequence; ids are derived from it, ordering by it is time priority. */
  seq: number
  /** Funds this order holds locked, in reserveAsset. */
  reserved: number
  reserveAsset: string
  /** false while a bracket leg waits for its entry to fill. */
  armed: boolean
  /** true once the order rests on the book as a limit (it can then fill from trades). */
  resting: boolean
  /** Trailing stop: best price seen since placement (highest for sells, lowest for buys). */
  extreme?: number
  /** Canonical placement params: a re-send with the same clientOrderId must match it. */
  fingerprint: string
  /** Bracket legs: which leg this is, and the other leg of the one-cancels-the-other pair. */
  role?: 'stop_loss' | 'take_profit'
  siblingId?: string
  /** Bracket entry: its two legs. */
  childIds?: string[]
}

export interface BookSide {
  price: number
  amount: number
}

/** Latest market data per exchange:symbol. Not durable: the feed refills it after a restart. */
export interface MarketSnapshot {
  bids: BookSide[]
  asks: BookSide[]
  hasBook: boolean
  bid?: number
  ask?: number
  last?: number
  timestamp: number
}

export interface ExchangeState {
  config: EngineConfig
  /** key: exchange + ':' + symbol */
  markets: Map<string, MarketInfo>
  books: Map<string, MarketSnapshot>
  accounts: Map<string, AccountState>
  /** Live orders plus the most recent closed ones (config.closedOrderMemory). */
  orders: Map<string, OrderRecord>
  /** Live orders per market key, for event handling. */
  live: Map<string, Set<OrderRecord>>
  /** account + '\u0000' + clientOrderId → order id, for orders in `orders`. */
  byClientId: Map<string, string>
  /** Closed order ids oldest first, to evict beyond closedOrderMemory. */
  closedQueue: string[]
  nextOrderSeq: number
  nextFillSeq: number
}

export function createState(config: Partial<EngineConfig> = {}): ExchangeState {
  return {
    config: { ...DEFAULT_CONFIG, ...config },
    markets: new Map(),
    books: new Map(),
    accounts: new Map(),
    orders: new Map(),
    live: new Map(),
    byClientId: new Map(),
    closedQueue: [],
    nextOrderSeq: 1,
    nextFillSeq: 1
  }
}

/** Keys made so far, per exchange then symbol. A few markets are looked up several times per
 * order and event: the same string each time saves building and hashing a new one. Bounded,
 * since symbols also come from requests that are then refused. */
const MARKET_KEYS = new Map<string, Map<string, string>>()
const MARKET_KEYS_LIMIT = 4_096
let marketKeysMade = 0

// The pair asked last: an order's path asks for the same market's key several times in a row.
let lastExchange = ''
let lastSymbol = ''
let lastKey = ':'

export function marketKey(exchange: string, symbol: string): string {
  if (exchange === lastExchange && symbol === lastSymbol) return lastKey
  lastExchange = exchange
  lastSymbol = symbol
  lastKey = keyOf(exchange, symbol)
  return lastKey
}

function keyOf(exchange: string, symbol: string): string {
  let bySymbol = MARKET_KEYS.get(exchange)
  const known = bySymbol?.get(symbol)
  if (known !== undefined) return known
  const key = `${exchange}:${symbol}`
  if (++marketKeysMade > MARKET_KEYS_LIMIT) {
    MARKET_KEYS.clear()
    marketKeysMade = 1
    bySymbol = undefined
  }
  if (!bySymbol) MARKET_KEYS.set(exchange, (bySymbol = new Map()))
  bySymbol.set(symbol, key)
  return key
}
export const clientKey = (account: string, clientOrderId: string): string => `${account}\u0000${clientOrderId}`
export const isLive = (o: Order): boolean =>
  o.status === 'open' || o.status === 'pending' || o.status === 'partially_filled'
