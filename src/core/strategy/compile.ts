import { createHash } from 'node:crypto'
import { transform, transformSync, type Message, type TransformOptions, type TransformResult } from 'esbuild'
import { StrategyLoadError } from './load-error'

/**
 * TypeScript or JavaScript strategy text → CommonJS plus its source map (esbuild). Compiling
 * runs no user code, so it is safe on any thread; evaluate.ts runs the result.
 */

export interface CompiledStrategy {
  /** Where it came from: a file path (names it in errors and stack traces). */
  file: string
  /** The transpiled CommonJS (what runs). */
  code: string
  /** The source map (JSON) from `code` back to the user's text. */
  map: string
  /** sha256 of the original text: a reload with the same hash is a no-op. */
  hash: string
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function options(file: string): TransformOptions {
  const loader = file.toLowerCase().endsWith('.ts') ? 'ts' : 'js'
  return { loader, format: 'cjs', target: 'node22', sourcefile: file, sourcemap: 'external', logLevel: 'silent' }
}

function compiled(text: string, file: string, out: TransformResult): CompiledStrategy {
  return { file, code: out.code, map: out.map, hash: sha256(text) }
}

export function compileStrategy(text: string, file: string): CompiledStrategy {
  try {
    return compiled(text, file, transformSync(text, options(file)))
  } catch (err) {
    throw compileError(err, file)
  }
}

/** The same, off the caller's event loop (the strategy worker compiles on every save). */
export async function compileStrategyAsync(text: string, file: string): Promise<CompiledStrategy> {
  try {
    return compiled(text, file, await transform(text, options(file)))
  } catch (err) {
    throw compileError(err, file)
  }
}

function compileError(err: unknown, file: string): StrategyLoadError {
  const first = (err as { errors?: Message[] }).errors?.[0]
  if (!first) return new StrategyLoadError('compile', `cannot compile ${file}: ${(err as Error).message}`)
  const at = first.location
  // esbuild columns are 0-based; editors count from 1.
  return new StrategyLoadError('compile', first.text, at ? { file, line: at.line, column: at.column + 1 } : undefined)
}
