import type { BacktestConfig, BacktestReport, DataInfo } from '../../shared/backtest'
import { TIMEFRAME_MS } from '../../shared/market-data'
import type { Fill } from '../../shared/trading'
import type { ParamValues, StrategyDefinition, StrategyIndicators } from '../strategy/contract'
import type { AccountState, AssetBalance, OrderRecord } from '../exchange'
import { BACKTEST_ACCOUNT, BACKTEST_EXCHANGE, EngineDriver, type DriverListener } from './engine-driver'
import { BacktestContext, candleAt, type MarketView } from './context'
import { computeMetrics, drawdownCurve } from './metrics'
import { RoundTrips } from './round-trips'
import type { CandleSeries } from './series'
import { lowFirst, syntheticBook, type BookSpec } from './synthetic-market'

/**
 * One backtest: candles → price path events → the exchange engine, with the strategy called
 * on every closed candle (and on fills and ticks if it listens). An order decided at a
 * candle's close is applied at the next candle's open; the strategy never sees a candle before
 * it has closed. Deterministic: the same inputs give the same report.
 */

export interface BacktestInput {
  definition: StrategyDefinition
  /** Values after defaults and validation against the strategy's params. */
  params: ParamValues
  series: CandleSeries
  config: BacktestConfig
  data: Omit<DataInfo, 'candles' | 'from' | 'to'>
  indicators: StrategyIndicators
  /** Called every `progressEvery` candles and at the end. */
  onProgress?: (done: number, total: number) => void
  progressEvery?: number
  /** Checked with progress: true stops the run (BacktestCancelled). */
  shouldStop?: () => boolean
  /** false: the report's curves stay empty (a sweep point keeps only metrics; three arrays of
   * one number per candle would be built for nothing). Default true. */
  curves?: boolean
}

export class BacktestCancelled extends Error {
  constructor() {
    super('backtest cancelled')
    this.name = 'BacktestCancelled'
  }
}

/** A strategy callback threw: the run stops with the candle time and the strategy's stack. */
export class StrategyFailure extends Error {
  constructor(callback: string, time: number, cause: unknown) {
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)
    super(`strategy ${callback} failed at ${new Date(time).toISOString()}: ${detail}`)
    this.name = 'StrategyFailure'
  }
}

/** The trade at a stop's trigger price between two path points: positive, yet below any amount
 * step, so it moves the price (and triggers) without filling resting limits from volume it does not have. */
const NO_VOLUME = Number.MIN_VALUE

export async function runBacktest(input: BacktestInput): Promise<BacktestReport> {
  return new BacktestRun(input).run()
}

class BacktestRun implements DriverListener {
  private readonly driver: EngineDriver
  private readonly ctx: BacktestContext
  private readonly view: MarketView = { closed: 0, now: 0, mark: 0 }
  private readonly trips: RoundTrips
  private readonly bookSpec: BookSpec
  private readonly tf: number
  private fills = 0
  private pending = 0
  private failure: unknown
  private wake: (() => void) | undefined
  private volume = 0
  private pointVolume = 0
  private readonly pathPrice = new Float64Array(4)
  private readonly pathTime = new Float64Array(4)
  private readonly acct: AccountState
  /** Every path point goes to the engine (the strategy listens to ticks, or feedIdle asks for it). */
  private readonly alwaysFeed: boolean
  private readonly started = performance.now()

  constructor(private readonly input: BacktestInput) {
    const { config } = input
    this.driver = new EngineDriver(config, this)
    this.ctx = new BacktestContext(config.symbol, config.timeframe, input.params, input.indicators, this.driver, input.series, this.view)
    this.bookSpec = {
      exchange: BACKTEST_EXCHANGE,
      symbol: config.symbol,
      fill: config.fill,
      depth: config.depth,
      priceTick: config.priceTick,
      amountStep: config.amountStep
    }
    this.tf = TIMEFRAME_MS[config.timeframe]
    this.trips = new RoundTrips(config.amountStep)
    const acct = this.driver.state.accounts.get(BACKTEST_ACCOUNT)
    if (!acct) throw new Error('backtest account missing after set-up')
    this.acct = acct
    this.alwaysFeed = input.definition.onTick !== undefined || config.feedIdle
  }

