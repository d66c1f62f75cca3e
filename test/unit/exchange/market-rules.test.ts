import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ceilToStep, decimalsOf, floorToStep, isOnStep, roundToStep } from '../../../src/shared/market-rules'

/**
 * The one step arithmetic (src/shared/market-rules) over the steps exchanges use. References are
 * built from the integer number of steps k, not from the functions under test.
 */

const STEPS = [0.5, 2.5, 5, 10, 100, 1, 0.25, 0.05, 0.01, 0.0001, 0.00001, 1e-8, 0.00025]

describe('decimalsOf', () => {
  it.each([
    [0.5, 1], [2.5, 1], [5, 0], [10, 0], [1e-8, 8], [0.25, 2], [0.00025, 5], [0.1 + 0.2, 1], [0, 0]
  ])('%d → %d', (step, decimals) => expect(decimalsOf(step)).toBe(decimals))
})

describe('floor, ceil and round to a step', () => {
  it('floorToStep(7.6, 2.5) is 7.5, not above the input', () => {
    expect(floorToStep(7.6, 2.5)).toBe(7.5)
    expect(ceilToStep(7.6, 2.5)).toBe(10)
    expect(roundToStep(7.6, 2.5)).toBe(7.5)
    expect(floorToStep(99, 10)).toBe(90)
  })

  const k = fc.integer({ min: 0, max: 10_000_000 })
  const step = fc.constantFrom(...STEPS)
  const reference = (n: number, s: number) => Number((n * s).toPrecision(12))

  it('on a value k + f steps up, floor gives k steps, ceil k + 1, round the nearer; all on the step', () => {
    fc.assert(
      fc.property(k, step, fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, s, f) => {
        const value = (n + f) * s
        const floor = floorToStep(value, s)
        const ceil = ceilToStep(value, s)
        const round = roundToStep(value, s)
        expect(floor).toBeCloseTo(reference(n, s), 9)
        expect(floor).toBeLessThanOrEqual(value)
        expect(ceil).toBeCloseTo(reference(n + 1, s), 9)
        expect(ceil).toBeGreaterThanOrEqual(value)
        if (Math.abs(f - 0.5) > 0.01) expect(round).toBeCloseTo(reference(f < 0.5 ? n : n + 1, s), 9)
        for (const x of [floor, ceil, round]) expect(isOnStep(x, s)).toBe(true)
        expect(floorToStep(floor, s)).toBe(floor)
        expect(isOnStep(value, s)).toBe(false)
      }),
      { numRuns: 2000 }
    )
  })

  it('a whole number of steps, computed with float residue, is on the step and stays where it is', () => {
    fc.assert(
      fc.property(k, step, (n, s) => {
        const value = n * s // e.g. 3 × 0.1 = 0.30000000000000004
        expect(isOnStep(value, s)).toBe(true)
        expect(floorToStep(value, s)).toBeCloseTo(reference(n, s), 9)
        expect(ceilToStep(value, s)).toBeCloseTo(reference(n, s), 9)
      }),
      { numRuns: 2000 }
    )
  })

  it('never leaves binary residue in a result', () => {
    expect(floorToStep(0.1 + 0.2, 0.1)).toBe(0.3)
    expect(floorToStep(1.15 * 100, 1)).toBe(115)
    expect(floorToStep(369_199_690_000, 1e-8)).toBe(369_199_690_000)
    expect(roundToStep(64_000.123, 0.01)).toBe(64_000.12)
  })
})
