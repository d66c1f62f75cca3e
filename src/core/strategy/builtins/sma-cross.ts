import { defineStrategy, perBot, type StrategyContext } from '../contract'
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

const bot = perBot((ctx: StrategyContext) => ({
  fast: ctx.indicators.sma(ctx.params.fast as number),
  slow: ctx.indicators.sma(ctx.params.slow as number),
  above: undefined as boolean | undefined
}))

type Bot = ReturnType<typeof bot>

/** Feeds one close; returns whether fast is above slow, or undefined before both are defined.
 * Handed the bot's state: one lookup per candle, not one per use. */
function step(s: Bot, close: number): boolean | undefined {
  const fast = s.fast.update(close)
  const slow = s.slow.update(close)
  return fast === undefined || slow === undefined ? undefined : fast > slow
}

const DONE = (): void => undefined

export default defineStrategy({
  name: 'SMA cross',
  description: 'Buys when the fast SMA crosses above the slow SMA; sells the position when it crosses back below.',
  params,
  warmup: 1000,
  onStart(ctx) {
    if ((ctx.params.fast as number) >= (ctx.params.slow as number)) throw new RangeError('fast must be shorter than slow')
    const s = bot(ctx)
    for (const candle of ctx.candles(ctx.params.slow as number)) s.above = step(s, candle.close)
  },
  // Not async: a promise only on the candles where it orders, so a backtest does not wait a
  // microtask turn on every other candle for a decision that was already made.
  onCandle(ctx, candle) {
    const s = bot(ctx)
    const was = s.above
    const now = step(s, candle.close)
    s.above = now
    if (was === undefined || now === undefined || was === now) return undefined
    if (now && isFlat(ctx)) return openLong(ctx, ctx.params.amount as number).then(DONE)
    if (!now) return closeLong(ctx).then(DONE)
    return undefined
  }
})
