import { createHash } from 'node:crypto'
import { z } from 'zod'
import { DataInfo, SweepPointResult, type BacktestRequest } from '../../shared/backtest'
import { describeZodError, ErrorCode, KeelError } from '../../shared/errors'
import type { ParamSpecs } from '../strategy/contract'
import { loadRequestData, resolveStrategy, runRequest, type ResolvedStrategy } from './job'
import type { LoadedData } from './data'
import { bufferOf, SERIES_BYTES_PER_CANDLE, seriesOnBuffer, sliceByIndex } from './series'

/**
 * One sweep point as an independent, serializable task: a full BacktestRequest plus, when the
 * coordinator already loaded the candles, a window onto its shared memory. A task without
 * `shared` loads its data itself, so the same task could be handed to a job queue and run on
 * another machine (see docs/backtesting.md); here it runs in a worker thread of this one.
 *
 * The coordinator also asks a thread to describe the strategy and to load the data, so neither
 * the user's strategy code nor a long read of market.db ever runs on its own event loop.
 */
export interface SweepTask {
  index: number
  request: BacktestRequest
  dataDir: string
  shared?: SharedCandles
  /** The strategy's fingerprint when the sweep was planned: a point refuses to run other code. */
  strategyFingerprint?: string
}

const count = z.number().int().min(0)

/**
 * Candles on a SharedArrayBuffer (laid out by allocateSeries) and the window [start, end) a task
 * uses. The six columns fill the buffer exactly, and the window lies inside them.
 */
export const SharedCandlesSchema = z
  .object({
    buffer: z.instanceof(SharedArrayBuffer),
    length: count,
    start: count,
    end: count,
    info: DataInfo.omit({ candles: true, from: true, to: true }),
    /** sha256 of every loaded candle: a job resumed on other candles would mix two data sets. */
    fingerprint: z.string()
  })
  .refine((c) => c.buffer.byteLength === c.length * SERIES_BYTES_PER_CANDLE, { message: 'the buffer does not hold six columns of `length` candles', path: ['buffer'] })
  .refine((c) => c.start <= c.end && c.end <= c.length, { message: 'the window [start, end) is not inside the candles', path: ['end'] })
export type SharedCandles = z.infer<typeof SharedCandlesSchema>

/** What planning needs from a strategy: its normalised ref, param specs, warm-up and fingerprint. */
export interface StrategyOutline {
  ref: string
  params?: ParamSpecs
  warmup?: number
  fingerprint: string
}

/** Checked where a thread's answer arrives: the shape the coordinator relies on. */
export const StrategyOutlineSchema = z.object({
  ref: z.string(),
  params: z.record(z.string(), z.looseObject({ type: z.enum(['int', 'float', 'bool', 'enum']) })).optional(),
  warmup: z.number().int().min(0).optional(),
  fingerprint: z.string()
})

const strategies = new Map<string, ResolvedStrategy>()

/** Loads a strategy and keeps it for the next points of this thread. */
function freshStrategy(ref: string): ResolvedStrategy {
  const strategy = resolveStrategy(ref)
  strategies.set(ref, strategy)
  return strategy
}

/** The file holds other code than the job was planned with: the job stops, the point stays pending. */
class StrategyChanged extends KeelError {
  constructor(ref: string) {
    super('rejected', `the strategy ${ref} changed since this job was planned (its points would run other code); put the file back as it was and resume the job, or start a new one`)
  }
}

/**
 * The strategy a point runs: the one this thread loaded, unless the point expects other code
 * (the file changed since it was loaded here), then the file as it is now, which must be the
 * code the job was planned with.
 */
function strategyFor(ref: string, expected: string | undefined): ResolvedStrategy {
  let strategy = strategies.get(ref)
  if (!strategy || (expected !== undefined && strategy.fingerprint !== expected)) strategy = freshStrategy(ref)
  if (expected !== undefined && strategy.fingerprint !== expected) throw new StrategyChanged(ref)
  return strategy
}

/**
 * Strategies are loaded once per thread. A point that fails carries its error instead of
 * stopping the sweep; a point that would run other code than planned is a TaskFailure, which
 * the runner rethrows so that the job stops with the reason and the point stays pending.
 */
