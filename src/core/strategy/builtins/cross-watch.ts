import { finiteInput } from '../indicators'

/**
 * Whether the mean of the last `fast` inputs is above the mean of the last `slow`, decided
 * exactly as two WindowMeans (ctx.indicators.sma, bit for bit trading-signals' SMA) decide it,
 * without summing both windows on every input.
 *
 * WindowMean sums its window oldest first on every update (40 dependent additions for 10/30,
 * most of the SMA cross's time per candle). This keeps running sums instead, whose distance from
 * WindowMean's sums is bounded (below): when the running means differ by more than that bound, the
 * answer is theirs; otherwise (a near tie, a flat market) both windows are summed exactly as
 * WindowMean sums them. The running sums are reset to those exact sums every SYNC inputs, so the
 * bound stays small.
 *
 * Bound, with u = 2^-53 and M the largest |input| seen: a sum of p doubles summed in order is
 * within (p − 1)·u·p·M of the true sum; each running update (two roundings) moves at most
 * 2·u·(p + 1)·M further from it. After m updates since a reset the running sum is within
 * (2p(p − 1) + 2m(p + 1))·u·M of WindowMean's sum, doubled here for the second-order terms; the
 * means, taken as sums times a rounded 1/p, and their difference add at most 10·u·M (12 are
 * allowed). This holds while nothing underflows or overflows: inputs below 2^-900 or sums that
 * could pass 2^1000 are decided the exact way.
 */

const U = 2 ** -53
const SYNC = 1024
/** Inputs this small make errors of subnormal size, this large sums that can overflow. */
const TINY = 2 ** -900
const HUGE = 2 ** 1000

export class CrossWatch {
  private readonly ring: Float64Array
  private next = 0
  private count = 0
  private fastSum = 0
  private slowSum = 0
  private sinceSync = 0
  private maxAbs = 0
  // The bound as A + B·m (times M), and the means by multiplying with 1/p: no division per input.
  private readonly invFast: number
  private readonly invSlow: number
  private readonly boundBase: number
  private readonly boundPerUpdate: number

  constructor(
    private readonly fast: number,
    private readonly slow: number
  ) {
    if (!(Number.isInteger(fast) && Number.isInteger(slow) && fast >= 1 && slow > fast)) {
      throw new RangeError(`cross: periods must be whole numbers with 1 ≤ fast < slow (got ${fast}, ${slow})`)
    }
    this.ring = new Float64Array(slow)
    this.invFast = 1 / fast
    this.invSlow = 1 / slow
    this.boundBase = (4 * (fast - 1) + 4 * (slow - 1) + 12) * U
    this.boundPerUpdate = ((4 * (fast + 1)) / fast + (4 * (slow + 1)) / slow) * U
  }

  /** Feeds one input; fast above slow, or undefined until the slow window is full. */
  update(input: number): boolean | undefined {
    finiteInput(input)
    const { ring, fast, slow } = this
    const filled = this.count
    // What leaves each window: the oldest of the slow one sits where the input goes, the oldest
    // of the fast one `fast` places before it.
    const leavesSlow = filled >= slow ? ring[this.next] : 0
    const leavesFast = filled >= fast ? ring[this.back(this.next, fast)] : 0
    ring[this.next] = input
    this.next = this.next + 1 === slow ? 0 : this.next + 1
    const abs = Math.abs(input)
    if (abs > this.maxAbs) this.maxAbs = abs
    this.fastSum = this.fastSum + input - leavesFast
    this.slowSum = this.slowSum + input - leavesSlow
    if (filled < slow) {
      this.count++
      if (this.count < slow) return undefined
      this.resync() // the slow window just filled: start from WindowMean's sums
    } else if (++this.sinceSync >= SYNC) {
      this.resync()
    }
    // The bound holds for normal doubles: sums that could overflow, or errors small enough to
    // underflow, go the exact way (no market price comes near either).
    if (this.maxAbs >= TINY && this.maxAbs * slow <= HUGE) {
      const bound = (this.boundBase + this.boundPerUpdate * this.sinceSync) * this.maxAbs
      const gap = this.fastSum * this.invFast - this.slowSum * this.invSlow
      if (gap > bound && gap < Infinity) return true
      if (gap < -bound && gap > -Infinity) return false
    }
    return this.exactSum(fast) / fast > this.exactSum(slow) / slow
  }

  /** The ring index `by` places before `from`. */
  private back(from: number, by: number): number {
    const i = from - by
    return i < 0 ? i + this.slow : i
  }

  /** The running sums restart from the sums WindowMean makes. */
  private resync(): void {
    this.fastSum = this.exactSum(this.fast)
    this.slowSum = this.exactSum(this.slow)
    this.sinceSync = 0
  }

  /** The last `p` inputs summed oldest first from 0, as WindowMean sums its window. */
  private exactSum(p: number): number {
    const { ring, slow } = this
    let sum = 0
    for (let k = 0, i = this.back(this.next, p); k < p; k++, i = i + 1 === slow ? 0 : i + 1) sum += ring[i]
    return sum
  }
}
