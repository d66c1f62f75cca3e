import { BacktestConfig, type FillModel, type IntrabarOrder } from '../../shared/backtest'
import { TIMEFRAME_MS, type Candle, type Timeframe } from '../../shared/market-data'
import type { CandleComparison, FillSummary, OrderComparison, Reason } from '../../shared/replay'
import type { Fill, Order, PlaceOrderParams } from '../../shared/trading'
import { accountExchange, marketKey, type ExchangeState } from '../exchange'
import { tidy } from '../exchange/numeric'
import type { StrategyContext, StrategyDefinition } from '../strategy/contract'
import { indicators } from '../strategy/indicators'
import type { Recording } from './replay-read'
import type { ReplayedCommand, ReplayOutcome } from './replay-run'
import { runBacktest } from './run'
import { seriesFromCandles, type CandleSeries } from './series'

/**
 * The recorded session's own orders run as a candle-based backtest of the same period, beside
 * what they did on the recorded ticks. Candles are built from the recorded trades; each order
 * is decided in the candle it was placed in and so executes from the next candle's open (the
 * backtester's rule for strategies), through runBacktest, the backtester's own path. Each order
 * then gets the difference (candle − tick) and the reasons for it.
 */

export interface CandleRunOptions {
  timeframe: Timeframe
  fill: FillModel
  intrabar: IntrabarOrder
  account?: string
}

type PlaceCommand = ReplayedCommand & { input: { kind: 'placeOrder'; params: PlaceOrderParams } }

export async function compareWithCandles(recording: Recording, outcome: ReplayOutcome, options: CandleRunOptions): Promise<CandleComparison[]> {
  const groups = new Map<string, { account: string; symbol: string }>()
  for (const c of outcome.commands) {
    if (c.input.kind !== 'placeOrder') continue
    const { account, symbol } = c.input.params
    if (options.account !== undefined && account !== options.account) continue
    groups.set(`${account}\u0000${symbol}`, { account, symbol })
  }
  const out: CandleComparison[] = []
  for (const { account, symbol } of groups.values()) out.push(await compareGroup(recording, outcome, account, symbol, options))
  return out
}

/** Candles of one market from the recorded trades (or, with none, from ticker prices, volume 0). */
export function candlesFromRecording(recording: Recording, exchange: string, symbol: string, timeframe: Timeframe): { candles: Candle[]; source: string } {
  const tf = TIMEFRAME_MS[timeframe]
  const byTrades: Candle[] = []
  const byTickers: Candle[] = []
  const add = (into: Candle[], t: number, price: number, volume: number) => {
    const start = Math.floor(t / tf) * tf
    const last = into[into.length - 1]
    if (last && last[0] === start) {
      last[2] = Math.max(last[2], price)
      last[3] = Math.min(last[3], price)
      last[4] = price
      last[5] = tidy(last[5] + volume)
    } else if (!last || start > last[0]) into.push([start, price, price, price, price, volume])
  }
  for (const { input } of recording.entries) {
    if (input.kind === 'trade' && input.trade.exchange === exchange && input.trade.symbol === symbol) add(byTrades, input.trade.timestamp, input.trade.price, input.trade.amount)
    else if (input.kind === 'ticker' && input.ticker.exchange === exchange && input.ticker.symbol === symbol) add(byTickers, input.ticker.timestamp, input.ticker.last, 0)
  }
  if (byTrades.length > 0) return { candles: byTrades, source: `${byTrades.length} ${timeframe} candles from the recorded trades` }
  return { candles: byTickers, source: `${byTickers.length} ${timeframe} candles from recorded ticker prices (no trades recorded: no volume)` }
}

