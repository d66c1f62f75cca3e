import type { Timeframe } from '../../shared/market-data'
import type { Balance, Order, Position } from '../../shared/trading'
import type {
  JsonValue,
  ParamValues,
  StrategyCandle,
  StrategyContext,
  StrategyIndicators,
  StrategyLog,
  StrategyOrderRequest,
  StrategySignals
} from '../strategy/contract'
import { SeriesSignals, type SeriesStep } from '../ai/series-signals'
import { strategySignalsOf } from '../strategy/signals'
import { tidy } from '../exchange/numeric'
import { BACKTEST_ACCOUNT, type EngineDriver } from './engine-driver'
import type { CandleSeries } from './series'

/** The clock and the candles a strategy may see: only those closed before `now`. */
export interface MarketView {
  /** Candles closed so far (indices 0 … closed − 1 of the series). */
  closed: number
  now: number
  /** The latest price: the last point of the path the engine saw. */
  mark: number
}

export interface LogEntry {
  time: number
  level: 'info' | 'warn' | 'error'
  message: string
}

const LOG_LIMIT = 1_000
/** More than this per call is almost surely a mistake that would copy the whole history. */
const CANDLES_LIMIT = 100_000

/** StrategyContext over a backtest: orders go to the engine driver's queue, reads come from the engine's state. */
export class BacktestContext implements StrategyContext {
  state: Record<string, JsonValue> = {}
  readonly log: BacktestLog
  readonly logs: LogEntry[] = []
  /** ctx.signals, computed on first use only: a strategy that never reads it pays nothing. */
  private ai: { series: SeriesSignals; fed: number; last: SeriesStep | null } | undefined

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
    readonly params: Readonly<ParamValues>,
    readonly indicators: StrategyIndicators,
    private readonly driver: EngineDriver,
    private readonly series: CandleSeries,
    private readonly view: MarketView
  ) {
    this.log = new BacktestLog(this.logs, view)
  }

  get droppedLogs(): number {
    return this.log.dropped
  }

  order(request: StrategyOrderRequest): Promise<Order> {
    return this.driver.enqueue('placeOrder', {
      ...request,
      symbol: request.symbol ?? this.symbol,
      account: BACKTEST_ACCOUNT,
      clientOrderId: this.driver.nextClientOrderId()
    })
  }

  cancel(orderId: string): Promise<Order> {
    return this.driver.enqueue('cancelOrder', { account: BACKTEST_ACCOUNT, orderId })
  }

  get position(): Position {
    const held = this.driver.state.accounts.get(BACKTEST_ACCOUNT)?.positions[this.symbol]
    const mark = this.view.mark
    if (!held) return { symbol: this.symbol, amount: 0, avgEntry: 0, realizedPnl: 0, unrealizedPnl: 0, mark }
    return { ...held, unrealizedPnl: tidy(held.amount * (mark - held.avgEntry)), mark }
  }

  balance(asset: string): Balance {
    const b = this.driver.state.accounts.get(BACKTEST_ACCOUNT)?.balances[asset]
    return { asset, free: b?.free ?? 0, locked: b?.locked ?? 0, total: tidy((b?.free ?? 0) + (b?.locked ?? 0)) }
  }

  openOrders(): Order[] {
    return this.driver.openOrders()
  }

  candles(n: number): StrategyCandle[] {
    const count = Math.max(0, Math.min(Math.floor(n), CANDLES_LIMIT, this.view.closed))
    const out: StrategyCandle[] = new Array(count)
    const start = this.view.closed - count
    for (let k = 0; k < count; k++) out[k] = candleAt(this.series, start + k)
    return out
  }

  now(): number {
    return this.view.now
  }

  /**
   * The indicator ensemble over the backtest's own closed candles, the same SeriesSignals the
   * AI worker runs live: deterministic and without look-ahead. `models` is empty: a model
   * trained on today's history has seen the backtest's future.
   */
  get signals(): StrategySignals | undefined {
    const ai = (this.ai ??= { series: new SeriesSignals(), fed: 0, last: null })
    const s = this.series
    for (; ai.fed < this.view.closed; ai.fed++) {
      const i = ai.fed
      ai.last = ai.series.update([s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!]) ?? ai.last
    }
    if (!ai.last || this.view.closed === 0 || ai.last.time !== s.time[this.view.closed - 1]) return undefined
    return strategySignalsOf({ ...ai.last, ensembleQuality: ai.series.quality, model: null })
  }
}

/** ctx.log of a backtest: the first LOG_LIMIT lines at market time, a count of the rest. A class,
 * not closures per run: the strategy's call sites see the same methods in every run. */
class BacktestLog implements StrategyLog {
  dropped = 0
  constructor(
    private readonly lines: LogEntry[],
    private readonly view: MarketView
  ) {}

  info(message: string, data?: JsonValue): void {
    this.write('info', message, data)
  }
  warn(message: string, data?: JsonValue): void {
    this.write('warn', message, data)
  }
  error(message: string, data?: JsonValue): void {
    this.write('error', message, data)
  }

  private write(level: LogEntry['level'], message: string, data: JsonValue | undefined): void {
    if (this.lines.length >= LOG_LIMIT) return void this.dropped++
    this.lines.push({ time: this.view.now, level, message: data === undefined ? message : `${message} ${JSON.stringify(data)}` })
  }
}

export function candleAt(s: CandleSeries, i: number): StrategyCandle {
  return { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] }
}
