import { z } from 'zod'
import { Candle } from './market-data'

/**
 * A stored backtest's candles, for its price chart with the run's trades marked. Paged like the
 * live chart's `candles`: the newest `limit` candles before `before` (default: the run's end).
 */
export const BacktestCandlesParams = z
  .object({
    id: z.number().int().positive(),
    before: z.number().int().optional(),
    limit: z.number().int().min(1).max(2000).default(500)
  })
  .strict()
export type BacktestCandlesParams = z.output<typeof BacktestCandlesParams>

export const BacktestCandlesResult = z.object({ candles: z.array(Candle) })
export type BacktestCandlesResult = z.infer<typeof BacktestCandlesResult>
