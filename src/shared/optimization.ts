import { z } from 'zod'
import { Objective, ParamValues, type BacktestMetrics, SweepPointResult, SweepSpec, WalkForwardSpec, WalkForwardWindow, type ParamAxis } from './backtest'

/**
 * Sweeps and walk-forward as the API offers them: started, listed, read, cancelled and resumed as jobs
 * that the strategy worker keeps in backtests.db and resumes after a restart. The specs
 * themselves (SweepSpec, WalkForwardSpec) live in backtest.ts beside the runs they are made of.
 */

/** The most points one sweep may plan through the API (grid combinations or random samples). */
export const MAX_SWEEP_POINTS = 10_000
/** The most params one sweep may vary. */
export const MAX_SWEEP_AXES = 8
/** The most trials (window sweeps plus their out-of-sample runs) one walk-forward may plan. */
export const MAX_WALK_FORWARD_TRIALS = 100_000

/** How many values an axis holds, counted without listing them (a hostile range cannot allocate). */
export function axisLength(axis: ParamAxis): number {
  if (Array.isArray(axis)) return axis.length
  return Math.floor((axis.max - axis.min) / axis.step + 1e-9) + 1
}

/** Points a sweep plans: the grid's product of axis lengths, or the random draws. */
export function sweepSize(spec: Pick<SweepSpec, 'mode' | 'axes' | 'samples'>): number {
  if (spec.mode === 'random') return spec.samples
  return Object.values(spec.axes).reduce((n, axis) => n * axisLength(axis), 1)
}

function checkSweep(spec: SweepSpec, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const axes = Object.keys(spec.axes).length
  if (axes > MAX_SWEEP_AXES) ctx.addIssue({ code: 'custom', path: [...path, 'axes'], message: `${axes} params to vary; at most ${MAX_SWEEP_AXES}` })
  const size = sweepSize(spec)
  if (!(size <= MAX_SWEEP_POINTS)) {
    const what = spec.mode === 'grid' ? `the grid has ${Number.isFinite(size) ? size.toLocaleString('en-US') : 'unboundedly many'} points` : `${size} samples`
    ctx.addIssue({ code: 'custom', path: [...path, spec.mode === 'grid' ? 'axes' : 'samples'], message: `${what}; at most ${MAX_SWEEP_POINTS.toLocaleString('en-US')} per sweep (coarsen the steps or use random search)` })
  }
}

/** The objective's value for ranking (higher is better): maxDrawdown counts negatively. */
export function objectiveValue(metrics: BacktestMetrics | null, objective: Objective): number | null {
  if (!metrics) return null
  const value = metrics[objective]
  if (value === null || !Number.isFinite(value)) return null
  return objective === 'maxDrawdown' ? -value : value
}

/**
 * Adds the axis `name` (values as parseAxisText reads them). A param varied twice is refused:
 * the second would silently replace the first. `__proto__` is no param name (as a key it would
 * set the object's prototype instead).
 */
export function addAxisText(axes: Record<string, ParamAxis>, name: string, values: string): void {
  if (name === '__proto__') throw new Error('"__proto__" is not a param name')
  if (Object.hasOwn(axes, name)) throw new Error(`${name} is varied twice; give each param one range or list`)
  axes[name] = parseAxisText(values)
}

/** "5..20:5" (a range with a step; step 1 when left out) or "10,20,30" (a list) → an axis. */
export function parseAxisText(text: string): ParamAxis {
  const range = /^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*(?::\s*([\d.eE+-]+))?\s*$/.exec(text)
  if (range) {
    const [min, max, step] = [Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3])]
    if (![min, max, step].every(Number.isFinite)) throw new Error(`"${text}": range bounds and step must be numbers`)
    if (step <= 0) throw new Error(`"${text}": the step must be positive`)
    if (max < min) throw new Error(`"${text}": the range's end is below its start`)
    return { min, max, step }
  }
  const values = text.split(',').map((v) => v.trim())
  if (values.some((v) => v === '')) throw new Error(`"${text}" is neither a range (a..b:step) nor a list (x,y,z)`)
  return values.map((v) => (v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v))
}

