import { BacktestConfig, type BacktestReport, type BacktestRequest } from '../../shared/backtest'
import { describeZodError, KeelError } from '../../shared/errors'
import { builtinFingerprint, builtinStrategy, BUILTIN_STRATEGIES } from '../strategy/builtins'
import type { StrategyDefinition } from '../strategy/contract'
import { indicators } from '../strategy/indicators'
import { loadStrategyFile, StrategyLoadError } from '../strategy/load'
import { resolveParams } from '../strategy/params'
import { loadData, parseDataSpec, type LoadedData } from './data'
import { runBacktest } from './run'

/**
 * A BacktestRequest from start to report: the strategy (built-in or file), its params, the data,
 * then the run. What the CLI, the API and each sweep task call.
 */

export interface ResolvedStrategy {
  /** What the request named, normalised (`builtin:<id>` or the file path). */
  ref: string
  definition: StrategyDefinition
  /** Which code this is: `builtin:<id>@<Keel version>`, or `sha256:` and the hash of the file's text. A sweep
   * keeps it, so a resume or a reloaded thread never runs other code than it was planned with. */
  fingerprint: string
}

export function resolveStrategy(ref: string): ResolvedStrategy {
  const id = ref.startsWith('builtin:') ? ref.slice('builtin:'.length) : ref
  const builtin = builtinStrategy(id)
  if (builtin) return { ref: `builtin:${id}`, definition: builtin, fingerprint: builtinFingerprint(id) }
  if (ref.startsWith('builtin:') || !/[./\\]/.test(ref)) {
    throw new KeelError('bad_request', `no built-in strategy "${id}" (built-ins: ${Object.keys(BUILTIN_STRATEGIES).join(', ')}); a file path needs an extension`)
  }
  try {
    const loaded = loadStrategyFile(ref)
    return { ref, definition: loaded.definition, fingerprint: `sha256:${loaded.source.hash}` }
  } catch (err) {
    if (err instanceof StrategyLoadError) throw new KeelError('bad_request', err.message)
    throw err
  }
}

export interface JobOptions {
  dataDir: string
  onProgress?: (done: number, total: number) => void
  progressEvery?: number
  shouldStop?: () => boolean
  /** Data already loaded for this request's data/from/to (sweeps load once, run many). */
  data?: LoadedData
  strategy?: ResolvedStrategy
  /** false: metrics and trades only, no per-candle curves (sweeps). */
  curves?: boolean
}

export function loadRequestData(request: BacktestRequest, dataDir: string, sharedMemory = false): LoadedData {
  return loadData(
    parseDataSpec(request.data),
    { dataDir, from: request.from, to: request.to, symbol: request.config.symbol, timeframe: request.config.timeframe },
    sharedMemory
  )
}

export async function runRequest(request: BacktestRequest, options: JobOptions): Promise<BacktestReport> {
  const strategy = options.strategy ?? resolveStrategy(request.strategy)
  const params = resolveParams(strategy.definition.params, request.params)
  const data = options.data ?? loadRequestData(request, options.dataDir)
  const parsed = BacktestConfig.safeParse({ ...request.config, symbol: data.info.symbol, timeframe: data.info.timeframe })
  if (!parsed.success) throw new KeelError('bad_request', `config: ${describeZodError(parsed.error)}`)
  return runBacktest({
    definition: strategy.definition,
    params,
    series: data.series,
    config: parsed.data,
    data: data.info,
    indicators,
    onProgress: options.onProgress,
    progressEvery: options.progressEvery,
    shouldStop: options.shouldStop,
    curves: options.curves
  })
}
