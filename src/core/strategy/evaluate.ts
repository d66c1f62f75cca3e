import { SourceMap, type SourceMapPayload } from 'node:module'
import { basename } from 'node:path'
import { compileFunction } from 'node:vm'
import type { CompiledStrategy } from './compile'
import { defineStrategy, perBot, type StrategyDefinition } from './contract'
import { StrategyLoadError, type SourceLocation } from './load-error'
import { validateDefinition } from './validate'

/**
 * Runs a compiled strategy module with a `require` that knows only `keel/strategy` and checks
 * the exported object. This runs the user's top-level code: callers that must survive an
 * endless loop there (the strategy worker) evaluate in a bot thread, never on their own loop.
 */

export interface LoadedStrategy {
  definition: StrategyDefinition
  source: CompiledStrategy
  /** Maps a runtime error of a callback back to the user's file:line:column. */
  locate(err: unknown): { location?: SourceLocation; stack?: string }
}

/** The one module a strategy may import. */
export const STRATEGY_MODULE = 'keel/strategy'
const SDK = Object.freeze({ defineStrategy, perBot })

function strategyRequire(specifier: string): unknown {
  if (specifier === STRATEGY_MODULE) return SDK
  throw new Error(`strategies may import only '${STRATEGY_MODULE}' (not '${specifier}'): they run in a sandboxed bot thread`)
}

export function evaluateStrategy(source: CompiledStrategy): LoadedStrategy {
  const { file } = source
  const map = new SourceMap(JSON.parse(source.map) as SourceMapPayload)
  const locate = (err: unknown) => locateError(err, map, file)
  const module = { exports: {} as unknown }
  try {
    const fn = compileFunction(source.code, ['exports', 'require', 'module'], { filename: file })
    fn(module.exports, strategyRequire, module)
  } catch (err) {
    const located = locate(err)
    throw new StrategyLoadError('load', `throws on load: ${describe(err)}`, located.location, located.stack)
  }
  const exported = exportedObject(module.exports)
  const problems = validateDefinition(exported)
  if (problems.length) {
    throw new StrategyLoadError('validate', `${basename(file)} does not export a valid strategy: ${problems.join('; ')}`, { file, line: 1, column: 1 })
  }
  return { definition: exported as StrategyDefinition, source, locate }
}

/** `export default {...}` and `module.exports = {...}` both work; a module exporting nothing is undefined. */
function exportedObject(exports: unknown): unknown {
  if (typeof exports !== 'object' || exports === null) return exports
  const e = exports as { default?: unknown; __esModule?: boolean }
  if (e.__esModule || 'default' in e) return e.default
  return Object.keys(e).length ? e : undefined
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/**
 * Maps an error's stack frames in `file` (positions in the transpiled code) back to the user's
 * source. The first such frame is the error's location.
 */
export function locateError(err: unknown, map: SourceMap, file: string): { location?: SourceLocation; stack?: string } {
  const stack = err instanceof Error ? err.stack : undefined
  if (!stack) return {}
  let location: SourceLocation | undefined
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g')
  const mapped = stack.replace(frame, (whole, l: string, c: string) => {
    const entry = map.findEntry(Number(l) - 1, Number(c) - 1)
    if (!entry || !('originalLine' in entry)) return whole
    const here = { file, line: entry.originalLine + 1, column: entry.originalColumn + 1 }
    location ??= here
    return `${file}:${here.line}:${here.column}`
  })
  return { location, stack: mapped }
}
