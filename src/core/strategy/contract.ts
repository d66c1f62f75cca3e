import type { Timeframe } from '../../shared/market-data'
import type { Balance, Fill, Order, PlaceOrderInput, Position } from '../../shared/trading'

/**
 * The one contract between a strategy file and Keel. The same strategy object runs in a live
 * bot (strategy worker, one worker_thread per bot) and in a backtest (src/core/backtest): only
 * the StrategyContext implementation differs. Users' editors see this through the
 * `keel/strategy` declaration file; `defineStrategy` is an identity helper, a plain
 * default-exported object works too.
 */

/** A closed candle as a strategy sees it. `time` is the candle's open time (epoch ms). */
export interface StrategyCandle {
  time: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/** The latest ticker as a strategy sees it (onTick). */
export interface StrategyTicker {
  symbol: string
  time: number
  last: number
  bid?: number
  ask?: number
}

export type ParamSpec =
  | { type: 'int'; default: number; min?: number; max?: number; step?: number; description?: string }
  | { type: 'float'; default: number; min?: number; max?: number; step?: number; description?: string }
  | { type: 'bool'; default: boolean; description?: string }
  | { type: 'enum'; default: string; options: readonly string[]; description?: string }

export type ParamSpecs = Record<string, ParamSpec>
export type ParamValue = number | boolean | string
export type ParamValues = Record<string, ParamValue>

/** What `ctx.order` takes: placeOrder's fields without `account` and `clientOrderId` (Keel sets both). */
export type StrategyOrderRequest = Omit<PlaceOrderInput, 'account' | 'clientOrderId'>

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export interface StrategyLog {
  info(message: string, data?: JsonValue): void
  warn(message: string, data?: JsonValue): void
  error(message: string, data?: JsonValue): void
}

/** Streaming indicators: each call returns a fresh indicator fed by the caller (update → value). */
export interface StreamingIndicator {
  /** Feeds one value; returns the indicator's value once it is stable, else undefined. */
  update(value: number): number | undefined
  readonly value: number | undefined
}

export interface StrategyIndicators {
  sma(period: number): StreamingIndicator
  ema(period: number): StreamingIndicator
  rsi(period: number): StreamingIndicator
  /** Bollinger bands over `period` closes with `deviation` standard deviations. */
  bollinger(period: number, deviation?: number): {
    update(value: number): { upper: number; middle: number; lower: number } | undefined
  }
}

/** How often a signal has been right out of sample, beside what a naive call would score. */
export interface SignalQuality {
  /** Calls judged, and how many were right. */
  n: number
  hits: number
  hitRate: number
  /** 95 % Wilson interval of the hit rate. */
  interval: { lower: number; upper: number }
  baselines: { majorityClass: number; alwaysLong: number }
  /** The better of the baselines: the bar to clear. */
  baseline: number
  /** Permutation-test p-value of the hit rate against chance. */
  pValue: number
  /** False: no better than its baseline ("no edge"). */
  edge: boolean
}

/** One trained model's call on the candle, with its measured quality. */
export interface StrategyModelSignal {
  modelId: string
  algorithm: 'logistic' | 'gbt'
  /** The model predicts the direction of the return over this many candles. */
  horizon: number
  probUp: number
  direction: 'up' | 'down'
  /** Out of sample (purged walk-forward at training). */
  quality: SignalQuality
  /** The model is no better than its baseline out of sample: its call carries no information. */
  noEdge: boolean
  /** Predictions resolved since the model went live. */
  live: { n: number; hits: number; hitRate: number | null }
}

/**
 * The AI's signal on one closed candle of the bot's series: the indicator ensemble (each
 * rule's vote and the combined score) and every trained model's prediction. Advisory: it
 * places nothing.
 */
export interface StrategySignals {
  /** Open time of the closed candle the signal was computed on. */
  time: number
  close: number
  votes: Array<{ rule: string; vote: -1 | 0 | 1; value: number | null }>
  /** Mean vote of the rules that have data, in [-1, 1]. */
  score: number
  /** How the sign of the score has predicted the next candle (null before enough history). */
  ensembleQuality: SignalQuality | null
  models: StrategyModelSignal[]
}

/**
 * One context object per running strategy instance (a bot run, a backtest run): it stays the
 * same object from onStart to onStop, so per-instance objects can be keyed on it (perBot).
 */
export interface StrategyContext {
  /** The bot's symbol, e.g. "BTC/USDT", and its timeframe. */
  readonly symbol: string
  readonly timeframe: Timeframe
  /** Parameter values after defaults and validation against `params`. */
  readonly params: Readonly<ParamValues>
  /** Free-form JSON state; persisted after every callback and restored after any restart. */
  state: Record<string, JsonValue>
  /** Places an order on the bot's own paper account; resolves to the acknowledged order. */
  order(request: StrategyOrderRequest): Promise<Order>
  cancel(orderId: string): Promise<Order>
  /** The bot's position in its symbol (amount 0 when flat). */
  readonly position: Position
  balance(asset: string): Balance
  openOrders(): Order[]
  /** The last `n` closed candles, oldest first. The candle being formed is never visible. */
  candles(n: number): StrategyCandle[]
  readonly indicators: StrategyIndicators
  readonly log: StrategyLog
  /** The market's clock (the last closed candle's close time, or the tick's time), not the wall clock. */
  now(): number
  /**
   * The AI signal computed on the last closed candle (`signals.time` is that candle's time), or
   * undefined when there is none for it (the AI worker is down or still warming up, or the
   * candle is a replay older than the latest signal). Never a signal of a later candle.
   */
  readonly signals: StrategySignals | undefined
}

export interface StrategyDefinition<P extends ParamSpecs = ParamSpecs> {
  name: string
  description?: string
  timeframe?: Timeframe
  params?: P
  /** Closed candles to load before the first onCandle call. */
  warmup?: number
  onStart?(ctx: StrategyContext): void | Promise<void>
  onCandle?(ctx: StrategyContext, candle: StrategyCandle): void | Promise<void>
  onTick?(ctx: StrategyContext, ticker: StrategyTicker): void | Promise<void>
  onFill?(ctx: StrategyContext, fill: Fill): void | Promise<void>
  onStop?(ctx: StrategyContext): void | Promise<void>
}

/** Identity helper: gives a strategy object its type in users' editors. */
export function defineStrategy<P extends ParamSpecs>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  return definition
}

/**
 * Per-instance memory that is not persisted (indicators, caches): `init` runs once per
 * context, on first use. Module-level variables would be shared by every instance of the
 * strategy in one thread (a backtest sweep runs many); this is not. Rebuild such objects from
 * `ctx.candles()` in `init` so a restarted bot computes the same values.
 */
export function perBot<T>(init: (ctx: StrategyContext) => T): (ctx: StrategyContext) => T {
  const byContext = new WeakMap<StrategyContext, T>()
  // One lookup per call in the usual case (called on every candle, often more than once).
  return (ctx) => {
    const known = byContext.get(ctx)
    if (known !== undefined || byContext.has(ctx)) return known as T
    const made = init(ctx)
    byContext.set(ctx, made)
    return made
  }
}
