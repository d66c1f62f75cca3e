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

/**
 * A strategy file's text: long `amount` while the last close is above the close `n` candles
 * back, flat otherwise. Tests edit the file by writing it again with another amount.
 */
export function momentumStrategy(amount: number): string {
  return `export default {
  name: 'Momentum',
  params: { n: { type: 'int', default: 5, min: 1 } },
  warmup: 0,
  onCandle(ctx) {
    const closes = ctx.candles(ctx.params.n + 1).map((c) => c.close)
    if (closes.length <= ctx.params.n) return
    const up = closes[closes.length - 1] > closes[0]
    if (up && ctx.position.amount <= 0) return ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: ${amount} })
    if (!up && ctx.position.amount > 0) return ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: ctx.position.amount })
  }
}
`
}
