import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toDecimals, toSignificant, toSignificant15 } from '../../../src/shared/market-rules/decimal'
import { tidySum } from '../../../src/core/exchange/numeric'

/**
 * The string-free rounding must give exactly what the strings give, bit for bit (Object.is,
 * so −0 counts), on every double: the paper exchange's balances and a backtest's report depend
 * on it. The hard cases are built on purpose: exact halves at the 16th digit and the doubles
 * next to them, products like price × amount × fee, cancellations, and the powers of ten where
 * log10 is off by one.
 */

let state = 2024
const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32)
const view = new DataView(new ArrayBuffer(8))
/** The next double above (up) or below x. */
function neighbour(x: number, up: boolean): number {
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  view.setBigUint64(0, x >= 0 === up ? bits + 1n : bits - 1n)
  return view.getFloat64(0)
}

function hardCases(count: number): number[] {
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    // Exact halves of the last kept digit, and the doubles either side of them.
    const k = Math.floor(rand() * 23)
    const half = (Math.floor(rand() * 9e14) + 1e14 + 0.5) / 10 ** k
    const shortHalf = (Math.floor(rand() * 1e6) + 0.5) / 10 ** Math.floor(rand() * 12)
    for (const x of [half, shortHalf]) out.push(x, neighbour(x, true), neighbour(x, false), -x)
    // What a fill computes.
    const price = Math.round(rand() * 1e7) / 100
    const amount = Math.round(rand() * 1e6) / 1e4
    out.push(price * amount, price * amount * 0.001, (price * amount) / 3, price * amount * 1.00075)
    // Cancellation: the residue of a difference of near-equal sums.
    const a = rand() * 100 - 50
    out.push(a - (a + (rand() - 0.5) * 1e-9))
    // Powers of ten (1e-22 … 1e22) and their neighbours.
    const p = Number(`1e${Math.floor(rand() * 45) - 22}`)
    out.push(p, neighbour(p, true), neighbour(p, false), -p)
    // Any magnitude.
    out.push((rand() < 0.5 ? -1 : 1) * 10 ** (rand() * 44 - 22))
  }
  out.push(0, -0, Number.NaN, Infinity, -Infinity, 1e-8, 1e15, 999999999999999.9, 0.1 + 0.2, 5e-324, Number.MAX_VALUE, 369199689999.99994)
  return out
}

const DECIMALS = [0, 1, 2, 3, 5, 8, 12, 14, 17, 20, 22, 23, 40]

describe('toSignificant15', () => {
  it('is Number(x.toPrecision(15)) for arbitrary doubles', () => {
    fc.assert(fc.property(fc.double(), (x) => Object.is(toSignificant15(x), Number(x.toPrecision(15)))), { numRuns: 50_000 })
  })

  it('is Number(x.toPrecision(15)) on halves, products, cancellations and powers of ten', () => {
    let wrong = 0
    for (const x of hardCases(40_000)) if (!Object.is(toSignificant15(x), Number(x.toPrecision(15)))) wrong++
    expect(wrong).toBe(0)
  })
})

describe('toSignificant', () => {
  it('is Number(x.toPrecision(p)) for p from 1 to 15 (12 is the notional\'s), and for p past 15 by the string', () => {
    fc.assert(fc.property(fc.double(), fc.integer({ min: 1, max: 21 }), (x, p) => Object.is(toSignificant(x, p), Number(x.toPrecision(p)))), { numRuns: 50_000 })
    let wrong = 0
    for (const x of hardCases(10_000)) for (const p of [1, 2, 6, 12, 14]) if (!Object.is(toSignificant(x, p), Number(x.toPrecision(p)))) wrong++
    // Halves of the last kept digit for every p, and their neighbours.
    for (let i = 0; i < 50_000; i++) {
      const p = 1 + (i % 15)
      const half = (Math.floor(rand() * 9 * 10 ** (p - 1)) + 10 ** (p - 1) + 0.5) / 10 ** Math.floor(rand() * 23)
      for (const x of [half, neighbour(half, true), neighbour(half, false), -half]) if (!Object.is(toSignificant(x, p), Number(x.toPrecision(p)))) wrong++
    }
    expect(wrong).toBe(0)
  })
})

describe('toDecimals', () => {
  it('is Number(x.toFixed(d)) for arbitrary doubles below 1e21 and d from 0 to 100', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e21, max: 1e21, noNaN: true }), fc.integer({ min: 0, max: 100 }), (x, d) =>
        Object.is(toDecimals(x, d), Number(x.toFixed(d)))
      ),
      { numRuns: 50_000 }
    )
  })

  it('is Number(x.toFixed(d)) on halves, products, cancellations and powers of ten', () => {
    let wrong = 0
    for (const x of hardCases(20_000)) {
      if (!(Math.abs(x) < 1e21)) continue
      for (const d of DECIMALS) if (!Object.is(toDecimals(x, d), Number(x.toFixed(d)))) wrong++
    }
    expect(wrong).toBe(0)
  })

  it('rounds a tie the way toFixed does (away from zero, on the exact value)', () => {
    // 0.125 and 2.5 are exact doubles: true ties.
    expect(toDecimals(0.125, 2)).toBe(0.13)
    expect(toDecimals(-0.125, 2)).toBe(-0.13)
    expect(toDecimals(2.5, 0)).toBe(3)
    // 1.005 is stored below the half: toFixed gives 1.00, and so must this.
    expect(toDecimals(1.005, 2)).toBe(1)
    expect(Object.is(toDecimals(-0.004, 2), -0)).toBe(true)
  })
})

/** tidySum as it was written with the strings (the reference). */
function tidySumByString(a: number, b: number): number {
  const tidy = (x: number) => (Math.abs(x) < 1e-12 ? 0 : Number(x.toPrecision(15)))
  const sum = a + b
  const scale = Math.max(Math.abs(a), Math.abs(b))
  if (!(scale > 0) || !Number.isFinite(sum)) return tidy(sum)
  const e = Math.floor(Math.log10(scale))
  const decimals = 14 - e
  if (decimals <= 0 || decimals > 100) return tidy(sum)
  if (Math.floor(Math.log10(Math.abs(sum))) === e) return tidy(sum)
  return tidy(Number(sum.toFixed(decimals)))
}

describe('tidySum without strings', () => {
  it('gives what the string version gives, on balances and amounts of every size', () => {
    let wrong = 0
    for (let i = 0; i < 100_000; i++) {
      const step = 10 ** -Math.floor(rand() * 9)
      const a = Math.round(rand() * 10 ** (2 + Math.floor(rand() * 10))) * step
      const b = -(a + (rand() - 0.5) * step * 1000) * (rand() < 0.2 ? 1.0000001 : 1)
      if (!Object.is(tidySum(a, b), tidySumByString(a, b))) wrong++
      const c = rand() * 1e6
      const d = -c * (1 - rand() * 1e-6)
      if (!Object.is(tidySum(c, d), tidySumByString(c, d))) wrong++
    }
    expect(wrong).toBe(0)
  })
})
