import { CandlesResult, MAX_CANDLES } from '../src/shared/market'
import { TIMEFRAME_MS, type Candle, type Timeframe } from '../src/shared/market-data'
import { marketClockFromEnv } from '../src/core/market/demo-clock'

/** Market time (the demo's clock runs fast only in tests); a bad setting fails the worker at start, loudly. */
const marketNow = marketClockFromEnv(process.env)

export type HostCall = (method: string, params: unknown, timeoutMs?: number) => Promise<unknown>

/**
 * The newest `count` closed candles of a series, from the market worker (the owner of market
 * data) through the host, in pages of MAX_CANDLES going back in time. The open candle is left
 * out: signals and labels are computed on closed candles only.
 */
export async function closedCandles(call: HostCall, series: { exchange: string; symbol: string; timeframe: Timeframe }, count: number, now = marketNow()): Promise<Candle[]> {
  const step = TIMEFRAME_MS[series.timeframe]
  const pages: Candle[][] = []
  let have = 0
  let before: number | undefined = Math.floor(now / step) * step // the open candle's start
  while (have < count) {
    const limit = Math.min(MAX_CANDLES, count - have)
    const page = CandlesResult.parse(await call('candles', { ...series, before, limit }, 60_000))
    if (!page.length) break
    pages.unshift(page)
    have += page.length
    before = page[0]![0]
    if (page.length < limit) break
  }
  return pages.flat()
}
