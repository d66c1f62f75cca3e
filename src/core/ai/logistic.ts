export interface LogisticParams {
  /** L2 penalty on the (standardized) weights; 0 is the plain maximum-likelihood fit. */
  l2: number
  maxIterations: number
}

export interface LogisticModel {
  kind: 'logistic'
  mean: number[]
  scale: number[]
  weights: number[]
  bias: number
}

export const DEFAULT_LOGISTIC: LogisticParams = { l2: 1, maxIterations: 25 }

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/**
 * Logistic regression fitted by Newton's method (IRLS) on standardized features: a handful of
 * iterations reach the exact optimum, so small datasets check against their closed form.
 */
export function trainLogistic(rows: readonly number[][], labels: ArrayLike<number>, params: LogisticParams = DEFAULT_LOGISTIC, onProgress?: (fraction: number) => void): LogisticModel {
  const n = rows.length
  const d = rows[0]?.length ?? 0
  if (n === 0) throw new Error('logistic regression needs at least one sample')
  const mean = new Array<number>(d).fill(0)
  const scale = new Array<number>(d).fill(0)
  for (const row of rows) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n
  for (const row of rows) for (let j = 0; j < d; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1
  // Design matrix with the intercept as the last column.
  const x = rows.map((row) => [...row.map((v, j) => (v - mean[j]!) / scale[j]!), 1])
  const beta = new Array<number>(d + 1).fill(0)
  for (let iteration = 0; iteration < params.maxIterations; iteration++) {
    const gradient = beta.map((b, j) => (j < d ? params.l2 * b : 0))
    const hessian = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j && i < d ? params.l2 : 0)))
    for (let i = 0; i < n; i++) {
      const xi = x[i]!
      let z = 0
      for (let j = 0; j <= d; j++) z += beta[j]! * xi[j]!
      const p = sigmoid(z)
      const w = Math.max(p * (1 - p), 1e-12)
      const residual = p - labels[i]!
      for (let j = 0; j <= d; j++) {
        gradient[j]! += residual * xi[j]!
        const row = hessian[j]!
        const wx = w * xi[j]!
        for (let k = 0; k <= j; k++) row[k]! += wx * xi[k]!
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!
    const step = solve(hessian, gradient)
    let change = 0
    for (let j = 0; j <= d; j++) {
      beta[j]! -= step[j]!
      change = Math.max(change, Math.abs(step[j]!))
    }
    onProgress?.((iteration + 1) / params.maxIterations)
    if (change < 1e-9) break
  }
  return { kind: 'logistic', mean, scale, weights: beta.slice(0, d), bias: beta[d]! }
}

export function predictLogistic(model: LogisticModel, row: readonly number[]): number {
  let z = model.bias
  for (let j = 0; j < model.weights.length; j++) z += (model.weights[j]! * (row[j]! - model.mean[j]!)) / model.scale[j]!
  return sigmoid(z)
}

/** Gaussian elimination with partial pivoting; a singular direction gets a zero step. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length
  const m = a.map((row, i) => [...row, b[i]!])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r
    ;[m[col], m[pivot]] = [m[pivot]!, m[col]!]
    const p = m[col]![col]!
    if (Math.abs(p) < 1e-12) continue
    for (let r = 0; r < n; r++) {
      if (r === col) continue
      const f = m[r]![col]! / p
      if (f === 0) continue
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!))
}
