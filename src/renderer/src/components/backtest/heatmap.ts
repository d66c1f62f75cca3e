import type { Objective, SweepPointResult } from '../../../../shared/backtest'
import { objectiveValue } from '../../../../shared/optimization'

type ParamValue = number | boolean | string

/**
 * A sweep's points laid out for a heatmap of two params: one cell per (x, y) pair, holding the
 * best objective over every other varied param (and that point, to open its backtest).
 */

export interface HeatCell {
  x: ParamValue
  y: ParamValue
  /** Higher is better (maxDrawdown negated, as the sweep ranks it); null when no point there has a value. */
  value: number | null
  /** The point behind the cell's value (or the first point of the cell when none has one). */
  point: SweepPointResult
}

export interface Heatmap {
  xs: ParamValue[]
  ys: ParamValue[]
  /** Row by row (ys), each row's cells in xs order; a pair no point tried is absent. */
  cells: HeatCell[]
  min: number | null
  max: number | null
}

const byValue = (a: ParamValue, b: ParamValue) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)))

export function heatmap(points: readonly SweepPointResult[], xName: string, yName: string, objective: Objective): Heatmap {
  const xs = [...new Set(points.map((p) => p.params[xName]))].sort(byValue)
  const ys = [...new Set(points.map((p) => p.params[yName]))].sort(byValue)
  const cells = new Map<string, HeatCell>()
  for (const point of points) {
    const key = JSON.stringify([point.params[xName], point.params[yName]])
    const value = objectiveValue(point.metrics, objective)
    const cell = cells.get(key)
    if (!cell) cells.set(key, { x: point.params[xName], y: point.params[yName], value, point })
    else if (value !== null && (cell.value === null || value > cell.value)) Object.assign(cell, { value, point })
  }
  const ordered: HeatCell[] = []
  for (const y of ys) {
    for (const x of xs) {
      const cell = cells.get(JSON.stringify([x, y]))
      if (cell) ordered.push(cell)
    }
  }
  const values = ordered.map((c) => c.value).filter((v): v is number => v !== null)
  return { xs, ys, cells: ordered, min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null }
}

/** Red (worst) through yellow to green (best); grey for a cell without a value. */
export function heatColor(value: number | null, min: number | null, max: number | null): string {
  if (value === null || min === null || max === null) return 'rgba(128, 128, 128, 0.35)'
  const t = max === min ? 1 : (value - min) / (max - min)
  return `hsl(${Math.round(t * 120)}, 65%, 42%)`
}
