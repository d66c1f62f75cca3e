import type { Candle } from '../../shared/market-data'
import { buildFeatures } from './features'
import { directionLabel, type LabelSpec } from './labels'
import { fitModel, predictUp, type ModelSpec } from './model'
import { permutationPValue, wilsonInterval, type Interval } from './stats'

export interface Dataset {
  rows: number[][]
  labels: Array<0 | 1>
  /** Candle index of each sample: its label spans candles (i, i + horizon]. */
  candleIndex: number[]
}

/** Feature rows with a label outside the no-trade band. */
export function makeDataset(candles: readonly Candle[], spec: LabelSpec): Dataset {
  const closes = candles.map((c) => c[4])
  const features = buildFeatures(candles)
  const data: Dataset = { rows: [], labels: [], candleIndex: [] }
  features.rows.forEach((row, k) => {
    const i = features.index[k]!
    const label = directionLabel(closes, i, spec)
    if (label === null) return
    data.rows.push(row)
    data.labels.push(label)
    data.candleIndex.push(i)
  })
  return data
}

export interface Quality {
  /** Out-of-sample predictions judged. */
  n: number
  hits: number
  hitRate: number
  /** 95 % Wilson interval of the hit rate. */
  interval: Interval
  baselines: { majorityClass: number; alwaysLong: number }
  /** The better baseline: the bar a signal has to clear. */
  baseline: number
  /** Permutation-test p-value of the hit rate (circular shifts of the labels). */
  pValue: number
  /** True only when the interval's lower end clears the baseline and p < 0.05. */
  edge: boolean
}

export const EDGE_P_VALUE = 0.05

/**
 * Judges predictions against labels. `majorityGuess` is what the majority-class baseline
 * predicted for each sample (the majority of the data it was trained on); without it, the
 * majority of these labels (a generous baseline, which only makes "edge" harder to claim).
 */
export function assess(predictions: ArrayLike<number>, labels: ArrayLike<number>, options: { horizon: number; majorityGuess?: ArrayLike<number>; rounds?: number; seed?: number }): Quality {
  const n = labels.length
  let hits = 0
  let ups = 0
  let majorityHits = 0
  for (let i = 0; i < n; i++) {
    if (predictions[i] === labels[i]) hits += 1
    ups += labels[i]!
  }
  if (options.majorityGuess) for (let i = 0; i < n; i++) majorityHits += options.majorityGuess[i] === labels[i] ? 1 : 0
  else majorityHits = Math.max(ups, n - ups)
  const hitRate = n ? hits / n : 0
  const baselines = { majorityClass: n ? majorityHits / n : 0, alwaysLong: n ? ups / n : 0 }
  const baseline = Math.max(baselines.majorityClass, baselines.alwaysLong)
  const interval = wilsonInterval(hits, n)
  const pValue = permutationPValue(predictions, labels, { minShift: options.horizon, rounds: options.rounds, seed: options.seed })
  return { n, hits, hitRate, interval, baselines, baseline, pValue, edge: n > 0 && interval.lower > baseline && pValue < EDGE_P_VALUE }
}

export interface WalkForwardOptions {
  horizon: number
  /** Samples dropped between the end of training and the start of each test fold (>= horizon). */
  embargo: number
  folds: number
  onProgress?: (fraction: number) => void
  seed?: number
}

export interface WalkForwardResult {
  quality: Quality
  folds: Array<{ trainSamples: number; testSamples: number; testFrom: number; testTo: number; hitRate: number }>
}

/**
 * Purged walk-forward: the samples are cut into folds + 1 consecutive blocks; each block
 * after the first is predicted by a model trained only on what came before it, minus every
 * sample whose label window reaches into the test block (purge) and `embargo` more candles
 * (so serial correlation cannot leak the answer). Every prediction judged is out of sample.
 */
export function walkForward(data: Dataset, spec: ModelSpec, options: WalkForwardOptions): WalkForwardResult {
  if (options.embargo < options.horizon) throw new Error(`embargo (${options.embargo}) must be at least the label horizon (${options.horizon})`)
  const n = data.labels.length
  const blocks = options.folds + 1
  const predictions: number[] = []
  const labels: number[] = []
  const majority: number[] = []
  const folds: WalkForwardResult['folds'] = []
  for (let f = 1; f < blocks; f++) {
    const from = Math.floor((f * n) / blocks)
    const to = Math.floor(((f + 1) * n) / blocks)
    if (to <= from) continue
    const testStartCandle = data.candleIndex[from]!
    const train: number[] = []
    for (let i = 0; i < from; i++) if (data.candleIndex[i]! + options.horizon + options.embargo < testStartCandle) train.push(i)
    const trainLabels = train.map((i) => data.labels[i]!)
    const ups = trainLabels.reduce<number>((s, y) => s + y, 0)
    if (train.length < 50 || ups === 0 || ups === train.length) continue // too little to learn from
    const report = (done: number): void => options.onProgress?.((f - 1 + done) / (blocks - 1))
    const model = fitModel(spec, train.map((i) => data.rows[i]!), trainLabels, report)
    const guess = ups * 2 >= train.length ? 1 : 0
    let foldHits = 0
    for (let i = from; i < to; i++) {
      const p = predictUp(model, data.rows[i]!) >= 0.5 ? 1 : 0
      predictions.push(p)
      labels.push(data.labels[i]!)
      majority.push(guess)
      if (p === data.labels[i]) foldHits += 1
    }
    folds.push({ trainSamples: train.length, testSamples: to - from, testFrom: testStartCandle, testTo: data.candleIndex[to - 1]!, hitRate: foldHits / (to - from) })
  }
  options.onProgress?.(1)
  return { quality: assess(predictions, labels, { horizon: options.horizon, majorityGuess: majority, seed: options.seed }), folds }
}
