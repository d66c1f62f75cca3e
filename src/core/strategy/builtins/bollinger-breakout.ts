import { defineStrategy, perBot, type StrategyContext } from '../contract'
import { closeLong, isFlat, openLong } from './orders'

/**
 * Bollinger breakout: buy when a close breaks above the upper band while flat; sell the
 * position when a close falls below the middle band. Bands are over the last `period` closes
 * including the current one (population standard deviation).
 */
const params = {
  period: { type: 'int', default: 20, min: 2, max: 1000, description: 'Band period (candles)' },
  deviation: { type: 'float', default: 2, min: 0.1, max: 10, description: 'Band width in standard deviations' },
  amount: { type: 'float', default: 0.01, min: 0, description: 'Base amount per entry' }
} as const

const bot = perBot((ctx: StrategyContext) => ({ bands: ctx.indicators.bollinger(ctx.params.period as number, ctx.params.deviation as number) }))

export default defineStrategy({
  name: 'Bollinger breakout',
  description: 'Buys when the close breaks above the upper band; sells the position when the close falls below the middle band.',
  params,
  warmup: 1000,
  onStart(ctx) {
    for (const candle of ctx.candles(ctx.params.period as number)) bot(ctx).bands.update(candle.close)
  },
  async onCandle(ctx, candle) {
    const bands = bot(ctx).bands.update(candle.close)
    if (!bands) return
    if (candle.close > bands.upper && isFlat(ctx)) await openLong(ctx, ctx.params.amount as number)
    else if (candle.close < bands.middle) await closeLong(ctx)
  }
})