async function compareGroup(recording: Recording, outcome: ReplayOutcome, account: string, symbol: string, options: CandleRunOptions): Promise<CandleComparison> {
  const { state } = outcome
  const exchange = accountExchange(state, account)
  const market = state.markets.get(marketKey(exchange, symbol))
  const { candles, source } = candlesFromRecording(recording, exchange, symbol, options.timeframe)
  const series = seriesFromCandles(candles)
  const tf = TIMEFRAME_MS[options.timeframe]
  const holdings = outcome.startHoldings.get(account)
  const cash = holdings?.quote ?? 0
  const startBase = holdings?.base[symbol] ?? 0
  const places = outcome.commands.filter((c): c is PlaceCommand => c.input.kind === 'placeOrder' && c.input.params.account === account && c.input.params.symbol === symbol)
  const script = new OrderScript(outcome.commands, account, symbol, tf)

  let candleFills = new Map<string, Fill[]>()
  let btRejections = new Map<string, string>()
  const base: Omit<CandleComparison, 'orders' | 'summary'> = { account, symbol, timeframe: options.timeframe, fill: options.fill, intrabar: options.intrabar, candles: series.length, source, cash }
  const config = candleConfig(state, account, symbol, cash, options)
  if (config && series.length > 0) {
    await runBacktest({
      definition: script.definition(),
      params: {},
      series,
      config,
      data: { source: `recording:${recording.id}`, symbol, timeframe: options.timeframe, gaps: [] },
      indicators
    })
    candleFills = script.fillsByLiveOrder()
    btRejections = script.rejections
  }
  const tickFills = new Map<string, Fill[]>()
  for (const fill of outcome.fills) {
    if (fill.account !== account || fill.symbol !== symbol) continue
    const list = tickFills.get(fill.orderId) ?? []
    list.push(fill)
    tickFills.set(fill.orderId, list)
  }
  const orders = places.map((place) =>
    compareOrder(place, tickFills, candleFills, btRejections, script, { series, tf, cash, startBase, marketKnown: market !== undefined, fill: options.fill })
  )
  const summary: Record<string, number> = {}
  for (const o of orders) for (const r of o.reasons) summary[r.code] = (summary[r.code] ?? 0) + 1
  return { ...base, orders, summary }
}

/**
 * The backtest settings that match the recorded market and account: its fees (the account's
 * own if it has them), precision and queue model, the cash it held. undefined when the market
 * is not in the recording or the account had no cash.
 */
export function candleConfig(state: ExchangeState, account: string, symbol: string, cash: number, options: CandleRunOptions, warmup = 0): BacktestConfig | undefined {
  const market = state.markets.get(marketKey(accountExchange(state, account), symbol))
  if (!market || !(cash > 0)) return undefined
  const acct = state.accounts.get(account)
  return BacktestConfig.parse({
    symbol,
    timeframe: options.timeframe,
    cash,
    fee: Math.max(0, acct?.fees.taker ?? market.taker),
    makerFee: acct?.fees.maker ?? market.maker,
    amountStep: market.precision.amount,
    priceTick: market.precision.price,
    fill: options.fill,
    intrabar: options.intrabar,
    queueModel: state.config.queueModel,
    warmup
  })
}

/** The recorded commands of one account and market, issued at the close of the candle each was sent in. */
class OrderScript {
  private next = 0
  private readonly commands: ReplayedCommand[]
  /** live order id → the backtest's order (once placed). */
  private readonly placed = new Map<string, Promise<Order>>()
  private readonly btToLive = new Map<string, string>()
  private readonly btFills: Fill[] = []
  readonly rejections = new Map<string, string>()
  /** Live orders placed and cancelled in the same candle: a bar-based run never sees them. */
  readonly withinOneCandle = new Set<string>()
  readonly amended = new Set<string>()
  /** When each live order was cancelled (by cancelOrder or cancelAll). */
  readonly cancelledAt = new Map<string, number>()

  constructor(all: readonly ReplayedCommand[], account: string, symbol: string, private readonly tf: number) {
    this.commands = all.filter((c) => {
      if (c.error !== undefined) return false
      const params = c.input.kind === 'setMarkets' ? undefined : (c.input.params as { account: string; symbol?: string })
      if (!params || params.account !== account) return false
      if (c.input.kind === 'cancelAll') return c.input.params.symbol === undefined || c.input.params.symbol === symbol
      if (c.input.kind === 'placeOrder') return c.input.params.symbol === symbol
      return c.order?.symbol === symbol
    })
    const placedIn = new Map<string, number>()
    for (const c of this.commands) {
      const id = c.order?.id
      if (c.input.kind === 'placeOrder' && id) placedIn.set(id, Math.floor(c.at / tf))
      else if (c.input.kind === 'cancelOrder' && id) {
        this.cancelledAt.set(id, c.at)
        if (placedIn.get(id) === Math.floor(c.at / tf)) this.withinOneCandle.add(id)
      } else if (c.input.kind === 'amendOrder' && id) this.amended.add(id)
    }
    const cancelAlls = this.commands.filter((c) => c.input.kind === 'cancelAll')
    for (const ca of cancelAlls) {
      for (const [id, candle] of placedIn) {
        if (this.cancelledAt.has(id)) continue
        const place = this.commands.find((c) => c.order?.id === id && c.input.kind === 'placeOrder')
        if (place && place.at <= ca.at) {
          this.cancelledAt.set(id, ca.at)
          if (candle === Math.floor(ca.at / tf)) this.withinOneCandle.add(id)
        }
      }
    }
  }

  definition(): StrategyDefinition {
    // Orders sent before the first candle closed are decided at its close, like those within it.
    return {
      name: 'recorded orders',
      onCandle: (ctx, candle) => this.issueUntil(ctx, candle.time + this.tf),
      onFill: (_ctx, fill) => void this.btFills.push(fill)
    }
  }

