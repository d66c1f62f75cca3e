import { z } from 'zod'
import { DEFAULT_GBT, predictGbt, trainGbt, type GbtModel, type GbtParams } from './gbt'
import { DEFAULT_LOGISTIC, predictLogistic, trainLogistic, type LogisticModel, type LogisticParams } from './logistic'

export type ModelSpec = { kind: 'logistic'; params: LogisticParams } | { kind: 'gbt'; params: GbtParams }
export type FittedModel = LogisticModel | GbtModel

const finite = z.number().refine(Number.isFinite, 'not finite')
/** A stored model is read back from ai.db: checked, since a disk can be damaged. */
export const FittedModelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('logistic'), mean: z.array(finite), scale: z.array(finite), weights: z.array(finite), bias: finite }),
  z.object({
    kind: z.literal('gbt'),
    base: finite,
    trees: z.array(z.object({ feature: z.array(z.number().int()), threshold: z.array(finite), left: z.array(z.number().int()), right: z.array(z.number().int()), value: z.array(finite) }))
  })
])

export function defaultSpec(kind: ModelSpec['kind']): ModelSpec {
  return kind === 'logistic' ? { kind, params: DEFAULT_LOGISTIC } : { kind, params: DEFAULT_GBT }
}

export function fitModel(spec: ModelSpec, rows: readonly number[][], labels: ArrayLike<number>, onProgress?: (fraction: number) => void): FittedModel {
  return spec.kind === 'logistic' ? trainLogistic(rows, labels, spec.params, onProgress) : trainGbt(rows, labels, spec.params, onProgress)
}

/** Probability that the label is 1 (the price rises past the band). */
export function predictUp(model: FittedModel, row: readonly number[]): number {
  return model.kind === 'logistic' ? predictLogistic(model, row) : predictGbt(model, row)
}
