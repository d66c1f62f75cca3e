import { describe, expect, it } from 'vitest'
import { ensembleSignal } from '../../../src/core/ai/ensemble'
import { FEATURE_NAMES, FEATURE_WARMUP, buildFeatures } from '../../../src/core/ai/features'
import { IndicatorState } from '../../../src/core/ai/indicators'
import { directionLabel } from '../../../src/core/ai/labels'
import type { Candle } from '../../../src/shared/market-data'

const candle = (i: number, close: number, volume = 10): Candle => [i * 60_000, close - 0.5, close + 1, close - 1, close, volume]

describe('indicator ensemble', () => {
  it('votes on a steady uptrend as each rule says', () => {
    const state = new IndicatorState()
    let last = state.update(candle(0, 100))
    for (let i = 1; i < 60; i++) last = state.update(candle(i, 100 + i))
    const { votes, score } = ensembleSignal(last)
    const byRule = Object.fromEntries(votes.map((v) => [v.rule, v.vote]))
    // Only gains: RSI 100 (overbought, short); MACD histogram and EMA 12/26 up (long); the last
    // close sits 9.5 steps above the 20-candle mean, inside 2 sd (5.77 steps each): no band
    // touch; constant volume: no spike.
    expect(last.rsi).toBeCloseTo(100, 6)
    expect(byRule).toEqual({ rsi: -1, macd: 1, bollinger: 0, emaTrend: 1, volume: 0 })
    expect(score).toBeCloseTo(0.2, 12)
  })

  it('a volume spike votes with the candle', () => {
    const state = new IndicatorState()
    for (let i = 0; i < 30; i++) state.update(candle(i, 100, 10 + (i % 2)))
    const spike = state.update([30 * 60_000, 100, 102, 99, 101.5, 100])
    expect(spike.volumeZ).toBeGreaterThan(2)
    expect(ensembleSignal(spike).votes.find((v) => v.rule === 'volume')?.vote).toBe(1)
  })

  it('rules without data do not vote and do not dilute the score', () => {
    const state = new IndicatorState()
    const first = ensembleSignal(state.update(candle(0, 100)))
    expect(first.score).toBe(0)
    expect(first.votes.every((v) => v.vote === 0)).toBe(true)
  })
})

describe('features and labels', () => {
  it('one row per candle after warm-up, with the named returns', () => {
    const candles = Array.from({ length: 100 }, (_, i) => candle(i, 100 * 1.001 ** i))
    const { rows, index, names } = buildFeatures(candles)
    expect(names).toEqual(FEATURE_NAMES)
    expect(index[0]).toBe(FEATURE_WARMUP - 1)
    expect(rows).toHaveLength(100 - FEATURE_WARMUP + 1)
    expect(rows[0]![names.indexOf('ret_1')]).toBeCloseTo(Math.log(1.001), 12)
    expect(rows[0]![names.indexOf('ret_24')]).toBeCloseTo(24 * Math.log(1.001), 12)
    expect(rows.every((r) => r.length === names.length && r.every(Number.isFinite))).toBe(true)
  })

  it('labels the next-h return with a no-trade band', () => {
    const closes = [100, 100.04, 100.2, 99.7]
    const spec = { horizon: 1, band: 0.001 }
    expect(directionLabel(closes, 0, spec)).toBeNull() // +0.04 % is inside ±0.1 %
    expect(directionLabel(closes, 1, spec)).toBe(1)
    expect(directionLabel(closes, 2, spec)).toBe(0)
    expect(directionLabel(closes, 3, spec)).toBeNull() // no future yet
    expect(directionLabel(closes, 0, { horizon: 3, band: 0.001 })).toBe(0)
  })
})

describe('SeriesSignals', () => {
  it('judges the ensemble on the next candle and skips duplicates', async () => {
    const { SeriesSignals } = await import('../../../src/core/ai/series-signals')
    const { syntheticCandles } = await import('../../support/synthetic-candles')
    const candles = syntheticCandles(1500, { phi: 0, seed: 5 })
    const series = new SeriesSignals()
    const last = series.warm(candles)
    expect(last?.time).toBe(candles.at(-1)![0])
    expect(series.update(candles.at(-1)!)).toBeNull()
    // Reference loop: the sign of each nonzero score called against the next close.
    const reference = new SeriesSignals()
    let hits = 0
    let n = 0
    let previous: { score: number; close: number } | undefined
    for (const c of candles) {
      const step = reference.update(c)!
      if (previous && previous.score !== 0 && c[4] !== previous.close) {
        n += 1
        if ((c[4] > previous.close) === previous.score > 0) hits += 1
      }
      previous = { score: step.score, close: c[4] }
    }
    expect(series.quality?.n).toBe(n)
    expect(series.quality?.hits).toBe(hits)
    expect(series.quality?.edge).toBe(false) // a random walk
  })
})
