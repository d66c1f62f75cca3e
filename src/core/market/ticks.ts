/**
 * Tick-size arithmetic. Prices and amounts are floats, so "round to 0.01" must go through the
 * tick's decimal count or 0.1 + 0.2 style noise leaks into books and trades.
 */

/** Number of decimals a tick size needs: 0.01 → 2, 0.00001 → 5, 1 → 0, 5e-7 → 7. */
export function tickDecimals(tick: number): number {
  if (!(tick > 0) || !Number.isFinite(tick)) throw new Error(`tick size must be positive, got ${tick}`)
  const text = tick.toExponential() // e.g. "5e-7", "1.25e-3"
  const [mantissa, exponentText] = text.split('e')
  const mantissaDecimals = (mantissa.split('.')[1] ?? '').length
  return Math.max(0, mantissaDecimals - Number(exponentText))
}

// The 1e-6 (of a tick) nudges tolerate float noise: 2.9999999 ticks floors to 3, 3.0000001 ceils to 3.
function snap(steps: number, tick: number): number {
  return Number((steps * tick).toFixed(tickDecimals(tick)))
}

export const roundToTick = (value: number, tick: number): number => snap(Math.round(value / tick), tick)
export const floorToTick = (value: number, tick: number): number => snap(Math.floor(value / tick + 1e-6), tick)
export const ceilToTick = (value: number, tick: number): number => snap(Math.ceil(value / tick - 1e-6), tick)

/** True when `value` is a whole number of ticks (within float noise). */
export function isOnTick(value: number, tick: number): boolean {
  const steps = value / tick
  return Math.abs(steps - Math.round(steps)) < 1e-6
}
