/**
 * Step arithmetic for prices (ticks) and amounts (lot steps), for every caller: the paper
 * exchange, the demo market, the order ticket and the chart. Prices and amounts are doubles, so
 * "a multiple of 0.01" is judged with a tolerance that grows with the number of steps (a double
 * carries ~16 significant digits, so 1.2e8 steps of 0.01 carry noise of ~1e-8 of a step), and results are snapped through the step's decimal places, then to 15 significant
 * digits, so no binary residue (0.30000000000000004, 369199689999.99994) leaves these functions.
 */

import { POW10, toDecimals, toSignificant15 } from './decimal'

const decimalsCache = new Map<number, number>()
// The step asked last: most calls in a row ask about the same one or two steps, and a Map
// lookup by a double costs more than comparing it.
let lastStep = Number.NaN
let lastDecimals = 0

/** Decimal places a step needs: 0.01 → 2, 0.25 → 2, 2.5 → 1, 5 → 0, 10 → 0, 1e-8 → 8. 0 for a non-step. */
export function decimalsOf(step: number): number {
  if (step === lastStep) return lastDecimals
  if (!(step > 0) || !Number.isFinite(step)) return 0
  const cached = decimalsCache.get(step)
  if (cached !== undefined) {
    lastStep = step
    lastDecimals = cached
    return cached
  }
  // Twelve significant digits first: a computed step (0.1 + 0.2) carries residue in its last bits.
  const [mantissa, exponent] = Number(step.toPrecision(12)).toExponential().split('e')
  const decimals = Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent))
  decimalsCache.set(step, decimals)
  return decimals
}

/** How far from a whole number of steps still counts as on the grid: ten times the error a
 * division of two doubles can carry (~3e-16 relative), never less than 1e-9 of a step, never a
 * quarter step or more (past ~1e14 steps a double holds no fraction of a step anyway). */
function slack(steps: number): number {
  return Math.min(0.25, Math.max(1e-9, Math.abs(steps) * 4e-15))
}

function snap(steps: number, step: number): number {
  const decimals = Math.min(decimalsOf(step), 20)
  // The step as a whole number of its last decimal places (0.01 → 1, 0.25 → 25, 1e-8 → 1).
  const units = step * POW10[decimals]
  const whole = Math.round(units)
  // While steps × whole is exact (far below 2^53) the decimal printed by toFixed is that integer
  // over 10^decimals, and dividing two exact doubles rounds it the way Number() reads it back.
  if (Math.abs(units - whole) <= whole * 1e-14 && Math.abs(steps * whole) < 1e15) {
    const value = (steps * whole) / POW10[decimals] + 0 // + 0: no −0
    return toSignificant15(value)
  }
  return toSignificant15(toDecimals(steps * step, decimals))
}

/** Largest multiple of `step` not above `value` (ccxt TRUNCATE): floorToStep(7.6, 2.5) = 7.5. */
export function floorToStep(value: number, step: number): number {
  const steps = value / step
  return snap(Math.floor(steps + slack(steps)), step)
}

/** Smallest multiple of `step` not below `value`. */
export function ceilToStep(value: number, step: number): number {
  const steps = value / step
  return snap(Math.ceil(steps - slack(steps)), step)
}

/** Nearest multiple of `step` (ccxt ROUND). */
export function roundToStep(value: number, step: number): number {
  return snap(Math.round(value / step), step)
}

/** Whether `value` is a whole number of steps (within float residue). */
export function isOnStep(value: number, step: number): boolean {
  const steps = value / step
  return Math.abs(steps - Math.round(steps)) <= slack(steps)
}
