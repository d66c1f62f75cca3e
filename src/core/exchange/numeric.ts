/**
 * Number handling for the paper exchange.
 *
 * Choice: IEEE doubles with explicit rounding, not decimals. Prices and amounts are snapped to
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

const decimalsCache = new Map<number, number>()

/** Decimal places a tick size needs: 0.01 → 2, 0.25 → 2, 5 → 0, 1e-8 → 8. */
export function tickDecimals(tick: number): number {
  const cached = decimalsCache.get(tick)
  if (cached !== undefined) return cached
  let decimals = 0
  while (decimals < 16 && Math.abs(Math.round(tick * 10 ** decimals) - tick * 10 ** decimals) > 1e-9) {
    decimals++
  }
  decimalsCache.set(tick, decimals)
  return decimals
}

/** Nearest multiple of tick (ccxt priceToPrecision, ROUND mode). */
export function roundToTick(x: number, tick: number): number {
  return Number((Math.round(x / tick) * tick).toFixed(tickDecimals(tick)))
}

/** Largest multiple of tick not above x (ccxt amountToPrecision, TRUNCATE mode). The 1e-9 tick
 * tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from truncating to 2. */
export function floorToTick(x: number, tick: number): number {
  return Number((Math.floor(x / tick + 1e-9) * tick).toFixed(tickDecimals(tick)))
}

/** Equal within a relative 1e-9 (absolute near zero). */
export function approxEqual(a: number, b: number, tolerance = 1e-9): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b))
}

/** Compact number for messages: no float noise, no exponent for ordinary sizes. */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(12)))
}
