import type { ClosedTrade } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import { TIMEFRAME_MS } from '../../shared/market-data'
import type { Reason, StrategyComparison, TradeComparison } from '../../shared/replay'
import { accountExchange } from '../exchange'
import { tidy } from '../exchange/numeric'
import { indicators } from '../strategy/indicators'
import { resolveParams } from '../strategy/params'
import { loadData, parseDataSpec } from './data'
import type { ResolvedStrategy } from './job'
import { candleConfig, candlesFromRecording, type CandleRunOptions } from './replay-candles'
import type { Recording } from './replay-read'
import type { ReplayOutcome } from './replay-run'
import { RoundTrips } from './round-trips'
import { runBacktest } from './run'
import { seriesFromCandles } from './series'

/**
 * The bot's strategy over candles of the recorded period beside what the bot did on the ticks:
 * round trips paired by entry time, each with the difference and the reasons for it. The
 * strategy sees closed candles in both (live from the market worker, here from the recorded
 * trades or the named history), so a difference is the fill model's, or a decision taken on a
 * different candle.
 */

export interface StrategyRunOptions extends CandleRunOptions {
  strategy: ResolvedStrategy
  params: Record<string, unknown>
  account: string
  symbol?: string
  data?: string
  warmup?: number
  dataDir: string
}

export async function compareStrategy(recording: Recording, outcome: ReplayOutcome, options: StrategyRunOptions): Promise<StrategyComparison> {
  const { account, timeframe } = options
  const symbol = options.symbol ?? outcome.commands.find((c) => c.input.kind === 'placeOrder' && c.input.params.account === account)?.order?.symbol
  if (!symbol) throw new KeelError('bad_request', `account ${account} placed no order in recording ${recording.id}: name the symbol its strategy trades`)
  const tf = TIMEFRAME_MS[timeframe]
  const warmup = options.warmup ?? options.strategy.definition.warmup ?? 0
  let series
  let source: string
  if (options.data !== undefined) {
    const from = Math.floor(outcome.from / tf) * tf - warmup * tf
    const loaded = loadData(parseDataSpec(options.data), { dataDir: options.dataDir, from, to: Math.floor(outcome.to / tf) * tf + tf, symbol, timeframe })
    series = loaded.series
    source = `${series.length} candles of ${options.data}`
  } else {
    const built = candlesFromRecording(recording, accountExchange(outcome.state, account), symbol, timeframe)
    series = seriesFromCandles(built.candles)
    source = built.source
  }
  const cash = outcome.startHoldings.get(account)?.quote ?? 0
  const config = candleConfig(outcome.state, account, symbol, cash, options, Math.min(warmup, series.length))
  if (!config) throw new KeelError('bad_request', `account ${account} had no cash in ${symbol.split('/')[1]} when the session began, or ${symbol} is not in the recording`)
  const params = resolveParams(options.strategy.definition.params, options.params)
  const report = await runBacktest({
    definition: options.strategy.definition,
    params,
    series,
    config,
    data: { source, symbol, timeframe, gaps: [] },
    indicators
  })
  const trips = new RoundTrips(config.amountStep)
  for (const fill of outcome.fills) if (fill.account === account && fill.symbol === symbol) trips.add(fill)
  const live = trips.closed
  const trades = pairTrades(live, report.trades, tf, config.fill)
  const summary: Record<string, number> = {}
  for (const t of trades) for (const r of t.reasons) summary[r.code] = (summary[r.code] ?? 0) + 1
  return {
    strategy: options.strategy.ref,
    params,
    account,
    symbol,
    candles: series.length,
    source,
    trades,
    open: { live: trips.open(0).length, backtest: report.openTrades.length },
    summary
  }
}

const iso = (t: number) => new Date(t).toISOString()

