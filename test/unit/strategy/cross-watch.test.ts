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

/** Inputs that make ties and near ties: flat stretches, one-tick wiggles, values with binary residue, any magnitude. */
function hostileSeries(length: number): number[] {
  const out: number[] = []
  let price = 30_000
  while (out.length < length) {
    const kind = Math.floor(rand() * 6)
    const run = 20 + Math.floor(rand() * 200)
    for (let k = 0; k < run && out.length < length; k++) {
      if (kind === 0) out.push(price) // flat: fast and slow means tie, or differ in the last bit
      else if (kind === 1) out.push(price + (k % 2 === 0 ? 0.01 : 0)) // a one-tick wiggle
      else if (kind === 2) out.push(0.1 + 0.2 * (k % 3)) // residue-laden small values
      else if (kind === 3) out.push((price = Math.max(0.01, Math.round(price * (1 + (rand() - 0.5) * 0.004) * 100) / 100)))
      else if (kind === 4) out.push(price * (1 + (k % 2 === 0 ? 1e-15 : -1e-15))) // last-bit noise around a level
      else out.push(1e9 * (rand() - 0.3)) // large, and negative
    }
  }
  return out
}

describe('CrossWatch', () => {
  it('decides every input exactly as two WindowMeans do, on random walks, flat markets and near ties', () => {
    const pairs: [number, number][] = [[10, 30], [1, 2], [2, 3], [5, 20], [7, 25], [29, 30], [3, 200]]
    let compared = 0
    for (const [fast, slow] of pairs) {
      const series = hostileSeries(60_000)
      const watch = new CrossWatch(fast, slow)
      const reference = byWindowMeans(fast, slow)
      for (let i = 0; i < series.length; i++) {
        const want = reference(series[i])
        const got = watch.update(series[i])
        if (got !== want) throw new Error(`${fast}/${slow} at input ${i} (${series[i]}): ${got} instead of ${want}`)
        compared++
      }
    }
    expect(compared).toBe(7 * 60_000)
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
