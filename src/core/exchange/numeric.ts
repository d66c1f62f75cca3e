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

import { toDecimals, toSignificant15 } from '../../shared/market-rules/decimal'

export const EPS = 1e-12

/** 15 significant digits, tiny residues to 0. */
export function tidy(x: number): number {
  if (Math.abs(x) < EPS) return 0
  return toSignificant15(x)
}

/**
 * a + b without the cancellation residue of its operands: rounded at the 15th significant digit
 * of the larger operand, then tidied. tidy alone rounds relative to the result, so a small
 * difference of large numbers keeps their noise (5.04956956 − 5.04910956 = 0.000460000000000349,
 * off any 1e-8 step); this gives 0.00046. Amounts and balances that are sums of on-step values
 * stay on the step.
 */
export function tidySum(a: number, b: number): number {
  const sum = a + b
  const scale = Math.max(Math.abs(a), Math.abs(b))
  if (!(scale > 0) || !Number.isFinite(sum)) return tidy(sum)
  const e = Math.floor(Math.log10(scale))
  const decimals = 14 - e
  if (decimals <= 0 || decimals > 100) return tidy(sum)
  // No cancellation (the sum has the operands' magnitude): rounding at their 15th digit is tidy's.
  if (Math.floor(Math.log10(Math.abs(sum))) === e) return tidy(sum)
  return tidy(toDecimals(sum, decimals))
}

/** Tick and step rounding: the one implementation in src/shared/market-rules. */
export { floorToStep as floorToTick, roundToStep as roundToTick, fmt } from '../../shared/market-rules'

/** Equal within a relative 1e-9 (absolute near zero). Non-finite numbers equal nothing but
 * themselves: a relative tolerance of Infinity would call Infinity "close" to any balance. */
export function approxEqual(a: number, b: number, tolerance = 1e-9): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b))
}

