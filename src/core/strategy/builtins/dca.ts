import { TIMEFRAME_MS } from '../../../shared/market-data'
import { defineStrategy } from '../contract'
import { openLong } from './orders'

/**
 * Dollar-cost averaging: buy `amount` at market on the first closed candle and then once every
 * `everyCandles` candles, up to `maxBuys` (0 = no limit). The schedule lives in ctx.state, so a
 * restart neither skips nor repeats a buy.
 */
const params = {
  everyCandles: { type: 'int', default: 24, min: 1, max: 100_000, description: 'Candles between buys' },
  amount: { type: 'float', default: 0.001, min: 0, description: 'Base amount per buy' },
  maxBuys: { type: 'int', default: 0, min: 0, description: 'Stop after this many buys (0 = never)' }
} as const

export default defineStrategy({
  name: 'DCA',
  description: 'Buys a fixed amount every N candles.',
  params,
  async onCandle(ctx, candle) {
    const every = (ctx.params.everyCandles as number) * TIMEFRAME_MS[ctx.timeframe]
    const last = typeof ctx.state.lastBuyAt === 'number' ? ctx.state.lastBuyAt : undefined
    const buys = typeof ctx.state.buys === 'number' ? ctx.state.buys : 0
    const max = ctx.params.maxBuys as number
    if (max > 0 && buys >= max) return
    if (last !== undefined && candle.time - last < every) return
    if (!(await openLong(ctx, ctx.params.amount as number))) return // refused: try again next candle
    ctx.state.lastBuyAt = candle.time
    ctx.state.buys = buys + 1
  }
})