  private issueUntil(ctx: StrategyContext, end: number): void {
    while (this.next < this.commands.length && this.commands[this.next].at < end) {
      const c = this.commands[this.next++]
      const liveId = c.order?.id
      if (!liveId) continue
      if (c.input.kind === 'placeOrder') {
        if (this.withinOneCandle.has(liveId)) continue
        const { account: _a, clientOrderId: _c, ...request } = c.input.params
        const promise = ctx.order(request)
        this.placed.set(liveId, promise)
        promise.then(
          (order) => this.btToLive.set(order.id, liveId),
          (err: Error) => this.rejections.set(liveId, err.message)
        )
      } else if (c.input.kind === 'cancelOrder') this.cancel(ctx, liveId)
      else if (c.input.kind === 'cancelAll') for (const id of this.placed.keys()) this.cancel(ctx, id)
    }
  }

  private cancel(ctx: StrategyContext, liveId: string): void {
    // Placed at an earlier close, so its placement has settled; a cancel of a finished order is refused and ignored.
    void this.placed.get(liveId)?.then((order) => ctx.cancel(order.id).catch(() => undefined), () => undefined)
  }

  /** The backtest's fills under the live order ids (known once the run has ended). */
  fillsByLiveOrder(): Map<string, Fill[]> {
    const out = new Map<string, Fill[]>()
    for (const fill of this.btFills) {
      const liveId = this.btToLive.get(fill.orderId)
      if (!liveId) continue
      const list = out.get(liveId) ?? []
      list.push(fill)
      out.set(liveId, list)
    }
    return out
  }
}

export function summarizeFills(fills: readonly Fill[] | undefined): FillSummary | null {
  if (!fills || fills.length === 0) return null
  let amount = 0
  let cost = 0
  let fee = 0
  const liquidity = new Set(fills.map((f) => f.liquidity))
  for (const f of fills) {
    amount += f.amount
    cost += f.cost
    fee += f.fee
  }
  return {
    price: tidy(cost / amount),
    amount: tidy(amount),
    fee: tidy(fee),
    firstAt: fills[0].timestamp,
    lastAt: fills[fills.length - 1].timestamp,
    liquidity: liquidity.size === 1 ? fills[0].liquidity : 'mixed',
    fills: fills.length
  }
}

interface Context {
  series: CandleSeries
  tf: number
  cash: number
  startBase: number
  marketKnown: boolean
  fill: FillModel
}

const iso = (t: number) => new Date(t).toISOString()

