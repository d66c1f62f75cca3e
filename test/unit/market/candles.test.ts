import { describe, expect, it } from 'vitest'
import { CandleAggregator, findGaps, inferTimeframe, mergeCandles, rollUpCandles } from '../../../src/core/market/candles'
import { CandleCsvError, parseCandleCsv } from '../../../src/core/market/candle-csv'
import { ceilToTick, floorToTick, roundToTick, tickDecimals } from '../../../src/core/market/ticks'
import type { Candle } from '../../../src/shared/market-data'

const M = 60_000
const c = (i: number, close = 100 + i): Candle => [i * M, close - 1, close + 2, close - 2, close, 1]

describe('candle aggregation from trades', () => {
  it('builds OHLCV per period and closes a candle when the next period starts', () => {
    const agg = new CandleAggregator('1m')
    agg.add({ timestamp: 1_000, price: 10, amount: 1 })
    agg.add({ timestamp: 2_000, price: 12, amount: 2 })
    const mid = agg.add({ timestamp: 59_999, price: 9, amount: 0.5 })
    expect(mid.open).toEqual([0, 10, 12, 9, 9, 3.5])
    const next = agg.add({ timestamp: 60_000, price: 11, amount: 1 })
    expect(next.closed).toEqual([0, 10, 12, 9, 9, 3.5])
    expect(next.open).toEqual([60_000, 11, 11, 11, 11, 1])
  })

  it('ignores late trades for a closed period and closes on the clock', () => {
    const agg = new CandleAggregator('5m', [0, 10, 10, 10, 10, 1])
    agg.add({ timestamp: 300_000, price: 11, amount: 1 })
    expect(agg.add({ timestamp: 1, price: 99, amount: 1 }).open[2]).toBe(11)
    expect(agg.closeIfDue(599_999)).toBeUndefined()
    expect(agg.closeIfDue(600_000)?.[0]).toBe(300_000)
    expect(agg.openCandle).toBeUndefined()
  })

  it('rolls minutes up into hours', () => {
    const minutes = Array.from({ length: 120 }, (_, i) => c(i))
    const hours = rollUpCandles(minutes, '1h')
    expect(hours).toHaveLength(2)
    expect(hours[0]).toEqual([0, 99, 161, 98, 159, 60])
  })
})

describe('gaps and merging', () => {
  it('finds holes inside, before and after a series', () => {
    const series = [c(2), c(3), c(6), c(7)]
    expect(findGaps(series, '1m', 0, 10 * M)).toEqual([
      { from: 0, to: M, missing: 2 },
      { from: 4 * M, to: 5 * M, missing: 2 },
      { from: 8 * M, to: 9 * M, missing: 2 }
    ])
    expect(findGaps([c(0), c(1), c(2)], '1m', 0, 3 * M)).toEqual([])
    expect(findGaps([], '1m', 30_000, 2 * M)).toEqual([{ from: M, to: M, missing: 1 }])
  })

  it('merges series, later wins, sorted and without duplicates', () => {
    const merged = mergeCandles([c(1), c(3)], [c(2), c(3, 500)])
    expect(merged.map((x) => x[0])).toEqual([M, 2 * M, 3 * M])
    expect(merged[2][4]).toBe(500)
  })

  it('infers the timeframe from the spacing', () => {
    expect(inferTimeframe([c(0), c(1), c(3)])).toBe('1m')
    expect(inferTimeframe([c(0), [7 * M, 1, 1, 1, 1, 1]])).toBeUndefined()
  })
})

describe('candle CSV', () => {
  it('parses with or without a header, ms / s / ISO timestamps', () => {
    const text = 'timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,10\n1735689660,1.5,2,1,1.2,0\n2025-01-01T00:02:00Z,1.2,1.3,1.1,1.25,3\n'
    const candles = parseCandleCsv(text)
    expect(candles.map((x) => x[0])).toEqual([1735689600000, 1735689660000, 1735689720000])
    expect(parseCandleCsv('1735689600000,1,2,0.5,1.5,10')).toHaveLength(1)
  })

  it.each([
    ['ts,o,h,l,c,v\n1000,1,2,0.5,1.5,10\n2000,1,2,0.5\n', 3, /expected 6 columns/],
    ['1000,1,2,0.5,1.5,10\n2000,1,x,0.5,1.5,10\n', 2, /high "x" is not a number/],
    ['1000,1,2,0.5,1.5,10\n\n1000,1,2,0.5,1.5,10\n', 3, /not after the previous/],
    ['1000,1,0.9,0.5,1.5,10\n', 1, /inconsistent candle/],
    ['1000,1,2,0.5,1.5,-1\n', 1, /volume must be zero or more/],
    ['yesterday,1,2,0.5,1.5,1\n', 1, /neither epoch/]
  ])('rejects a bad row with its line number (%#)', (text, line, message) => {
    let error: unknown
    try {
      parseCandleCsv(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CandleCsvError)
    expect((error as CandleCsvError).line).toBe(line)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toMatch(new RegExp(`^line ${line}:`))
  })

  it('rejects a file without rows', () => {
    expect(() => parseCandleCsv('timestamp,open,high,low,close,volume\n')).toThrow(/no candle rows/)
  })
})

describe('tick arithmetic', () => {
  it('snaps without float noise', () => {
    expect(tickDecimals(0.00001)).toBe(5)
    expect(tickDecimals(5e-7)).toBe(7)
    expect(tickDecimals(0.25)).toBe(2)
    expect(roundToTick(0.1 + 0.2, 0.1)).toBe(0.3)
    expect(floorToTick(1.15 * 100, 1)).toBe(115) // 114.99999999999999: float residue, on the tick
    expect(floorToTick(64250.239999999, 0.01)).toBe(64250.23) // a real 1e-9 below the tick is below it
    expect(floorToTick(1.239, 0.01)).toBe(1.23)
    expect(ceilToTick(1.231, 0.01)).toBe(1.24)
    expect(ceilToTick(1.23, 0.01)).toBe(1.23)
    expect(tickDecimals(0)).toBe(0) // not a step: no decimals
  })
})
