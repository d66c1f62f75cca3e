import { describe, expect, it } from 'vitest'
import { permutationPValue, wilsonInterval } from '../../../src/core/ai/stats'

describe('wilsonInterval', () => {
  // Reference values: Wilson (1927) score interval, z = 1.96, as tabulated by Newcombe (1998).
  it('matches hand-computed intervals', () => {
    const eight = wilsonInterval(8, 10)
    expect(eight.lower).toBeCloseTo(0.4902, 4)
    expect(eight.upper).toBeCloseTo(0.9433, 4)
    const zero = wilsonInterval(0, 10)
    expect(zero.lower).toBe(0)
    expect(zero.upper).toBeCloseTo(0.2775, 4)
    const half = wilsonInterval(50, 100)
    expect(half.lower).toBeCloseTo(0.4038, 4)
    expect(half.upper).toBeCloseTo(0.5962, 4)
  })

  it('is the whole range with no trials', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 })
  })
})

describe('permutationPValue', () => {
  it('is small when predictions are the labels and large when they are unrelated', () => {
    const labels = Array.from({ length: 400 }, (_, i) => ((i * 7919) % 13 < 6 ? 1 : 0))
    expect(permutationPValue(labels, labels, { rounds: 199 })).toBeLessThan(0.01)
    const constant = labels.map(() => 1)
    expect(permutationPValue(constant, labels, { rounds: 199 })).toBe(1)
  })
})