function compareOrder(
  place: PlaceCommand,
  tickFills: Map<string, Fill[]>,
  candleFills: Map<string, Fill[]>,
  rejections: Map<string, string>,
  script: OrderScript,
  ctx: Context
): OrderComparison {
  const params = place.input.params
  const liveId = place.order?.id ?? ''
  const tick = summarizeFills(tickFills.get(liveId))
  const candle = summarizeFills(candleFills.get(liveId))
  const nextOpen = (Math.floor(place.at / ctx.tf) + 1) * ctx.tf
  const reasons: Reason[] = []
  const say = (code: Reason['code'], message: string) => reasons.push({ code, message })
  const limit = params.price
  const diff =
    tick && candle
      ? { price: tidy(candle.price - tick.price), amount: tidy(candle.amount - tick.amount), timeMs: candle.firstAt - tick.firstAt, fee: tidy(candle.fee - tick.fee) }
      : null

  if (!place.order) say('rejected', `refused live: ${place.error ?? 'no answer'}`)
  else if (!ctx.marketKnown) say('not_comparable', 'the market is not in the recording: no candle-based run')
  else if (ctx.cash <= 0) say('not_comparable', 'the account held no cash when the session began trading: no candle-based run')
  else if (script.withinOneCandle.has(liveId)) {
    say('cancelled_first', `placed and cancelled within the candle of ${iso(Math.floor(place.at / ctx.tf) * ctx.tf)}: a bar-based run decides only at candle closes and never places it`)
  } else if (rejections.has(liveId)) {
    const why = rejections.get(liveId) ?? ''
    if (/data ended/.test(why)) say('after_data', `placed at ${iso(place.at)}, in the last candle: the candle-based run has no next open to execute it at`)
    else if (params.side === 'sell' && ctx.startBase > 0 && /insufficient/i.test(why)) say('start_balance', `refused in candles (${why}): the backtest account starts with cash only; live held ${ctx.startBase} of the base`)
    else say('rejected', `refused in candles: ${why}`)
  }
  if (reasons.length > 0) return result()
  if (script.amended.has(liveId)) say('not_comparable', 'amended live: the candle-based run keeps the original order')

  const position = firstIndexAtOrAfter(ctx.series, nextOpen)
  if (tick && !candle) {
    if (tick.firstAt < nextOpen) {
      say('timing', `filled live at ${iso(tick.firstAt)}, inside the candle it was placed in; a bar-based run places it only at the next open (${iso(nextOpen)})`)
    }
    if (limit !== undefined && params.type === 'limit') {
      const until = script.cancelledAt.get(liveId) ?? Number.POSITIVE_INFINITY
      const extreme = extremeAfter(ctx.series, position, until, params.side)
      if (extreme === undefined) say('after_data', 'no candle after its next open before it was cancelled or the data ended')
      else if (params.side === 'buy' ? extreme > limit : extreme < limit) {
        say('not_touched', `not filled: the limit ${limit} was never touched in the candles after ${iso(nextOpen)} (${params.side === 'buy' ? 'lowest low' : 'highest high'} ${extreme})`)
      } else if (extreme === limit) {
        say('touch_only', `not filled: the candles only touched ${limit}; the conservative queue model fills a resting limit only on trades through it`)
      } else say('partial_volume', `not filled: the candles went through ${limit} but the volume share given to resting orders was used up`)
    } else if (reasons.length === 0) say('not_comparable', 'filled live but not in candles, for no reason this report can name')
    return result()
  }
  if (candle && !tick) {
    const until = script.cancelledAt.get(liveId)
    say(
      'candle_only',
      `filled in candles at ${candle.price} (${iso(candle.firstAt)}) on the synthetic intrabar path; live, no trade reached it${until !== undefined ? ` before it was cancelled at ${iso(until)}` : ''}`
    )
    return result()
  }
  if (!tick || !candle) {
    say('same', 'unfilled in both')
    return result()
  }
  if (diff && diff.price !== 0) {
    if (params.type === 'market') {
      if (ctx.fill === 'next-open') say('next_open', `filled at the next-open price ${candle.price} (${iso(candle.firstAt)}) vs ${tick.price} walking the recorded book at ${iso(tick.firstAt)}`)
      else say('book_walk', `walked the synthetic book (from candle volume) at the next open: ${candle.price} vs ${tick.price} on the recorded book at ${iso(tick.firstAt)}`)
    } else if (limit !== undefined && (params.side === 'buy' ? candle.price < limit : candle.price > limit)) {
      say('gap_open', `the next open was already through the limit ${limit}: filled at once at ${candle.price} (taker), vs ${tick.price} live`)
    } else say('intrabar_path', `filled at ${candle.price} on the intrabar path (${iso(candle.firstAt)}) vs trade ticks at ${tick.price} (${iso(tick.firstAt)})`)
  }
  if (diff && diff.amount !== 0) {
    say('partial_volume', `candles filled ${candle.amount} of ${params.amount ?? place.order?.amount} (depth and trade volume are shares of the candle's volume), live ${tick.amount}`)
  }
  const rate = (s: FillSummary) => s.fee / (s.price * s.amount)
  if (candle.liquidity !== tick.liquidity || Math.abs(rate(candle) - rate(tick)) > 1e-12) {
    say('fee', `fee ${candle.fee} as ${candle.liquidity} in candles vs ${tick.fee} as ${tick.liquidity} live`)
  }
  if (diff && diff.timeMs !== 0) {
    say('timing', `${diff.timeMs > 0 ? 'later' : 'earlier'} by ${Math.abs(diff.timeMs)} ms: ${iso(candle.firstAt)} in candles (bar timing: from the next open, on the intrabar path) vs ${iso(tick.firstAt)} live`)
  }
  if (reasons.length === 0) say('same', 'same fills')
  return result()

  function result(): OrderComparison {
    return {
      orderId: liveId,
      clientOrderId: place.order?.clientOrderId ?? params.clientOrderId ?? '',
      side: params.side,
      type: params.type,
      placedAt: place.at,
      amount: params.amount ?? place.order?.amount ?? 0,
      price: limit,
      tick,
      candle,
      diff,
      reasons
    }
  }
}

function firstIndexAtOrAfter(series: CandleSeries, t: number): number {
  let i = 0
  while (i < series.length && series.time[i] < t) i++
  return i
}

/** Lowest low (buy) or highest high (sell) of the candles from index `from` that open before `until`. */
function extremeAfter(series: CandleSeries, from: number, until: number, side: 'buy' | 'sell'): number | undefined {
  let extreme: number | undefined
  for (let i = from; i < series.length && series.time[i] < until; i++) {
    const x = side === 'buy' ? series.low[i] : series.high[i]
    if (extreme === undefined || (side === 'buy' ? x < extreme : x > extreme)) extreme = x
  }
  return extreme
}
