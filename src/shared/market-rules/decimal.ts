/**
 * Decimal rounding of doubles without formatting them: `toSignificant(x, p)` is exactly
 * `Number(x.toPrecision(p))` and `toDecimals(x, d)` exactly `Number(x.toFixed(d))`, for every
 * double, bit for bit (−0 included). The string round trip costs a few hundred nanoseconds and
 * sits on every fill of the paper exchange and of a backtest; this costs a few dozen.
 *
 * How: the decimal digits wanted are the integer nearest to |x|·10^k. The product is computed in
 * floating point; where it lands on a half, its exact rounding error (Dekker's two-product)
 * says which side the exact product lies on, so the nearest integer is known exactly. Dividing
 * it by the exact 10^k rounds once, as Number() does when it reads the digits back. Outside the
 * exact powers of ten (|x| < 1e-8 or ≥ 1e15, more than 22 decimals) the strings themselves are used.
 */

/** Exact powers of ten, 1e0 … 1e22 (every one a double without rounding). */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))

/** Veltkamp's splitter for binary64: 2^27 + 1. */
const SPLIT = 134_217_729

/** a·b − p exactly, where p = fl(a·b) (Dekker). a, b ≥ 0 and far from overflow and underflow. */
function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a
  const aHi = c - (c - a)
  const aLo = a - aHi
  c = SPLIT * b
  const bHi = c - (c - b)
  const bLo = b - bHi
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo
}

/**
 * The integer nearest to abs·10^k (abs ≥ 0, 0 ≤ k ≤ 22), a tie going to the larger (as toFixed
 * and toPrecision break ties on the exact decimal); NaN past 2^51, where the callers never get.
 */
function nearestScaled(abs: number, k: number): number {
  const scale = POW10[k]
  const p = abs * scale
  if (!(p < 2 ** 51)) return Number.NaN
  // Below 2^51 p + 0.5 is exact, so r is the integer nearest to p and p − r lies in [−0.5, 0.5).
  const r = Math.round(p)
  // Rounding is monotone and the half is a double: p stays on the same side of r − 0.5 as the
  // exact product unless it lands on it. Only then does the product's own error decide.
  if (p - r !== -0.5) return r
  return productError(abs, scale, p) < 0 ? r - 1 : r
}

// The double's bits, to read its binary exponent (the high word is the second on a little-endian machine).
const BITS = new Float64Array(1)
const WORDS = new Uint32Array(BITS.buffer)
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
const LOG10_2 = 0.30102999566398120

/** floor(log10(abs)) of abs's exact value, for abs in [1e-8, 1e15): from the binary exponent b,
 * 2^b ≤ abs < 2^(b+1) puts it at floor(b·log10 2) or one above, which an exact comparison settles
 * (Math.log10 costs more, and is itself off by one next to powers of ten). */
function decimalExponent(abs: number): number {
  BITS[0] = abs
  const binary = ((WORDS[HIGH_WORD] >>> 20) & 0x7ff) - 1023
  const e = Math.floor(binary * LOG10_2)
  return atLeastPow10(abs, e + 1) ? e + 1 : e
}

/** abs ≥ 10^e exactly, for −22 ≤ e ≤ 22. */
function atLeastPow10(abs: number, e: number): boolean {
  if (e >= 0) return abs >= POW10[e]
  const scale = POW10[-e]
  const q = abs * scale
  if (q !== 1) return q > 1
  return productError(abs, scale, q) >= 0
}

/** Number(x.toPrecision(digits)), without the string, for 1 ≤ digits ≤ 15. */
export function toSignificant(x: number, digits: number): number {
  const abs = Math.abs(x)
  if (abs === 0) return 0 // toPrecision prints −0 as "0.000…"
  if (!(abs >= 1e-8 && abs < 1e15 && digits >= 1 && digits <= 15)) return Number(x.toPrecision(digits))
  const k = digits - 1 - decimalExponent(abs)
  // k < 0: x has more integer digits than are kept; 10^−k would have to multiply (rare: strings).
  const n = k < 0 ? Number.NaN : nearestScaled(abs, k)
  if (Number.isNaN(n)) return Number(x.toPrecision(digits))
  // n has `digits` digits (or is 10^digits when x rounds up to the next power of ten, which
  // toPrecision prints as 1.000…e(e+1): the same number).
  const v = n / POW10[k]
  return x < 0 ? -v : v
}

/** Number(x.toPrecision(15)): the engine's tidy. */
export function toSignificant15(x: number): number {
  return toSignificant(x, 15)
}

/** Number(x.toFixed(decimals)), without the string, for 0 ≤ decimals ≤ 100. */
export function toDecimals(x: number, decimals: number): number {
  const abs = Math.abs(x)
  if (!(abs < 1e21) || decimals > 22 || !Number.isInteger(decimals) || decimals < 0) return Number(x.toFixed(decimals))
  const n = nearestScaled(abs, decimals)
  if (Number.isNaN(n)) return Number(x.toFixed(decimals))
  const v = n / POW10[decimals]
  // toFixed prints a negative number as "-" and its magnitude, so −0.004 to 2 places reads −0.
  return x < 0 ? -v : v
}
