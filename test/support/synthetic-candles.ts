import type { Candle } from '../../src/shared/market-data'
import { mulberry32 } from '../../src/core/ai/stats'

/**
 * Synthetic 1-minute candles whose log returns follow r[t] = phi * r[t-1] + sigma * noise:
 * phi = 0 is a pure random walk (nothing to find); phi > 0 plants momentum that a model
 * reading the last return can exploit.
 */
export function syntheticCandles(count: number, options: { phi: number; seed: number; sigma?: number; start?: number }): Candle[] {
  const random = mulberry32(options.seed)
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const sigma = options.sigma ?? 0.002
  const candles: Candle[] = []
  let close = 100
  let previous = 0
  const start = options.start ?? Date.UTC(2026, 0, 1)
  for (let i = 0; i < count; i++) {
    const r = options.phi * previous + sigma * gaussian()
    previous = r
    const open = close
    close = open * Math.exp(r)
    const high = Math.max(open, close) * (1 + Math.abs(gaussian()) * sigma * 0.3)
    const low = Math.min(open, close) * (1 - Math.abs(gaussian()) * sigma * 0.3)
    candles.push([start + i * 60_000, open, high, low, close, 10 + 5 * random()])
  }
  return candles
}
