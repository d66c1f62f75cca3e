export interface GbtParams {
  rounds: number
  maxDepth: number
  learningRate: number
  /** Histogram bins per feature (at most 255). */
  bins: number
  /** Minimum hessian sum in a leaf (about the sample count near p = 0.5, times 0.25). */
  minChildWeight: number
  /** L2 penalty on leaf values. */
  lambda: number
}

export interface GbtTree {
  /** Per node: split feature, or -1 for a leaf. */
  feature: number[]
  /** Per node: go left when x <= threshold. */
  threshold: number[]
  left: number[]
  right: number[]
  value: number[]
}

export interface GbtModel {
  kind: 'gbt'
  base: number
  trees: GbtTree[]
}

export const DEFAULT_GBT: GbtParams = { rounds: 100, maxDepth: 3, learningRate: 0.1, bins: 32, minChildWeight: 5, lambda: 1 }

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/**
 * Histogram gradient-boosted trees for a binary label (log loss), in the LightGBM style:
 * features are bucketed once into quantile bins, and each split is found from per-bin
 * gradient and hessian sums, so a level costs one pass over the samples.
 */
export function trainGbt(rows: readonly number[][], labels: ArrayLike<number>, params: GbtParams = DEFAULT_GBT, onProgress?: (fraction: number) => void): GbtModel {
  const n = rows.length
  const d = rows[0]?.length ?? 0
  if (n === 0) throw new Error('gradient boosting needs at least one sample')
  const thresholds = Array.from({ length: d }, (_, j) => quantileThresholds(rows, j, Math.min(255, params.bins)))
  const binned = Array.from({ length: d }, (_, j) => {
    const column = new Uint8Array(n)
    for (let i = 0; i < n; i++) column[i] = binOf(rows[i]![j]!, thresholds[j]!)
    return column
  })
  let positives = 0
  for (let i = 0; i < n; i++) positives += labels[i]!
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, positives / n))
  const base = Math.log(prior / (1 - prior))
  const score = new Float64Array(n).fill(base)
  const grad = new Float64Array(n)
  const hess = new Float64Array(n)
  const trees: GbtTree[] = []
  for (let round = 0; round < params.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(score[i]!)
      grad[i] = p - labels[i]!
      hess[i] = Math.max(p * (1 - p), 1e-12)
    }
    // growTree adds each sample's leaf value to its score as it closes the leaf (no second pass).
    trees.push(growTree(binned, thresholds, grad, hess, params, score))
    onProgress?.((round + 1) / params.rounds)
  }
  return { kind: 'gbt', base, trees }
}

export function predictGbt(model: GbtModel, row: readonly number[]): number {
  let z = model.base
  for (const tree of model.trees) z += predictTree(tree, row)
  return sigmoid(z)
}

function predictTree(tree: GbtTree, row: readonly number[]): number {
  let node = 0
  while (tree.feature[node]! >= 0) node = row[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!
  return tree.value[node]!
}

/** Up to bins-1 distinct cut points at quantiles of the column (from a strided sample). */
function quantileThresholds(rows: readonly number[][], j: number, bins: number): number[] {
  const stride = Math.max(1, Math.floor(rows.length / 20_000))
  const sample: number[] = []
  for (let i = 0; i < rows.length; i += stride) sample.push(rows[i]![j]!)
  sample.sort((a, b) => a - b)
  const cuts: number[] = []
  for (let b = 1; b < bins; b++) {
    const v = sample[Math.floor((b * sample.length) / bins)]!
    if (cuts.length === 0 || v > cuts.at(-1)!) cuts.push(v)
  }
  // The largest value needs no cut: everything would go left.
  if (cuts.at(-1) === sample.at(-1)) cuts.pop()
  return cuts
}

/** Index of the first cut >= x (binary search); x beyond every cut is the last bin. */
function binOf(x: number, cuts: readonly number[]): number {
  let lo = 0
  let hi = cuts.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (x <= cuts[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}

interface OpenNode {
  id: number
  samples: Uint32Array
  depth: number
  g: number
  h: number
}

function growTree(binned: Uint8Array[], thresholds: number[][], grad: Float64Array, hess: Float64Array, params: GbtParams, score: Float64Array): GbtTree {
  const tree: GbtTree = { feature: [], threshold: [], left: [], right: [], value: [] }
  const addNode = (): number => {
    tree.feature.push(-1)
    tree.threshold.push(0)
    tree.left.push(-1)
    tree.right.push(-1)
    tree.value.push(0)
    return tree.feature.length - 1
  }
  const n = grad.length
  const all = new Uint32Array(n)
  let g0 = 0
  let h0 = 0
  for (let i = 0; i < n; i++) {
    all[i] = i
    g0 += grad[i]!
    h0 += hess[i]!
  }
  const stack: OpenNode[] = [{ id: addNode(), samples: all, depth: 0, g: g0, h: h0 }]
  const gHist = new Float64Array(256)
  const hHist = new Float64Array(256)
  while (stack.length) {
    const node = stack.pop()!
    const samples = node.samples
    const count = samples.length
    const leafValue = (-node.g / (node.h + params.lambda)) * params.learningRate
    tree.value[node.id] = leafValue
    const closeLeaf = (): void => {
      for (let k = 0; k < count; k++) score[samples[k]!]! += leafValue
    }
    if (node.depth >= params.maxDepth || node.h < 2 * params.minChildWeight) {
      closeLeaf()
      continue
    }
    const parentScore = (node.g * node.g) / (node.h + params.lambda)
    let best = { gain: 1e-9, feature: -1, bin: -1 }
    for (let j = 0; j < binned.length; j++) {
      const cuts = thresholds[j]!.length
      if (cuts === 0) continue
      gHist.fill(0, 0, cuts + 1)
      hHist.fill(0, 0, cuts + 1)
      const column = binned[j]!
      for (let k = 0; k < count; k++) {
        const i = samples[k]!
        const b = column[i]!
        gHist[b]! += grad[i]!
        hHist[b]! += hess[i]!
      }
      let gl = 0
      let hl = 0
      for (let b = 0; b < cuts; b++) {
        gl += gHist[b]!
        hl += hHist[b]!
        const hr = node.h - hl
        if (hl < params.minChildWeight || hr < params.minChildWeight) continue
        const gr = node.g - gl
        const gain = (gl * gl) / (hl + params.lambda) + (gr * gr) / (hr + params.lambda) - parentScore
        if (gain > best.gain) best = { gain, feature: j, bin: b }
      }
    }
    if (best.feature < 0) {
      closeLeaf()
      continue
    }
    const column = binned[best.feature]!
    let leftCount = 0
    for (let k = 0; k < count; k++) if (column[samples[k]!]! <= best.bin) leftCount += 1
    const leftSamples = new Uint32Array(leftCount)
    const rightSamples = new Uint32Array(count - leftCount)
    let gl = 0
    let hl = 0
    let li = 0
    let ri = 0
    for (let k = 0; k < count; k++) {
      const i = samples[k]!
      if (column[i]! <= best.bin) {
        leftSamples[li++] = i
        gl += grad[i]!
        hl += hess[i]!
      } else rightSamples[ri++] = i
    }
    const left = addNode()
    const right = addNode()
    tree.feature[node.id] = best.feature
    tree.threshold[node.id] = thresholds[best.feature]![best.bin]!
    tree.left[node.id] = left
    tree.right[node.id] = right
    stack.push({ id: left, samples: leftSamples, depth: node.depth + 1, g: gl, h: hl })
    stack.push({ id: right, samples: rightSamples, depth: node.depth + 1, g: node.g - gl, h: node.h - hl })
  }
  return tree
}
