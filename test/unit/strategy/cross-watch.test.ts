import { describe, expect, it } from 'vitest'
import { CrossWatch } from '../../../src/core/strategy/builtins/cross-watch'
import { WindowMean } from '../../../src/core/strategy/indicators'

/** The decision as the SMA cross made it before: two WindowMeans (trading-signals' SMA, bit for bit). */
function byWindowMeans(fast: number, slow: number): (input: number) => boolean | undefined {
  const f = new WindowMean(fast)
  const s = new WindowMean(slow)
  return (input) => {
    const a = f.update(input)
    const b = s.update(input)
    return a === undefined || b === undefined ? undefined : a > b
  }
}

let state = 77
const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32)

/** Series that make ties and near ties, each kind on its own (so one wide swing does not widen the
 * tie band for the rest): flat stretches, one-tick wiggles, residue-laden small values, a random
 * walk, last-bit noise around a level, large values of both signs. */
function series(kind: number, length: number): number[] {
  const out: number[] = []
  let price = 30_000
  for (let k = 0; out.length < length; k++) {
    if (k % 300 === 0) price = 0.5 + rand() * 60_000
    if (kind === 0) out.push(price) // flat: the two means tie, or differ in the last bit
    else if (kind === 1) out.push(price + (k % 2 === 0 ? 0.01 : 0))
    else if (kind === 2) out.push(0.1 + 0.2 * (k % 3))
    else if (kind === 3) out.push((price = Math.max(0.01, Math.round(price * (1 + (rand() - 0.5) * 0.004) * 100) / 100)))
    else if (kind === 4) out.push(price * (1 + (k % 2 === 0 ? 1e-15 : -1e-15)))
    else out.push(1e9 * (rand() - 0.3))
  }
  return out
}

function expectSame(fast: number, slow: number, inputs: number[]): void {
  const watch = new CrossWatch(fast, slow)
  const reference = byWindowMeans(fast, slow)
  for (let i = 0; i < inputs.length; i++) {
    const want = reference(inputs[i])
    const got = watch.update(inputs[i])
    if (got !== want) throw new Error(`${fast}/${slow} at input ${i} (${inputs[i]}): ${got} instead of ${want}`)
  }
}

describe('CrossWatch', () => {
  it('decides every input exactly as two WindowMeans do, on random walks, flat markets and near ties', () => {
    const pairs: [number, number][] = [[10, 30], [1, 2], [2, 3], [5, 20], [29, 30], [3, 200], [500, 1000], [1, 1000]]
    for (const [fast, slow] of pairs) for (let kind = 0; kind < 6; kind++) expectSame(fast, slow, series(kind, slow > 500 ? 6_000 : 12_000))
  })

  it('decides the exact way where the bound does not hold: subnormal inputs and sums that overflow', () => {
    const q = 5e-324
    expectSame(1, 6, [q, q, q, 2 * q, 2 * q, 2 * q])
    expectSame(2, 5, Array.from({ length: 200 }, (_, i) => [-6e307, -6e307, 6e307, 6e307, 6e307][i % 5]))
    expectSame(1, 4, Array.from({ length: 160 }, (_, i) => [1e308, 1e308, -1e308, -1e308][i % 4]))
  })

  it('is undefined until the slow window is full, and refuses bad periods and inputs', () => {
    const watch = new CrossWatch(2, 3)
    expect(watch.update(1)).toBeUndefined()
    expect(watch.update(2)).toBeUndefined()
    expect(watch.update(3)).toBe(true) // (2 + 3) / 2 > 2
    expect(() => new CrossWatch(3, 3)).toThrow(RangeError)
    expect(() => new CrossWatch(0, 3)).toThrow(RangeError)
    expect(() => watch.update(Number.NaN)).toThrow(RangeError)
  })
})
