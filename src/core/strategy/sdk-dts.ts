/**
 * The `keel/strategy` module as users' editors see it (written into the strategies folder with
 * a tsconfig.json that maps the import here). It mirrors contract.ts; the unit test
 * test/unit/strategy/sdk-dts.test.ts type-checks a strategy against it.
 */
export const KEEL_STRATEGY_DTS = `// Keel strategy SDK: types for \`import { defineStrategy } from 'keel/strategy'\`.
// Written by Keel into its strategies folder; edits here are overwritten. See docs/strategies.md.
declare module 'keel/strategy' {
  export type Timeframe = '1m' | '5m' | '15m' | '1h' | '4h' | '1d'
  export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

  /** A closed candle. \`time\` is its open time (epoch ms). */
  export interface StrategyCandle { time: number; open: number; high: number; low: number; close: number; volume: number }
  export interface StrategyTicker { symbol: string; time: number; last: number; bid?: number; ask?: number }

  export type ParamSpec =
    | { type: 'int'; default: number; min?: number; max?: number; step?: number; description?: string }
    | { type: 'float'; default: number; min?: number; max?: number; step?: number; description?: string }
    | { type: 'bool'; default: boolean; description?: string }
    | { type: 'enum'; default: string; options: readonly string[]; description?: string }
  export type ParamSpecs = Record<string, ParamSpec>
  export type ParamValues = Record<string, number | boolean | string>

  export type OrderType = 'market' | 'limit' | 'stop_market' | 'stop_limit' | 'take_profit' | 'trailing_stop' | 'bracket'
  export type OrderStatus = 'open' | 'pending' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired'
  export interface BracketSpec { stopLoss: number; takeProfit: number; stopLossLimit?: number }

  /** placeOrder's fields without account and clientOrderId (Keel sets both). */
  export interface StrategyOrderRequest {
    symbol: string
    side: 'buy' | 'sell'
    type: OrderType
    /** Base amount. Give exactly one of amount and cost. */
    amount?: number
    /** Market orders only: size by quote instead of base (fees included). */
    cost?: number
    price?: number
    stopPrice?: number
    timeInForce?: 'GTC' | 'IOC' | 'FOK' | 'PO'
    trailingAmount?: number
    trailingPercent?: number
    bracket?: BracketSpec
  }

  export interface Order {
    id: string; clientOrderId: string; account: string; symbol: string; side: 'buy' | 'sell'; type: OrderType; status: OrderStatus
    amount: number; filled: number; remaining: number; price?: number; stopPrice?: number; avgFillPrice?: number
    cost: number; fees: number; reason?: string; createdAt: number; updatedAt: number
  }
  export interface Fill {
    id: string; orderId: string; clientOrderId: string; account: string; symbol: string; side: 'buy' | 'sell'
    price: number; amount: number; cost: number; fee: number; feeAsset: string; liquidity: 'maker' | 'taker'; timestamp: number
  }
  export interface Position { symbol: string; amount: number; avgEntry: number; realizedPnl: number; unrealizedPnl: number; mark?: number }
  export interface Balance { asset: string; free: number; locked: number; total: number }

  export interface StrategyLog {
    info(message: string, data?: JsonValue): void
    warn(message: string, data?: JsonValue): void
    error(message: string, data?: JsonValue): void
  }
  export interface StreamingIndicator {
    /** Feeds one value; the indicator's value once it is stable, else undefined. */
    update(value: number): number | undefined
    readonly value: number | undefined
  }
  export interface StrategyIndicators {
    sma(period: number): StreamingIndicator
    ema(period: number): StreamingIndicator
    rsi(period: number): StreamingIndicator
    bollinger(period: number, deviation?: number): { update(value: number): { upper: number; middle: number; lower: number } | undefined }
  }

  /** How often a signal has been right out of sample, beside what a naive call would score. */
  export interface SignalQuality {
    n: number
    hits: number
    hitRate: number
    /** 95 % Wilson interval of the hit rate. */
    interval: { lower: number; upper: number }
    baselines: { majorityClass: number; alwaysLong: number }
    /** The better of the baselines: the bar to clear. */
    baseline: number
    pValue: number
    /** False: no better than its baseline ("no edge"). */
    edge: boolean
  }
  /** One trained model's call on the candle, with its measured quality. */
  export interface StrategyModelSignal {
    modelId: string
    algorithm: 'logistic' | 'gbt'
    horizon: number
    probUp: number
    direction: 'up' | 'down'
    /** Out of sample (purged walk-forward at training). */
    quality: SignalQuality
    /** No better than its baseline out of sample: the call carries no information. */
    noEdge: boolean
    live: { n: number; hits: number; hitRate: number | null }
  }
  /** The AI's signal on one closed candle: the indicator ensemble and every trained model's prediction. */
  export interface StrategySignals {
    /** Open time of the closed candle the signal was computed on. */
    time: number
    close: number
    votes: Array<{ rule: string; vote: -1 | 0 | 1; value: number | null }>
    /** Mean vote of the rules that have data, in [-1, 1]. */
    score: number
    ensembleQuality: SignalQuality | null
    models: StrategyModelSignal[]
  }

  /** One object per running instance, from onStart to onStop. */
  export interface StrategyContext {
    readonly symbol: string
    readonly timeframe: Timeframe
    readonly params: Readonly<ParamValues>
    /** JSON; persisted after every callback and restored after any restart. */
    state: Record<string, JsonValue>
    /** Places an order on the bot's own paper account; resolves to the acknowledged order, rejects with the refusal. */
    order(request: StrategyOrderRequest): Promise<Order>
    cancel(orderId: string): Promise<Order>
    readonly position: Position
    balance(asset: string): Balance
    openOrders(): Order[]
    /** The last n closed candles, oldest first. */
    candles(n: number): StrategyCandle[]
    readonly indicators: StrategyIndicators
    readonly log: StrategyLog
    /** The market's clock, not the wall clock. */
    now(): number
    /** The AI signal on the last closed candle, or undefined when there is none for it (never a later candle's). */
    readonly signals: StrategySignals | undefined
  }

  export interface StrategyDefinition<P extends ParamSpecs = ParamSpecs> {
    name: string
    description?: string
    timeframe?: Timeframe
    params?: P
    warmup?: number
    onStart?(ctx: StrategyContext): void | Promise<void>
    onCandle?(ctx: StrategyContext, candle: StrategyCandle): void | Promise<void>
    onTick?(ctx: StrategyContext, ticker: StrategyTicker): void | Promise<void>
    onFill?(ctx: StrategyContext, fill: Fill): void | Promise<void>
    onStop?(ctx: StrategyContext): void | Promise<void>
  }

  export function defineStrategy<P extends ParamSpecs>(definition: StrategyDefinition<P>): StrategyDefinition<P>
  /** Per-instance memory that is not persisted (indicators): init runs once per context. */
  export function perBot<T>(init: (ctx: StrategyContext) => T): (ctx: StrategyContext) => T
}
`
