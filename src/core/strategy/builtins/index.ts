import { version } from '../../../../package.json'
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

/**
 * Which code a built-in is: its id and the Keel version that ships it. A job planned on a
 * built-in keeps this, so a resume after an update (which may change the built-in) is refused
 * instead of mixing two versions' results.
 */
export function builtinFingerprint(id: string): string {
  return `builtin:${id}@${version}`
}

/** Fingerprints kept before the version was part of them (`builtin:<id>`): they name no version to check. */
export function isUnversionedBuiltinFingerprint(fingerprint: string): boolean {
  return /^builtin:[^@]+$/.test(fingerprint)
}
