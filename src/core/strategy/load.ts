import { readFileSync } from 'node:fs'
import { compileStrategy } from './compile'
import { evaluateStrategy, type LoadedStrategy } from './evaluate'
import { StrategyLoadError } from './load-error'

/**
 * A user's strategy file (TypeScript or JavaScript) → a validated StrategyDefinition: compiled
 * by esbuild to CommonJS, evaluated with a `require` that knows only `keel/strategy`, the
 * exported object checked. Every failure is a StrategyLoadError pointing at the user's own
 * file:line:column (runtime errors through the source map).
 */

export { StrategyLoadError, type LoadStage, type SourceLocation } from './load-error'
export { compileStrategy, compileStrategyAsync, sha256, type CompiledStrategy } from './compile'
export { evaluateStrategy, locateError, STRATEGY_MODULE, type LoadedStrategy } from './evaluate'

export function loadStrategyFile(file: string): LoadedStrategy {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new StrategyLoadError('read', `cannot read ${file}: ${(err as Error).message}`)
  }
  return loadStrategySource(text, file)
}

/** Compiles and evaluates strategy source text; `file` names it in errors and stack traces. */
export function loadStrategySource(text: string, file: string): LoadedStrategy {
  return evaluateStrategy(compileStrategy(text, file))
}
