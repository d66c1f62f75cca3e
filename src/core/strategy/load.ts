import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { basename, extname } from 'node:path'
import { compileFunction } from 'node:vm'
import { transformSync, type Message } from 'esbuild'
import { defineStrategy, perBot, type StrategyDefinition } from './contract'
import { validateDefinition } from './validate'

/**
 * Turns a user's strategy file (TypeScript or JavaScript) into a validated StrategyDefinition:
 * esbuild transpiles it to CommonJS, the module is evaluated with a `require` that knows only
 * `keel/strategy`, and the exported object is checked. Every failure is a StrategyLoadError
 * that points at the user's own file:line:column (runtime errors through the source map).
 *
 * Evaluating runs the user's top-level code: callers that must survive an endless loop there
 * (the strategy worker) load in a bot thread, never on their own event loop.
 */

export type LoadStage = 'read' | 'compile' | 'load' | 'validate'

export interface SourceLocation {
  file: string
  line: number
  column: number
}

export class StrategyLoadError extends Error {
  constructor(
    readonly stage: LoadStage,
    readonly detail: string,
    readonly location?: SourceLocation,
    readonly userStack?: string
  ) {
    super(location ? `${location.file}:${location.line}:${location.column}: ${detail}` : detail)
    this.name = 'StrategyLoadError'
  }
}

export interface StrategySource {
  /** Where it came from: a file path, or `builtin:<id>`. */
  file: string
  /** The transpiled CommonJS (what runs). */
  code: string
  /** sha256 of the original text: a reload with the same hash is a no-op. */
  hash: string
}

export interface LoadedStrategy {
  definition: StrategyDefinition
  source: StrategySource
  /** Maps a runtime error of a callback back to the user's file:line:column. */
  locate(err: unknown): { location?: SourceLocation; stack?: string }
}

/** The one module a strategy may import. */
export const STRATEGY_MODULE = 'keel/strategy'
const SDK = Object.freeze({ defineStrategy, perBot })

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
  const { code, map } = compile(text, file)
  const exported = evaluate(code, map, file)
  const problems = validateDefinition(exported)
  if (problems.length) {
    throw new StrategyLoadError('validate', `${basename(file)} does not export a valid strategy: ${problems.join('; ')}`, { file, line: 1, column: 1 })
  }
  return {
    definition: exported as StrategyDefinition,
    source: { file, code, hash: sha256(text) },
    locate: (err) => locateError(err, map, file)
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function compile(text: string, file: string): { code: string; map: SourceMap } {
  const loader = extname(file).toLowerCase() === '.ts' ? 'ts' : 'js'
  try {
    const out = transformSync(text, { loader, format: 'cjs', target: 'node22', sourcefile: file, sourcemap: 'external', logLevel: 'silent' })
    return { code: out.code, map: new SourceMap(JSON.parse(out.map) as SourceMapPayload) }
  } catch (err) {
    const first = (err as { errors?: Message[] }).errors?.[0]
    if (!first) throw new StrategyLoadError('compile', `cannot compile ${file}: ${(err as Error).message}`)
    const at = first.location
    // esbuild columns are 0-based; editors count from 1.
    throw new StrategyLoadError('compile', first.text, at ? { file, line: at.line, column: at.column + 1 } : undefined)
  }
}

function strategyRequire(specifier: string): unknown {
  if (specifier === STRATEGY_MODULE) return SDK
  throw new Error(`strategies may import only '${STRATEGY_MODULE}' (not '${specifier}'): they run in a sandboxed bot thread`)
}

function evaluate(code: string, map: SourceMap, file: string): unknown {
  const module = { exports: {} as Record<string, unknown> }
  try {
    const fn = compileFunction(code, ['exports', 'require', 'module'], { filename: file })
    fn(module.exports, strategyRequire, module)
  } catch (err) {
    const located = locateError(err, map, file)
    throw new StrategyLoadError('load', `throws on load: ${describe(err)}`, located.location, located.stack)
  }
  const exports = module.exports as { default?: unknown; __esModule?: boolean } | null
  // `export default {...}` and `module.exports = {...}` both work; a module exporting nothing is undefined.
  if (typeof exports !== 'object' || exports === null) return exports
  if (exports.__esModule || 'default' in exports) return exports.default
  return Object.keys(exports).length ? exports : undefined
}

function describe(err: unknown): string {
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