export async function runSweepTask(task: SweepTask): Promise<SweepPointResult | TaskFailure> {
  try {
    const strategy = strategyFor(task.request.strategy, task.strategyFingerprint)
    const data = task.shared ? sharedData(task.shared) : loadRequestData(task.request, task.dataDir)
    const report = await runRequest(task.request, { dataDir: task.dataDir, data, strategy, curves: false })
    return { index: task.index, params: report.strategy.params, metrics: report.metrics }
  } catch (err) {
    if (err instanceof StrategyChanged) return failure(err)
    return { index: task.index, params: task.request.params, metrics: null, error: err instanceof Error ? err.message : String(err) }
  }
}

/** A thrown KeelError crosses a thread as a plain object: its code is kept in the message's body. */
export const TaskFailureSchema = z.object({ failure: z.object({ code: ErrorCode, message: z.string() }) })
export type TaskFailure = z.infer<typeof TaskFailureSchema>

function failure(err: unknown): TaskFailure {
  const error = KeelError.from(err)
  return { failure: { code: err instanceof KeelError ? error.code : 'bad_request', message: error.message } }
}

/** Describes the strategy as its file is now (planning and resuming must see an edit). */
export function describeStrategyTask(ref: string): StrategyOutline | TaskFailure {
  try {
    const { ref: normalised, definition, fingerprint } = freshStrategy(ref)
    // Only plain data leaves the thread (a spec may sit beside functions in the user's object).
    return JSON.parse(JSON.stringify({ ref: normalised, params: definition.params, warmup: definition.warmup, fingerprint })) as StrategyOutline
  } catch (err) {
    return failure(err)
  }
}

export function loadSharedTask(input: { request: BacktestRequest; dataDir: string }): SharedCandles | TaskFailure {
  try {
    const data = loadRequestData(input.request, input.dataDir, true)
    const buffer = bufferOf(data.series) as SharedArrayBuffer
    const fingerprint = createHash('sha256').update(new Uint8Array(buffer)).digest('hex')
    return { buffer, length: data.series.length, start: 0, end: data.series.length, info: data.info, fingerprint }
  } catch (err) {
    return failure(err)
  }
}

/** Rethrows a failure a thread reported, with its code (bad input stays a 4xx). */
export function unwrapTask<T>(result: T | TaskFailure): T {
  rethrowReported(result)
  return result as T
}

/** A failure the thread reported (a plain object) thrown again as the KeelError it was. */
function rethrowReported(answer: unknown): void {
  const failed = TaskFailureSchema.safeParse(answer)
  if (failed.success) throw new KeelError(failed.data.failure.code, failed.data.failure.message)
}

/**
 * Checks a thread's answer where it arrives: a reported failure is rethrown with its code, an
 * answer of the wrong shape is an internal error naming what was wrong, never a cast.
 */
export function threadAnswer<S extends z.ZodType>(schema: S, answer: unknown, what: string): z.output<S> {
  rethrowReported(answer)
  const parsed = schema.safeParse(answer)
  if (!parsed.success) throw new KeelError('internal', `a sweep thread answered ${what} with something else: ${describeZodError(parsed.error)}`)
  return parsed.data
}

/**
 * A point's answer as its thread gave it. Metrics that break the schema (a value that is not a
 * finite number) make that point a failed one with the reason, so the sweep stores only
 * results it can read back.
 */
export function pointAnswer(task: SweepTask, answer: unknown): SweepPointResult {
  rethrowReported(answer)
  const parsed = SweepPointResult.safeParse(answer)
  if (parsed.success && parsed.data.index === task.index) return parsed.data
  const reason = parsed.success ? `it answered for point ${parsed.data.index}` : describeZodError(parsed.error)
  return { index: task.index, params: task.request.params, metrics: null, error: `the point's result is not valid: ${reason}` }
}

function sharedData(shared: SharedCandles): LoadedData {
  return { series: sliceByIndex(seriesOnBuffer(shared.buffer, shared.length), shared.start, shared.end), info: shared.info }
}

/** What a pool thread is handed: a sweep point, or one of the two planning chores. */
export type ThreadTask = SweepTask | { describe: string } | { load: { request: BacktestRequest; dataDir: string } }

export function runThreadTask(task: ThreadTask): Promise<SweepPointResult | TaskFailure> | StrategyOutline | SharedCandles | TaskFailure {
  if ('describe' in task) return describeStrategyTask(task.describe)
  if ('load' in task) return loadSharedTask(task.load)
  return runSweepTask(task)
}
