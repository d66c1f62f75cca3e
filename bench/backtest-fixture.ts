import { BacktestConfig, type BacktestConfigInput } from '../src/shared/backtest'
import { runBacktest } from '../src/core/backtest/run'
import { allocateSeries, type CandleSeries } from '../src/core/backtest/series'
import { builtinStrategy } from '../src/core/strategy/builtins'
import { indicators } from '../src/core/strategy/indicators'

/**
 * The backtest bench's data and runs: a deterministic random walk of candles, the plain-JS SMA
 * loop (the floor) and one run of the built-in sma-cross. Apart from bench/backtest.bench.ts so
 * that bench/backtest-child.ts measures the memory of a run with only what a run loads (not the
 * sweep's store, thread pool and SQLite).
 */

const MINUTE = 60_000

/** A deterministic random walk, written straight into columns. */
export function benchCandles(count: number, shared = false, seed = 42): CandleSeries {
  const s = allocateSeries(count, shared)
  let state = seed >>> 0
  const rand = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
  let price = 30_000
  for (let i = 0; i < count; i++) {
    const open = Math.round(price * 100) / 100
    const close = Math.round(open * (1 + (rand() - 0.5) * 0.004) * 100) / 100
    s.time[i] = 1_600_000_020_000 + i * MINUTE
    s.open[i] = open
    s.close[i] = close
    s.high[i] = Math.round(Math.max(open, close) * (1 + rand() * 0.001) * 100) / 100
    s.low[i] = Math.round(Math.min(open, close) * (1 - rand() * 0.001) * 100) / 100
    s.volume[i] = 5 + rand() * 20
    price = close
  }
  return s
}

/** The floor: rolling-sum SMAs and the same cross rule, no engine, no strategy object. */
export function plainSmaLoop(s: CandleSeries, fast: number, slow: number): { crosses: number } {
  let sumFast = 0
  let sumSlow = 0
  let above: boolean | undefined
  let crosses = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.close[i]
    sumFast += c
    sumSlow += c
    if (i >= fast) sumFast -= s.close[i - fast]
    if (i >= slow) sumSlow -= s.close[i - slow]
    if (i + 1 < slow) continue
    const now = sumFast / fast > sumSlow / slow
    if (above !== undefined && now !== above) crosses++
    above = now
  }
  return { crosses }
}

/** One run of the built-in sma-cross (10/30); `amount: 0` makes it decide without ever ordering. */
export async function engineRun(series: CandleSeries, config: BacktestConfigInput, amount = 0.1) {
  const definition = builtinStrategy('sma-cross')
  if (!definition) throw new Error('built-in sma-cross missing')
  const start = performance.now()
  const cpu = process.cpuUsage()
  const thread = process.threadCpuUsage()
  const report = await runBacktest({
    definition,
    params: { fast: 10, slow: 30, amount },
    series,
    config: BacktestConfig.parse({ symbol: 'BTC/USDT', timeframe: '1m', cash: 1_000_000, warmup: 30, ...config }),
    data: { source: 'bench', symbol: 'BTC/USDT', timeframe: '1m', gaps: [] },
    indicators
  })
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  const ran = process.threadCpuUsage(thread)
  return {
    ms: Math.round(ms),
    /** CPU time of the thread that ran the backtest: what contention for the cores inflates least. */
    threadCpuMs: Math.round((ran.user + ran.system) / 1000),
    /** CPU time of the whole process (garbage collector and compiler threads included). */
    cpuMs: Math.round((used.user + used.system) / 1000),
    trades: report.metrics.trades, engineInputs: report.engineInputs, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }
}
