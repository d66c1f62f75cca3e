import { describe, expect, it } from 'vitest'
import { makeDataset, walkForward } from '../../../src/core/ai/evaluate'
import { defaultSpec } from '../../../src/core/ai/model'
import { syntheticCandles } from '../../support/synthetic-candles'

const label = { horizon: 1, band: 0 }
const options = { horizon: 1, embargo: 2, folds: 4 }

describe('honest evaluation (purged walk-forward)', () => {
  for (const kind of ['logistic', 'gbt'] as const) {
    it(`${kind}: finds a planted signal out of sample`, () => {
      const data = makeDataset(syntheticCandles(4000, { phi: 0.3, seed: 7 }), label)
      const { quality } = walkForward(data, defaultSpec(kind), options)
      expect(quality.n).toBeGreaterThan(2500)
      expect(quality.hitRate).toBeGreaterThan(quality.baseline)
      expect(quality.interval.lower).toBeGreaterThan(quality.baseline)
      expect(quality.pValue).toBeLessThan(0.01)
      expect(quality.edge).toBe(true)
    })

    it(`${kind}: reports no edge on a pure random walk`, () => {
      const data = makeDataset(syntheticCandles(4000, { phi: 0, seed: 11 }), label)
      const { quality } = walkForward(data, defaultSpec(kind), options)
      expect(quality.n).toBeGreaterThan(2500)
      expect(quality.edge).toBe(false)
      expect(quality.hitRate).toBeLessThan(0.56)
    })
  }

  it('refuses an embargo shorter than the label horizon', () => {
    const data = makeDataset(syntheticCandles(500, { phi: 0, seed: 1 }), { horizon: 5, band: 0 })
    expect(() => walkForward(data, defaultSpec('logistic'), { horizon: 5, embargo: 2, folds: 3 })).toThrow(/embargo/)
  })

  it('never trains on a sample whose label reaches into the test fold', () => {
    const data = makeDataset(syntheticCandles(1500, { phi: 0, seed: 3 }), { horizon: 10, band: 0 })
    const { folds } = walkForward(data, defaultSpec('logistic'), { horizon: 10, embargo: 10, folds: 3 })
    for (const fold of folds) {
      const lastTrain = data.candleIndex.filter((i) => i + 10 + 10 < fold.testFrom).length
      expect(fold.trainSamples).toBe(lastTrain)
    }
  })
})
