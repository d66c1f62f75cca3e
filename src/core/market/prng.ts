/**
 * A small seeded PRNG (mulberry32) with the distributions the demo market needs. Seeded so a
 * demo run is reproducible: same seed, same prices, same trades, same test results.
 */
export class Prng {
  private state: number

  constructor(seed: number) {
    // Mix the seed so nearby seeds (1, 2, 3) do not start on nearby sequences.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ (seed >>> 16)) >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Standard normal via Box–Muller (one value per call keeps the state simple). */
  normal(): number {
    const u = 1 - this.next() // (0, 1], log-safe
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Exponential with the given mean: inter-arrival times of a Poisson process. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean
  }

  /** Log-normal whose median is `median`; `sigma` is the spread of the log. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  /** An independent generator derived from this one (e.g. one per symbol). */
  fork(salt: number): Prng {
    return new Prng((Math.floor(this.next() * 0xffffffff) ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0)
  }
}

/** A stable 32-bit hash of a string (FNV-1a), to derive per-symbol seeds from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
