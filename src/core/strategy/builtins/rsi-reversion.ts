import { defineStrategy, perBot, type StrategyContext } from '../contract'
import { closeLong, isFlat, openLong } from './orders'

/**
 * RSI mean reversion: buy when Wilder's RSI of closes drops below `oversold` while flat, sell
 * the position when it rises above `overbought`. RSI is defined from the (period + 1)th close.
 */
const params = {
  period: { type: 'int', default: 14, min: 2, max: 500, description: 'RSI period (candles)' },
  oversold: { type: 'float', default: 30, min: 0, max: 100, description: 'Buy below this RSI' },
  overbought: { type: 'float', default: 70, min: 0, max: 100, description: 'Sell above this RSI' },
  amount: { type: 'float', default: 0.01, min: 0, description: 'Base amount per entry' }
} as const

const bot = perBot((ctx: StrategyContext) => ({ rsi: ctx.indicators.rsi(ctx.params.period as number) }))

export default defineStrategy({
  name: 'RSI mean reversion',
  description: 'Buys when RSI falls below the oversold level; sells the position when RSI rises above the overbought level.',
  params,
  warmup: 1000,
  onStart(ctx) {
    if ((ctx.params.oversold as number) >= (ctx.params.overbought as number)) throw new RangeError('oversold must be below overbought')
    // Wilder's smoothing remembers all history: feed what warmup gives, not just `period`.
    for (const candle of ctx.candles(1000)) bot(ctx).rsi.update(candle.close)
  },
  async onCandle(ctx, candle) {
    const rsi = bot(ctx).rsi.update(candle.close)
    if (rsi === undefined) return
    if (rsi < (ctx.params.oversold as number) && isFlat(ctx)) await openLong(ctx, ctx.params.amount as number)
    else if (rsi > (ctx.params.overbought as number)) await closeLong(ctx)
  }
})
