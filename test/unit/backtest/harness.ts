import { BacktestConfig, type BacktestConfigInput, type BacktestReport } from '../../../src/shared/backtest'
import type { Candle } from '../../../src/shared/market-data'
import { runBacktest } from '../../../src/core/backtest/run'
import { seriesFromCandles } from '../../../src/core/backtest/series'
import type { StrategyDefinition } from '../../../src/core/strategy/contract'
import { indicators } from '../../../src/core/strategy/indicators'

/** Runs a strategy over hand-made candles (1m, BTC/USDT) with the given settings. */
export function backtest(
  definition: StrategyDefinition,
  candles: Candle[],
  config: BacktestConfigInput = {},
  params: Record<string, number | boolean | string> = {}
): Promise<BacktestReport> {
  return runBacktest({
    definition,
    params,
    series: seriesFromCandles(candles),
    config: BacktestConfig.parse({ symbol: 'BTC/USDT', timeframe: '1m', ...config }),
    data: { source: 'test', symbol: 'BTC/USDT', timeframe: '1m', gaps: [] },
    indicators
  })
}

export const MINUTE = 60_000
export const T0 = 1_700_000_040_000

/** [time, open, high, low, close, volume] at minute k. */
export const bar = (k: number, open: number, high: number, low: number, close: number, volume = 1_000): Candle => [
  T0 + k * MINUTE,
  open,
  high,
  low,
  close,
  volume
]
