import { describe, expect, it } from 'vitest'
import type { Candle } from '../../../src/shared/market-data'
import { CandleSeries } from '../../../src/renderer/src/chart/candle-series'
import { withTotals } from '../../../src/renderer/src/components/OrderBook'
import { FrameBatch } from '../../../src/renderer/src/lib/frame-batch'
import { decimalsOf, formatFixed, formatPercent } from '../../../src/renderer/src/lib/format'
import { shortcutFor } from '../../../src/renderer/src/lib/shortcuts'

const M = 60_000
const c = (t: number, close: number, volume = 1): Candle => [t * M, close, close + 1, close - 1, close, volume]

describe('candle series', () => {
  it('folds trades into the current period and opens the next at the previous close', () => {
    const s = new CandleSeries('1m')
    s.reset([c(1, 100), c(2, 101)])
    expect(s.applyTrade(2 * M + 5_000, 104, 0.5)).toBe('last')
    expect(s.last).toEqual([2 * M, 101, 104, 100, 104, 1.5])
    expect(s.applyTrade(3 * M + 1, 103, 2)).toBe('append')
    expect(s.last).toEqual([3 * M, 104, 104, 103, 103, 2])
    expect(s.applyTrade(1 * M, 90, 1)).toBe('none') // late trade for a closed period
  })

  it('lets candle events of its timeframe win and then ignores trades', () => {
    const s = new CandleSeries('1m')
    s.reset([c(1, 100)])
    expect(s.applyCandle(c(1, 102), '5m')).toBe('none')
    expect(s.applyCandle(c(1, 102), '1m')).toBe('last')
    expect(s.applyCandle(c(2, 103), '1m')).toBe('append')
    expect(s.applyTrade(2 * M + 1, 999, 1)).toBe('none')
    expect(s.candles.map((x) => x[4])).toEqual([102, 103])
  })

  it('prepends older pages without duplicates (scroll-back)', () => {
    const s = new CandleSeries('1m')
    s.reset([c(5, 1), c(6, 1)])
    expect(s.prepend([c(3, 1), c(4, 1), c(5, 9)])).toBe(2)
    expect(s.candles.map((x) => x[0] / M)).toEqual([3, 4, 5, 6])
    expect(s.candles[2][4]).toBe(1) // the loaded candle is kept
    expect(s.bucketOf(4 * M + 59_999)).toBe(4 * M)
  })
})

describe('frame batch', () => {
  it('hands over the latest value per key once per frame', () => {
    const frames: (() => void)[] = []
    const flushed: Map<string, number>[] = []
    const batch = new FrameBatch<number>((m) => flushed.push(m), (cb) => frames.push(cb))
    batch.put('a', 1)
    batch.put('a', 2)
    batch.put('b', 3)
    expect(frames).toHaveLength(1)
    frames[0]()
    expect([...flushed[0]]).toEqual([
      ['a', 2],
      ['b', 3]
    ])
    batch.put('a', 4)
    expect(frames).toHaveLength(2)
  })
})

describe('helpers', () => {
  it('formats at tick precision', () => {
    expect(decimalsOf(0.01)).toBe(2)
    expect(decimalsOf(0.00001)).toBe(5)
    expect(decimalsOf(0.5)).toBe(1)
    expect(decimalsOf(1)).toBe(0)
    expect(formatFixed(64250.1, 2)).toBe('64,250.10')
    expect(formatFixed(undefined, 2)).toBe('—')
    expect(formatPercent(1.234)).toBe('+1.23 %')
  })

  it('book levels carry running totals from the touch', () => {
    expect(withTotals([[10, 1], [9, 2], [8, 3]], 2)).toEqual([
      { price: 10, amount: 1, total: 1 },
      { price: 9, amount: 2, total: 3 }
    ])
  })

  it('maps keys to shortcuts and ignores chords with modifiers', () => {
    const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods })
    expect(shortcutFor(key('b'))).toBe('buy')
    expect(shortcutFor(key('S'))).toBe('sell')
    expect(shortcutFor(key('X', { shiftKey: true }))).toBe('cancelAll')
    expect(shortcutFor(key('x'))).toBeNull()
    expect(shortcutFor(key('b', { ctrlKey: true }))).toBeNull()
  })
})
