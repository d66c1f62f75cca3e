import type { TrainModelParams } from '../../shared/ai'
import type { Candle } from '../../shared/market-data'
import { makeDataset, walkForward, type Quality, type WalkForwardResult } from './evaluate'
import { FEATURE_NAMES } from './features'
import { DEFAULT_GBT } from './gbt'
import { DEFAULT_LOGISTIC } from './logistic'
import { fitModel, type FittedModel, type ModelSpec } from './model'

export interface TrainingOutcome {
  algorithm: ModelSpec['kind']
  features: string[]
  params: Record<string, number>
  horizon: number
  band: number
  embargo: number
  trainFrom: number
  trainTo: number
  samples: number
  quality: Quality
  folds: WalkForwardResult['folds']
  fitted: FittedModel
}

/** The walk-forward share of the work; the final fit on all data is the rest. */
const EVALUATION_SHARE = 0.8

export function specOf(request: TrainModelParams): ModelSpec {
  return request.algorithm === 'logistic' ? { kind: 'logistic', params: { ...DEFAULT_LOGISTIC, ...request.logistic } } : { kind: 'gbt', params: { ...DEFAULT_GBT, ...request.gbt } }
}

/**
 * One training job, pure: dataset, purged walk-forward evaluation (the metrics every signal
 * of this model will carry), then the final fit on all samples (the model used live).
 */
export function runTraining(candles: readonly Candle[], request: TrainModelParams, onProgress: (fraction: number, phase: string) => void = () => {}): TrainingOutcome {
  const spec = specOf(request)
  const embargo = request.embargo ?? request.horizon
  const data = makeDataset(candles, { horizon: request.horizon, band: request.band })
  if (data.labels.length < 200) throw new Error(`only ${data.labels.length} labelled samples in ${candles.length} candles: need at least 200 (more candles or a narrower band)`)
  const evaluation = walkForward(data, spec, {
    horizon: request.horizon,
    embargo,
    folds: request.folds,
    onProgress: (f) => onProgress(f * EVALUATION_SHARE, 'walk-forward')
  })
  const fitted = fitModel(spec, data.rows, data.labels, (f) => onProgress(EVALUATION_SHARE + f * (1 - EVALUATION_SHARE), 'final fit'))
  onProgress(1, 'done')
  return {
    algorithm: spec.kind,
    features: [...FEATURE_NAMES],
    params: { ...spec.params },
    horizon: request.horizon,
    band: request.band,
    embargo,
    trainFrom: candles[0]![0],
    trainTo: candles.at(-1)![0],
    samples: data.labels.length,
    quality: evaluation.quality,
    folds: evaluation.folds,
    fitted
  }
}