/** "fast=5..20:5 slow=30,40" → axes (entries split on whitespace or ';'). */
export function parseAxesText(text: string): Record<string, ParamAxis> {
  const axes: Record<string, ParamAxis> = {}
  for (const part of text.split(/[;\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new Error(`"${part}" is not name=range or name=list`)
    addAxisText(axes, part.slice(0, eq), part.slice(eq + 1))
  }
  if (Object.keys(axes).length === 0) throw new Error('give at least one param to vary, e.g. fast=5..20:5')
  return axes
}

export const JobState = z.enum(['queued', 'running', 'done', 'cancelled', 'failed'])
export type JobState = z.infer<typeof JobState>

/** The best point so far by the sweep's objective (value: higher is better; maxDrawdown negated). */
export const BestPoint = z.object({ index: z.number().int(), params: ParamValues, value: z.number() })
export type BestPoint = z.infer<typeof BestPoint>

const Page = z.object({ limit: z.number().int().min(1).max(1_000).default(100), before: z.number().int().optional() }).strict().default({ limit: 100 })
const JobRef = z.object({ id: z.number().int().positive() }).strict()

// ── sweeps ──

export const RunSweepParams = SweepSpec.superRefine((spec, ctx) => checkSweep(spec, ctx, []))
export const RunSweepResult = z.object({ sweepId: z.number().int(), total: z.number().int() })

export const SweepSummary = z.object({
  id: z.number().int(),
  createdAt: z.number(),
  state: JobState,
  strategy: z.string(),
  data: z.string(),
  mode: z.enum(['grid', 'random']),
  objective: Objective,
  /** The params varied, in the spec's order (the grid's last axis varies fastest). */
  axes: z.array(z.string()),
  /** Points finished (with metrics), failed (with an error), and planned. */
  done: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
  best: BestPoint.nullable(),
  error: z.string().nullable()
})
export type SweepSummary = z.infer<typeof SweepSummary>

export const ListSweepsParams = Page
export const ListSweepsResult = z.object({ sweeps: z.array(SweepSummary) })
export const GetSweepParams = z
  .object({ id: z.number().int().positive(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(MAX_SWEEP_POINTS).default(MAX_SWEEP_POINTS) })
  .strict()
export const GetSweepResult = z.object({ sweep: SweepSummary, spec: SweepSpec, points: z.array(SweepPointResult) })
export type GetSweepResult = z.infer<typeof GetSweepResult>
export const CancelSweepParams = JobRef
export const ResumeSweepParams = JobRef
/** The sweep as it stands once queued again. */
export const ResumeSweepResult = z.object({ sweep: SweepSummary })
export const CancelResult = z.object({ cancelled: z.boolean() })

export const SweepProgress = z.object({
  sweepId: z.number().int(),
  state: JobState,
  done: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
  best: BestPoint.nullable(),
  error: z.string().optional()
})
export type SweepProgress = z.infer<typeof SweepProgress>

// ── walk-forward ──

export const RunWalkForwardParams = WalkForwardSpec.superRefine((spec, ctx) => checkSweep(spec.sweep, ctx, ['sweep']))
export const RunWalkForwardResult = z.object({ walkForwardId: z.number().int(), windows: z.number().int(), total: z.number().int() })

/** A finished window as stored: its place, the sweep that chose its params, and its IS/OOS results. */
export const StoredWindow = WalkForwardWindow.extend({ index: z.number().int(), sweepId: z.number().int() })
export type StoredWindow = z.infer<typeof StoredWindow>

export const WalkForwardSummary = z.object({
  id: z.number().int(),
  createdAt: z.number(),
  state: JobState,
  strategy: z.string(),
  data: z.string(),
  scheme: z.enum(['rolling', 'anchored']),
  objective: Objective,
  windows: z.number().int(),
  windowsDone: z.number().int(),
  /** Every sweep point of every window plus one OOS run per window. */
  trialsTotal: z.number().int(),
  overfitWindows: z.number().int(),
  error: z.string().nullable()
})
export type WalkForwardSummary = z.infer<typeof WalkForwardSummary>

export const ListWalkForwardsParams = Page
export const ListWalkForwardsResult = z.object({ walkForwards: z.array(WalkForwardSummary) })
export const GetWalkForwardParams = JobRef
export const GetWalkForwardResult = z.object({
  walkForward: WalkForwardSummary,
  spec: WalkForwardSpec,
  /** Finished windows, in order. */
  windows: z.array(StoredWindow),
  totalTrials: z.number().int(),
  /** Mean OOS objective over mean IS objective of the finished windows (1 = OOS as good as IS). */
  efficiency: z.number().nullable()
})
export type GetWalkForwardResult = z.infer<typeof GetWalkForwardResult>
export const CancelWalkForwardParams = JobRef
export const ResumeWalkForwardParams = JobRef
export const ResumeWalkForwardResult = z.object({ walkForward: WalkForwardSummary })

export const WalkForwardProgress = z.object({
  walkForwardId: z.number().int(),
  state: JobState,
  /** The window being optimised (0-based) and how many there are. */
  window: z.number().int(),
  windows: z.number().int(),
  /** Trials done and planned over the whole walk-forward. */
  done: z.number().int(),
  total: z.number().int(),
  error: z.string().optional()
})
export type WalkForwardProgress = z.infer<typeof WalkForwardProgress>
