import { describe, expect, it } from 'vitest'
import { bollinger, ema, macd, rsi, sma } from '../../../src/renderer/src/indicators'

const closes = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64]

describe('indicators', () => {
  it('sma averages the last n values and leaves the warm-up empty', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4])
    expect(sma([1, 2], 3)).toEqual([null, null])
  })

  it('ema seeds with the sma and then weights recent values by 2/(n+1)', () => {
    const out = ema([1, 2, 3, 4, 5], 3)
    expect(out.slice(0, 2)).toEqual([null, null])
    expect(out[2]).toBe(2)
    expect(out[3]).toBeCloseTo(3, 10) // 4*0.5 + 2*0.5
    expect(out[4]).toBeCloseTo(4, 10)
  })

  it('bollinger bands are the sma ± k population standard deviations', () => {
    const { middle, upper, lower } = bollinger([2, 4, 4, 4, 5, 5, 7, 9], 8, 2)
    expect(middle[7]).toBe(5)
    expect(upper[7]).toBe(9) // stdev of this classic sample is exactly 2
    expect(lower[7]).toBe(1)
    expect(upper[6]).toBeNull()
  })

  it('rsi matches Wilder’s worked example (14 periods)', () => {
    const out = rsi(closes, 14)
    expect(out[13]).toBeNull()
    expect(out[14]).toBeCloseTo(70.46, 1)
    expect(out[19]).toBeGreaterThan(50)
  })

  it('rsi is 100 for a market that only rises and 50 for a flat one', () => {
    expect(rsi([1, 2, 3, 4, 5, 6], 3)[5]).toBe(100)
    expect(rsi([5, 5, 5, 5, 5], 3)[4]).toBe(50)
  })

  it('macd is fast ema − slow ema with a signal ema and their difference', () => {
    const values = Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 5) * 10 + i * 0.2)
    const m = macd(values, 12, 26, 9)
    const fast = ema(values, 12)
    const slow = ema(values, 26)
    expect(m.macd[24]).toBeNull()
    expect(m.macd[40]).toBeCloseTo((fast[40] as number) - (slow[40] as number), 10)
    expect(m.signal[25 + 7]).toBeNull()
    expect(m.signal[25 + 8]).not.toBeNull()
    expect(m.histogram[50]).toBeCloseTo((m.macd[50] as number) - (m.signal[50] as number), 10)
  })

  it('rejects nonsense periods', () => {
    expect(() => sma([1], 0)).toThrow(RangeError)
    expect(() => macd([1, 2], 26, 12)).toThrow(RangeError)
  })
})
