import { defineStrategy, perBot, type StrategyContext } from '../contract'
import { CrossWatch } from './cross-watch'
import { closeLong, openLong, isFlat } from './orders'

/**
 * SMA cross: long when the fast SMA of closes crosses above the slow one, flat when it crosses
 * back below. A cross is a change of sign of (fast − slow) between two closed candles, both
 * with both averages defined; equality counts as "not above".
 */
const params = {
  fast: { type: 'int', default: 10, min: 1, max: 500, description: 'Fast SMA period (candles)' },
  slow: { type: 'int', default: 30, min: 2, max: 1000, description: 'Slow SMA period (candles)' },
  amount: { type: 'float', default: 0.01, min: 0, description: 'Base amount per entry' }
} as const

// The cross of the two SMAs (ctx.indicators.sma, bit for bit), decided without summing both
// windows on every candle: see cross-watch.ts.
const bot = perBot((ctx: StrategyContext) => ({
  cross: new CrossWatch(ctx.params.fast as number, ctx.params.slow as number),
  above: undefined as boolean | undefined
}))

const DONE = (): void => undefined

export default defineStrategy({
  name: 'SMA cross',
  description: 'Buys when the fast SMA crosses above the slow SMA; sells the position when it crosses back below.',
  params,
  warmup: 1000,
  onStart(ctx) {
    if ((ctx.params.fast as number) >= (ctx.params.slow as number)) throw new RangeError('fast must be shorter than slow')
    const s = bot(ctx)
    for (const candle of ctx.candles(ctx.params.slow as number)) s.above = s.cross.update(candle.close)
  },
  // Not async: a promise only on the candles where it orders, so a backtest does not wait a
  // microtask turn on every other candle for a decision that was already made.
  onCandle(ctx, candle) {
    const s = bot(ctx)
    const was = s.above
    const now = s.cross.update(candle.close)
    s.above = now
    if (was === undefined || now === undefined || was === now) return undefined
    if (now && isFlat(ctx)) return openLong(ctx, ctx.params.amount as number).then(DONE)
    if (!now) return closeLong(ctx).then(DONE)
    return undefined
  }
})