  async run(): Promise<BacktestReport> {
    const { series, definition, config } = this.input
    const n = series.length
    const warmup = Math.min(config.warmup ?? definition.warmup ?? 0, n)
    const every = this.input.progressEvery ?? 10_000
    // The report's own array when it keeps curves (no typed copy beside it), else a compact one.
    const equity: number[] | Float64Array = this.input.curves === false ? new Float64Array(n) : new Array<number>(n)
    let exposed = 0
    this.view.now = n > 0 ? series.time[0] : 0
    this.view.mark = n > 0 ? series.open[0] : 0

    const onCandle = definition.onCandle
    // A countdown, not (i + 1) % every: an integer division per candle is the dearest part of the check.
    let untilProgress = every
    // Like a live bot: the warm-up candles are history the strategy finds in place when it starts.
    if (warmup === 0) await this.start()
    for (let i = 0; i < n; i++) {
      const walking = this.candle(i)
      if (walking) await walking
      const close = series.close[i]
      const held = this.baseHeld()
      equity[i] = this.cashHeld() + held * close
      if (held > 0) exposed++
      this.view.closed = i + 1
      this.view.now = series.time[i] + this.tf
      this.view.mark = close
      if (i + 1 === warmup) await this.start()
      else if (onCandle && i >= warmup) {
        this.track('onCandle', onCandle, candleAt(series, i))
        if (this.pending > 0) {
          // An async onCandle that returned without awaiting settles within one microtask turn.
          await null
          if (this.pending > 0 || this.failure !== undefined) await this.waitForDecision()
        }
      }
      if (--untilProgress === 0) {
        untilProgress = every
        this.progress(i + 1, n)
      }
    }
    if (definition.onStop) this.track('onStop', definition.onStop, undefined)
    await this.waitForDecision()
    this.driver.dropQueued(this.view.now)
    this.progress(n, n)
    return this.report(equity, exposed)
  }

  private async start(): Promise<void> {
    const { definition } = this.input
    if (definition.onStart) this.track('onStart', definition.onStart, undefined)
    await this.waitForDecision()
  }

  private progress(done: number, total: number): void {
    this.input.onProgress?.(done, total)
    if (this.input.shouldStop?.()) throw new BacktestCancelled()
  }

  /**
   * One candle's path: open, the first extreme, the second, the close, plus the trigger prices of
   * waiting orders crossed on the way. Synchronous while no strategy callback is still running
   * (the usual case, and the fast one); otherwise the rest of the path continues once it settled.
   */
  private candle(i: number): Promise<void> | undefined {
    const s = this.input.series
    // Nothing resting, waiting or queued, and nobody listening to ticks: no point of this path
    // can change anything, so none is built (the mark ends at the close, set by the caller).
    if (!this.alwaysFeed && !this.driver.hasQueued && this.driver.liveOrders().size === 0) return undefined
    const t = s.time[i]
    const o = s.open[i]
    const c = s.close[i]
    this.volume = s.volume[i]
    this.pointVolume = (this.volume * this.input.config.depth.tradeShare) / 4
    const lowFirstPath = lowFirst(this.input.config.intrabar, o, c, this.baseHeld() > 0)
    const price = this.pathPrice
    const time = this.pathTime
    price[0] = o
    price[1] = lowFirstPath ? s.low[i] : s.high[i]
    price[2] = lowFirstPath ? s.high[i] : s.low[i]
    price[3] = c
    time[0] = t
    time[1] = t + Math.floor(this.tf / 3)
    time[2] = t + Math.floor((2 * this.tf) / 3)
    time[3] = t + this.tf - 1
    if (this.point(t, o, this.pointVolume, o)) return this.settle(t).then(() => this.segmentsFrom(0))
    return this.segmentsFrom(0)
  }

  private segmentsFrom(first: number): Promise<void> | undefined {
    for (let seg = first; seg < 3; seg++) {
      const waiting = this.segment(seg)
      if (waiting) return waiting.then(() => this.segmentsFrom(seg + 1))
    }
    return undefined
  }

  /** From path point seg to seg + 1: first any live trigger price strictly between, then the point itself. */
  private segment(seg: number, fromTrigger = 0, known?: number[]): Promise<void> | undefined {
    const a = this.pathPrice[seg]
    const b = this.pathPrice[seg + 1]
    const ta = this.pathTime[seg]
    const tb = this.pathTime[seg + 1]
    const live = this.driver.liveOrders()
    const triggers = known ?? (live.size > 0 ? triggersBetween(live, a, b) : NONE)
    for (let k = fromTrigger; k < triggers.length; k++) {
      const at = ta + Math.max(1, Math.min(tb - ta - 1, Math.round(((triggers[k] - a) / (b - a)) * (tb - ta))))
      if (this.point(at, triggers[k], NO_VOLUME, a)) return this.settle(at).then(() => this.segment(seg, k + 1, triggers))
    }
    if (this.point(tb, b, this.pointVolume, a)) return this.settle(tb)
    return undefined
  }

  // The engine creates an asset's balance once and updates it in place (a reset replaces the
  // whole account, which a backtest never does after set-up): looked up until it exists, then kept.
  private baseBalance: AssetBalance | undefined
  private cashBalance: AssetBalance | undefined

  private baseHeld(): number {
    const b = (this.baseBalance ??= this.acct.balances[this.driver.market.base])
    return b ? b.free + b.locked : 0
  }

  private cashHeld(): number {
    const b = (this.cashBalance ??= this.acct.balances[this.driver.market.quote])
    return b ? b.free + b.locked : 0
  }

