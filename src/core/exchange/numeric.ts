/**
 * Number handling for the paper exchange.
 *
 * Choice: IEEE doubles with explicit rounding, not decimals. Prices and amounts sit on
 * the market's tick sizes (so they are exact decimal multiples as far as a double can say), and
 * every balance or PnL result is passed through `tidy`, which keeps 15 significant digits and
 * flushes |x| < 1e-12 to zero. That removes the binary noise (0.1 + 0.2 = 0.30000000000000004)
 * before it can accumulate into a visible drift or a "-0.000000000001 USDT" balance, while
 * staying fast enough for ≥100k orders/s. Comparisons use `approxEqual` / `EPS`.
 */

export const EPS = 1e-12

/** 15 significant digits, tiny residues to 0. */
export function tidy(x: number): number {
  if (Math.abs(x) < EPS) return 0
  return Number(x.toPrecision(15))
}

/** Tick and step rounding: the one implementation in src/shared/market-rules. */
export { floorToStep as floorToTick, roundToStep as roundToTick, fmt } from '../../shared/market-rules'

/** Equal within a relative 1e-9 (absolute near zero). Non-finite numbers equal nothing but
 * themselves: a relative tolerance of Infinity would call Infinity "close" to any balance. */
export function approxEqual(a: number, b: number, tolerance = 1e-9): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b))
}

