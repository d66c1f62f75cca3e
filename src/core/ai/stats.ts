/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054

export interface Interval {
  lower: number
  upper: number
}

/**
 * Wilson score interval for a binomial proportion: k successes in n trials. Unlike the normal
 * approximation it stays inside [0, 1] and is honest for small n and rates near 0 or 1.
 */
export function wilsonInterval(k: number, n: number, z = Z95): Interval {
  if (n <= 0) return { lower: 0, upper: 1 }
  const p = k / n
  const z2 = z * z
  const denominator = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) }
}

/** Deterministic PRNG (mulberry32): the same seed gives the same permutation test. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Permutation test of "the predictions carry information about the labels": the hit rate of
 * the predictions against circularly shifted labels is what chance gives with the same class
 * balance and the same autocorrelation (overlapping labels are not independent, so a plain
 * shuffle would overstate significance). p = (1 + #shifts at least as good) / (1 + shifts).
 */
export function permutationPValue(predictions: ArrayLike<number>, labels: ArrayLike<number>, options: { rounds?: number; minShift?: number; seed?: number } = {}): number {
  const n = labels.length
  const minShift = Math.max(1, options.minShift ?? 1)
  const span = n - 2 * minShift
  if (n < 10 || span < 1) return 1
  const rounds = Math.min(options.rounds ?? 999, span)
  const random = mulberry32(options.seed ?? 1)
  const observed = hits(predictions, labels, 0)
  let atLeast = 0
  for (let r = 0; r < rounds; r++) {
    const shift = minShift + Math.floor(random() * span)
    if (hits(predictions, labels, shift) >= observed) atLeast += 1
  }
  return (1 + atLeast) / (1 + rounds)
}

function hits(predictions: ArrayLike<number>, labels: ArrayLike<number>, shift: number): number {
  const n = labels.length
  let k = 0
  for (let i = 0; i < n; i++) if (predictions[i] === labels[(i + shift) % n]) k += 1
  return k
}