  /** Feeds one path point to the engine if anything there can react. Returns true when the
   * strategy has commands or callbacks to settle at this instant. */
  private point(time: number, price: number, volume: number, from: number): boolean {
    this.view.mark = price
    if (!this.alwaysFeed && this.driver.liveOrders().size === 0 && !this.driver.hasQueued) return false
    const onTick = this.input.definition.onTick
    this.view.now = time
    this.driver.book(syntheticBook(this.bookSpec, price, this.volume, time))
    if (volume > 0) {
      const side = price >= from ? 'buy' : 'sell'
      this.driver.trade({ exchange: BACKTEST_EXCHANGE, symbol: this.driver.market.symbol, timestamp: time, price, amount: volume, side })
    }
    if (onTick) this.track('onTick', onTick, { symbol: this.driver.market.symbol, time, last: price })
    this.driver.flush(time)
    return this.pending > 0
  }

  /** DriverListener: a fill goes to the round trips and to the strategy's onFill. */
  fill(fill: Fill): void {
    this.fills++
    this.trips.add(fill)
    const onFill = this.input.definition.onFill
    if (onFill) this.track('onFill', onFill, fill)
  }

  /** Runs a strategy callback (with the strategy as `this`, no closure per call); a returned
   * promise is tracked until it settles. */
  private track<A>(name: string, callback: (this: StrategyDefinition, ctx: BacktestContext, arg: A) => unknown, arg: A): void {
    let result: unknown
    try {
      result = callback.call(this.input.definition, this.ctx, arg)
    } catch (err) {
      throw new StrategyFailure(name, this.view.now, err)
    }
    if (!isThenable(result)) return
    this.pending++
    this.runningCallback = name
    result.then(this.onSettled, this.onRejected)
  }

  // Bound once: one pair of handlers for every callback's promise, not two closures per call.
  private runningCallback = ''
  private readonly onSettled = (): void => this.settled()
  private readonly onRejected = (err: unknown): void => {
    this.failure ??= new StrategyFailure(this.runningCallback, this.view.now, err)
    this.settled()
  }

  private settled(): void {
    this.pending--
    this.wakeUp()
  }

  /** DriverListener: a command was queued; the run may be sleeping on the strategy. */
  queued(): void {
    this.wakeUp()
  }

  private wakeUp(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve))
  }

  /** After a close: wait until the strategy's callbacks are done or wait only on orders, which
   * execute at the next open. */
  private async waitForDecision(): Promise<void> {
    while (this.pending > 0 && !this.driver.hasQueued) {
      await this.sleep()
      this.checkFailure()
    }
    this.checkFailure()
  }

  /** At a market instant: apply queued commands and let the callbacks awaiting them run, until all are done. */
  private async settle(time: number): Promise<void> {
    this.driver.flush(time)
    while (this.pending > 0) {
      await this.sleep()
      this.checkFailure()
      this.driver.flush(time)
    }
    this.checkFailure()
  }

  private checkFailure(): void {
    if (this.failure !== undefined) throw this.failure
  }

  private report(equity: number[] | Float64Array, exposed: number): BacktestReport {
    const { series, config, definition, params, data } = this.input
    const n = series.length
    const acct = this.driver.state.accounts.get(BACKTEST_ACCOUNT)
    const lastClose = n > 0 ? series.close[n - 1] : 0
    const trades = this.trips.closed
    const startTime = n > 0 ? series.time[0] : 0
    const endTime = n > 0 ? series.time[n - 1] + this.tf : 0
    const curve = Array.isArray(equity) ? { time: toArray(series.time), equity, drawdown: drawdownCurve(equity, config.cash) } : undefined
    const metrics = computeMetrics(
      { equity, startEquity: config.cash, startTime, endTime, timeframe: config.timeframe, exposedCandles: exposed, feesPaid: acct?.feesPaid ?? 0, drawdown: curve?.drawdown },
      trades
    )
    if (this.ctx.droppedLogs > 0) {
      this.ctx.logs.push({ time: this.view.now, level: 'warn', message: `${this.ctx.droppedLogs} further log lines dropped` })
    }
    return {
      strategy: { name: definition.name, params: { ...params } },
      config,
      data: { ...data, from: startTime, to: endTime, candles: n },
      trades,
      openTrades: this.trips.open(lastClose),
      curve: curve ?? { time: [], equity: [], drawdown: [] },
      metrics,
      orders: { placed: this.driver.placed, fills: this.fills, rejected: this.driver.rejected },
      log: this.ctx.logs,
      engineInputs: this.driver.inputs,
      elapsedMs: Math.round(performance.now() - this.started)
    }
  }
}

const NONE: number[] = []

/** A plain array for the report (JSON); Array.from on a typed array is several times slower. */
function toArray(values: Float64Array): number[] {
  const out = new Array<number>(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i]
  return out
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}

/** Trigger prices of waiting orders strictly between a and b, in the order a move from a to b meets them. */
function triggersBetween(live: ReadonlySet<OrderRecord>, a: number, b: number): number[] {
  const lo = Math.min(a, b)
  const hi = Math.max(a, b)
  const prices: number[] = []
  for (const order of live) {
    const stop = order.stopPrice
    if (order.status === 'pending' && order.armed && stop !== undefined && stop > lo && stop < hi) prices.push(stop)
  }
  if (prices.length > 1) prices.sort((x, y) => (b > a ? x - y : y - x))
  return prices
}
