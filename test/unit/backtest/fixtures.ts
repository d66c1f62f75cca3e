import type { Candle } from '../../../src/shared/market-data'

/** Deterministic random-walk candles (prices on a 0.01 tick), independent of Keel's own generators. */
export function walkCandles(count: number, seed = 7, start = 100, stepMs = 60_000, t0 = 1_699_999_980_000): Candle[] {
  let state = seed >>> 0
  const rand = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
  const round = (x: number) => Math.round(x * 100) / 100
  const out: Candle[] = []
  let price = start
  for (let i = 0; i < count; i++) {
    const open = round(price)
    const close = round(Math.max(1, open * (1 + (rand() - 0.5) * 0.02)))
    const high = round(Math.max(open, close) * (1 + rand() * 0.005))
    const low = round(Math.min(open, close) * (1 - rand() * 0.005))
    out.push([t0 + i * stepMs, open, high, low, close, round(10 + rand() * 90)])
    price = close
  }
  return out
}
