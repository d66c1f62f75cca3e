import { indicators } from '../../../src/core/strategy/indicators'
import { resolveParams } from '../../../src/core/strategy/params'
import type { JsonValue, StrategyCandle, StrategyContext, StrategyDefinition, StrategyOrderRequest } from '../../../src/core/strategy/contract'
import type { Order, Position } from '../../../src/shared/trading'
import type { Timeframe } from '../../../src/shared/market-data'

/**
 * The smallest context a strategy can run in outside a worker: market orders fill whole at the
 * last close, the position is their running sum. Enough to check a strategy's decisions, which
 * is all a reference test compares.
 */
export interface PlacedOrder {
  /** Index of the candle whose onCandle placed it. */
  candle: number
  side: 'buy' | 'sell'
  amount: number
  price: number
}

export interface TinyRun {
  orders: PlacedOrder[]
  state: Record<string, JsonValue>
}

export function candlesFrom(closes: number[], timeframeMs = 60_000): StrategyCandle[] {
  return closes.map((close, i) => ({ time: i * timeframeMs, open: close, high: close, low: close, close, volume: 1 }))
}

export async function runOnCandles(
  definition: StrategyDefinition,
  options: { candles: StrategyCandle[]; warmup: number; params?: Record<string, unknown>; timeframe?: Timeframe; state?: Record<string, JsonValue> }
): Promise<TinyRun> {
  const { candles, warmup } = options
  const orders: PlacedOrder[] = []
  let seen = warmup // candles[0 .. seen) are closed and visible
  let current = -1
  let amount = 0
  let serial = 0
  const position = (): Position => ({ symbol: 'BTC/USDT', amount, avgEntry: 0, realizedPnl: 0, unrealizedPnl: 0 })
  const ctx: StrategyContext = {
    symbol: 'BTC/USDT',
    timeframe: options.timeframe ?? '1m',
    params: resolveParams(definition.params, options.params),
    state: structuredClone(options.state ?? {}),
    async order(request: StrategyOrderRequest): Promise<Order> {
      const price = candles[seen - 1]!.close
      const size = request.amount ?? (request.cost ?? 0) / price
      amount += request.side === 'buy' ? size : -size
      orders.push({ candle: current, side: request.side, amount: size, price })
      const now = candles[seen - 1]!.time
      return {
        id: `o${++serial}`, clientOrderId: `c${serial}`, account: 'test', symbol: request.symbol, side: request.side, type: request.type,
        status: 'filled', amount: size, filled: size, remaining: 0, cost: price * size, fees: 0, createdAt: now, updatedAt: now
      }
    },
    cancel: () => Promise.reject(new Error('no resting orders in the tiny context')),
    get position() {
      return position()
    },
    balance: (asset) => ({ asset, free: 0, locked: 0, total: 0 }),
    openOrders: () => [],
    candles: (n) => candles.slice(Math.max(0, seen - n), seen),
    indicators,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    now: () => (seen ? candles[seen - 1]!.time + 60_000 : 0),
    signals: undefined
  }
  await definition.onStart?.(ctx)
  for (let i = warmup; i < candles.length; i++) {
    seen = i + 1
    current = i
    await definition.onCandle?.(ctx, candles[i]!)
  }
  return { orders, state: ctx.state }
}