/** Each live round trip with the backtest one whose entry is nearest, within two candles. */
export function pairTrades(live: readonly ClosedTrade[], backtest: readonly ClosedTrade[], tf: number, fill: 'book' | 'next-open'): TradeComparison[] {
  const used = new Set<number>()
  const out: TradeComparison[] = []
  for (const l of live) {
    let best = -1
    for (let i = 0; i < backtest.length; i++) {
      if (used.has(i)) continue
      const gap = Math.abs(backtest[i].entryTime - l.entryTime)
      if (gap <= 2 * tf && (best < 0 || gap < Math.abs(backtest[best].entryTime - l.entryTime))) best = i
    }
    if (best < 0) {
      out.push({ live: l, backtest: null, diff: null, reasons: [{ code: 'live_only', message: `the bot entered at ${iso(l.entryTime)} live; over candles the strategy made no trade within two candles of it (it decided differently on the candles it saw)` }] })
      continue
    }
    used.add(best)
    out.push(compareTrade(l, backtest[best], tf, fill))
  }
  backtest.forEach((b, i) => {
    if (!used.has(i)) out.push({ live: null, backtest: b, diff: null, reasons: [{ code: 'backtest_only', message: `over candles the strategy entered at ${iso(b.entryTime)}; live the bot made no trade then` }] })
  })
  return out.sort((a, b) => (a.live ?? a.backtest)!.entryTime - (b.live ?? b.backtest)!.entryTime)
}

function compareTrade(l: ClosedTrade, b: ClosedTrade, tf: number, fill: 'book' | 'next-open'): TradeComparison {
  const diff = {
    entryPrice: tidy(b.entryPrice - l.entryPrice),
    exitPrice: tidy(b.exitPrice - l.exitPrice),
    entryTimeMs: b.entryTime - l.entryTime,
    exitTimeMs: b.exitTime - l.exitTime,
    size: tidy(b.size - l.size),
    pnl: tidy(b.pnl - l.pnl)
  }
  const reasons: Reason[] = []
  const leg = (name: 'entry' | 'exit', bPrice: number, lPrice: number, bTime: number, lTime: number) => {
    if (bPrice === lPrice) return
    const atOpen = bTime % tf === 0
    const model = fill === 'next-open' ? 'the next-open price' : 'the synthetic book at the next open'
    if (atOpen) {
      reasons.push({
        code: fill === 'next-open' ? 'next_open' : 'book_walk',
        message: `${name}: filled at ${model} ${bPrice} (${iso(bTime)}) vs ${lPrice} live at ${iso(lTime)}, ${lTime - bTime} ms after that open, when the bot's order reached the engine and met the recorded book`
      })
    } else reasons.push({ code: 'intrabar_path', message: `${name}: filled at ${bPrice} on the intrabar path (${iso(bTime)}) vs ${lPrice} on the recorded ticks (${iso(lTime)})` })
  }
  leg('entry', b.entryPrice, l.entryPrice, b.entryTime, l.entryTime)
  leg('exit', b.exitPrice, l.exitPrice, b.exitTime, l.exitTime)
  if (diff.size !== 0) reasons.push({ code: 'partial_volume', message: `size ${b.size} over candles vs ${l.size} live (depth and trade volume over candles are shares of the candle's volume; a cost-sized order buys what its price allows)` })
  const feeRate = (t: ClosedTrade) => t.fees / (t.entryPrice * t.size + t.exitPrice * t.size)
  if (Math.abs(feeRate(b) - feeRate(l)) > 1e-9) reasons.push({ code: 'fee', message: `fees ${b.fees} over candles vs ${l.fees} live: a different maker/taker mix` })
  if (reasons.length === 0 && (diff.entryTimeMs !== 0 || diff.exitTimeMs !== 0)) {
    reasons.push({ code: 'timing', message: `same prices and size; entry ${diff.entryTimeMs} ms, exit ${diff.exitTimeMs} ms apart` })
  }
  if (reasons.length === 0) reasons.push({ code: 'same', message: 'the same round trip' })
  return { live: l, backtest: b, diff, reasons }
}
