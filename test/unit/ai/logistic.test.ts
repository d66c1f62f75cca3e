import { describe, expect, it } from 'vitest'
import { predictLogistic, trainLogistic } from '../../../src/core/ai/logistic'

describe('logistic regression', () => {
  it('reaches the closed-form maximum-likelihood fit of a binary feature', () => {
    // x = 0: 1 of 4 labels up; x = 1: 3 of 4 up. The unpenalized fit must predict exactly the
    // group frequencies: intercept logit(1/4) = -ln 3, slope logit(3/4) - logit(1/4) = 2 ln 3.
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]]
    const labels = [1, 0, 0, 0, 1, 1, 1, 0]
    const model = trainLogistic(rows, labels, { l2: 0, maxIterations: 50 })
    expect(predictLogistic(model, [0])).toBeCloseTo(0.25, 8)
    expect(predictLogistic(model, [1])).toBeCloseTo(0.75, 8)
    // Back in raw units: slope = weight / scale (scale is the population sd, 0.5).
    expect(model.weights[0]! / model.scale[0]!).toBeCloseTo(2 * Math.log(3), 6)
  })

  it('shrinks toward 0.5 under an L2 penalty', () => {
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]]
    const labels = [1, 0, 0, 0, 1, 1, 1, 0]
    const p = predictLogistic(trainLogistic(rows, labels, { l2: 4, maxIterations: 50 }), [1])
    expect(p).toBeGreaterThan(0.5)
    expect(p).toBeLessThan(0.75)
  })
})
