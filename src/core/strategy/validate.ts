import { Timeframe } from '../../shared/market-data'
import { specsProblems } from './params'

const HOOKS = ['onStart', 'onCandle', 'onTick', 'onFill', 'onStop'] as const
export const MAX_WARMUP = 5000

/**
 * What is wrong with a module's exported strategy object; empty when it is a valid
 * StrategyDefinition. Hand checks rather than a schema: the object holds functions, and each
 * message names the field the user has to fix.
 */
export function validateDefinition(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['expected `export default defineStrategy({ name, ... })` (an object)']
  }
  const def = value as Record<string, unknown>
  const problems: string[] = []
  if (typeof def.name !== 'string' || !def.name.trim() || def.name.length > 100) problems.push('name must be a non-empty string (at most 100 characters)')
  if (def.description !== undefined && typeof def.description !== 'string') problems.push('description must be a string')
  if (def.timeframe !== undefined && !Timeframe.safeParse(def.timeframe).success) problems.push(`timeframe must be one of ${Timeframe.options.join(', ')}`)
  if (def.warmup !== undefined && !(Number.isInteger(def.warmup) && (def.warmup as number) >= 0 && (def.warmup as number) <= MAX_WARMUP)) {
    problems.push(`warmup must be a whole number from 0 to ${MAX_WARMUP}`)
  }
  for (const hook of HOOKS) {
    if (def[hook] !== undefined && typeof def[hook] !== 'function') problems.push(`${hook} must be a function`)
  }
  if (!HOOKS.some((hook) => typeof def[hook] === 'function')) problems.push(`a strategy needs at least one of ${HOOKS.join(', ')}`)
  problems.push(...specsProblems(def.params))
  return problems
}
