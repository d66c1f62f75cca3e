import { z } from 'zod'
import { BacktestReport, BacktestRequest } from '../../shared/backtest'
import { ErrorCode } from '../../shared/errors'

/** The messages between the backtest service and the worker thread running one backtest. */

export const RunThreadInput = z.object({
  request: BacktestRequest,
  dataDir: z.string(),
  /** Int32Array over it: [0] = 1 asks the run to stop. */
  cancel: z.instanceof(SharedArrayBuffer)
})
export type RunThreadInput = z.infer<typeof RunThreadInput>

export const RunThreadMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), done: z.number().int(), total: z.number().int() }),
  z.object({ type: z.literal('done'), report: BacktestReport }),
  z.object({ type: z.literal('failed'), code: ErrorCode, message: z.string() }),
  z.object({ type: z.literal('cancelled') })
])
export type RunThreadMessage = z.infer<typeof RunThreadMessage>
