import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { tidy, tidySum } from '../../../src/core/exchange/numeric'
import { ceilToStep, decimalsOf, floorToStep, roundToStep } from '../../../src/shared/market-rules'

/** tidy skips the string round trip for values that are already tidy; it must still give what
 * the round trip gives, for every double. */
const reference = (x: number) => (Math.abs(x) < 1e-12 ? 0 : Number(x.toPrecision(15)))

describe('tidy', () => {
  it('equals Number(x.toPrecision(15)) on arbitrary doubles', () => {
    fc.assert(fc.property(fc.double({ noNaN: false }), (x) => Object.is(tidy(x), reference(x)) || (Number.isNaN(x) && Number.isNaN(tidy(x)))), { numRuns: 20_000 })
  })

  it('equals it on decimals of 1 to 17 digits, sums and products of them, and next to powers of ten', () => {
    let state = 99
    const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32)
    const values: number[] = []
    for (let i = 0; i < 50_000; i++) {
      const digits = 1 + Math.floor(rand() * 17)
      const exp = Math.floor(rand() * 30) - 12
      const mantissa = Math.floor(rand() * 10 ** digits)
      const x = Number(`${mantissa}e${exp - digits}`)
      values.push(x, -x, x + 0.1, x * 1.001, x * 3, 0.1 * Math.round(rand() * 1000))
    }
    for (let k = -12; k <= 16; k++) {
      const p = Number(`1e${k}`)
      values.push(p, p * (1 + Number.EPSILON), p * (1 - Number.EPSILON), p - Number(`1e${k - 15}`), p + Number(`1e${k - 15}`))
    }
    values.push(0.1 + 0.2, 369199689999.99994, 5.04956956 - 5.04910956, 999999999999999.9, 1e15 - 1, 123456789012345.6)
    for (const x of values) expect(tidy(x)).toBe(reference(x))
  })

  it('tidySum removes the operands\' residue: 5.04956956 − 5.04910956 = 0.00046', () => {
    expect(tidySum(5.04956956, -5.04910956)).toBe(0.00046)
    expect(tidySum(0.1, 0.2)).toBe(0.3)
    expect(tidySum(1e20, 1)).toBe(reference(1e20 + 1))
  })
})

/** The step functions' snapping by string, as it was before the integer fast path. */
const slack = (steps: number) => Math.min(0.25, Math.max(1e-9, Math.abs(steps) * 4e-15))
const snapByString = (steps: number, step: number) => {
  const value = Number((steps * step).toFixed(Math.min(decimalsOf(step), 20)))
  return Number(value.toPrecision(15))
}

describe('floorToStep / ceilToStep / roundToStep', () => {
  it('give what snapping through toFixed gives, for common and odd steps and every magnitude', () => {
    const steps = [1e-8, 1e-6, 0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 100, 0.1 + 0.2, 0.00025, 1e-12, 0.123456789]
    let state = 7
    const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32)
    for (let i = 0; i < 60_000; i++) {
      const step = steps[i % steps.length]
      const value = (rand() - 0.3) * 10 ** (Math.floor(rand() * 20) - 6)
      const q = value / step
      expect(floorToStep(value, step)).toBe(snapByString(Math.floor(q + slack(q)), step))
      expect(ceilToStep(value, step)).toBe(snapByString(Math.ceil(q - slack(q)), step))
      expect(roundToStep(value, step)).toBe(snapByString(Math.round(q), step))
    }
  })
})
