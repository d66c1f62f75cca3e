import type { Objective, ParamAxis, SweepPointResult, SweepSpec } from '../../shared/backtest'
import { KeelError } from '../../shared/errors'
import { axisLength, objectiveValue } from '../../shared/optimization'

export { objectiveValue }
import type { ParamValue, ParamValues } from '../strategy/contract'

/**
 * The param sets a sweep tries, in a fixed order (so a resumed sweep finds the same points), and
 * how points are ranked.
 */

/** Largest grid accepted in one sweep: past it, use random search. */
export const MAX_GRID_POINTS = 100_000

function axisValues(name: string, axis: ParamAxis): ParamValue[] {
  if (Array.isArray(axis)) return axis
  const count = axisLength(axis)
  if (count > MAX_GRID_POINTS) throw new KeelError('bad_request', `axis ${name} has ${count} values; at most ${MAX_GRID_POINTS}`)
  const decimals = Math.max(decimalsOf(axis.min), decimalsOf(axis.step))
  return Array.from({ length: count }, (_, k) => Number((axis.min + k * axis.step).toFixed(decimals)))
}

function decimalsOf(x: number): number {
  const text = String(x)
  const e = text.indexOf('e-')
  if (e >= 0) return Number(text.slice(e + 2))
  const dot = text.indexOf('.')
  return dot < 0 ? 0 : text.length - dot - 1
}

/** Every combination, the last axis varying fastest. */
export function gridPoints(axes: SweepSpec['axes']): ParamValues[] {
  const names = Object.keys(axes)
  const values = names.map((name) => axisValues(name, axes[name]))
  const total = values.reduce((n, v) => n * v.length, 1)
  if (total > MAX_GRID_POINTS) throw new KeelError('bad_request', `the grid has ${total} points; at most ${MAX_GRID_POINTS} (use random search)`)
  const points: ParamValues[] = []
  const index = new Array<number>(names.length).fill(0)
  for (let p = 0; p < total; p++) {
    const point: ParamValues = {}
    names.forEach((name, k) => (point[name] = values[k][index[k]]))
    points.push(point)
    for (let k = names.length - 1; k >= 0; k--) {
      if (++index[k] < values[k].length) break
      index[k] = 0
    }
  }
  return points
}

/** `samples` draws (seeded): a list axis picks an element, a range draws uniformly and snaps to its step. */
export function randomPoints(axes: SweepSpec['axes'], samples: number, seed: number): ParamValues[] {
  let state = seed >>> 0 || 1
  const rand = () => {
    // xorshift32: small, fast, reproducible across machines.
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 2 ** 32
  }
  const points: ParamValues[] = []
  for (let s = 0; s < samples; s++) {
    const point: ParamValues = {}
    for (const [name, axis] of Object.entries(axes)) {
      if (Array.isArray(axis)) point[name] = axis[Math.floor(rand() * axis.length)]
      else {
        const steps = axisLength(axis) - 1
        const decimals = Math.max(decimalsOf(axis.min), decimalsOf(axis.step))
        point[name] = Number((axis.min + Math.round(rand() * steps) * axis.step).toFixed(decimals))
      }
    }
    points.push(point)
  }
  return points
}

export function planPoints(spec: SweepSpec): ParamValues[] {
  return spec.mode === 'grid' ? gridPoints(spec.axes) : randomPoints(spec.axes, spec.samples, spec.seed)
}

export function bestPoint(points: readonly SweepPointResult[], objective: Objective): number | null {
  let best: number | null = null
  let bestValue = Number.NEGATIVE_INFINITY
  for (const point of points) {
    const value = objectiveValue(point.metrics, objective)
    if (value !== null && value > bestValue) {
      bestValue = value
      best = point.index
    }
  }
  return best
}
