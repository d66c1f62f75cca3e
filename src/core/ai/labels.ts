/** Label of one sample: 1 the price rose past the band, 0 it fell past it, null inside (no trade). */
export type Label = 0 | 1 | null

export interface LabelSpec {
  /** Candles ahead the label looks (the next-h-candle return). */
  horizon: number
  /** Half-width of the no-trade band as a fraction of the price (e.g. 0.0005 = 5 bp). */
  band: number
}

/** Direction of close[i + h] / close[i] - 1 outside ±band; null inside the band or past the end. */
export function directionLabel(closes: ArrayLike<number>, i: number, spec: LabelSpec): Label {
  const j = i + spec.horizon
  if (j >= closes.length) return null
  const r = closes[j]! / closes[i]! - 1
  if (r > spec.band) return 1
  if (r < -spec.band) return 0
  return null
}
