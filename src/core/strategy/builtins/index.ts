import type { StrategyDefinition } from '../contract'
import bollingerBreakout from './bollinger-breakout'
import dca from './dca'
import rsiReversion from './rsi-reversion'
import smaCross from './sma-cross'

/** Strategies shipped with Keel, by id. A bot names one as `builtin:<id>`. */
export const BUILTIN_STRATEGIES: Readonly<Record<string, StrategyDefinition>> = Object.freeze({
  'sma-cross': smaCross,
  'rsi-reversion': rsiReversion,
  'bollinger-breakout': bollingerBreakout,
  dca
})

export type BuiltinId = keyof typeof BUILTIN_STRATEGIES

export function builtinStrategy(id: string): StrategyDefinition | undefined {
  return Object.hasOwn(BUILTIN_STRATEGIES, id) ? BUILTIN_STRATEGIES[id] : undefined
}
