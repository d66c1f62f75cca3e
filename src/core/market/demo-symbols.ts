import type { MarketInfo } from '../../shared/market-data'

export const DEMO_EXCHANGE_ID = 'demo'

/** What the demo simulates per symbol: realistic levels, ticks and activity. */
export interface DemoSymbolSpec {
  symbol: string
  startPrice: number
  priceTick: number
  amountTick: number
  minCost: number
  /** Daily volatility in the calm regime (log-return stdev); the volatile regime multiplies it. */
  dailyVol: number
  /** Mean trades per second in the calm regime. */
  tradesPerSecond: number
  /** Median trade size in quote currency. */
  medianTradeNotional: number
  /** Half the quoted spread, in basis points of the mid (never below one tick). */
  halfSpreadBps: number
}

export const DEMO_SYMBOLS: readonly DemoSymbolSpec[] = [
  { symbol: 'BTC/USDT', startPrice: 64_250, priceTick: 0.01, amountTick: 0.00001, minCost: 5, dailyVol: 0.03, tradesPerSecond: 8, medianTradeNotional: 600, halfSpreadBps: 0.2 },
  { symbol: 'ETH/USDT', startPrice: 3_180, priceTick: 0.01, amountTick: 0.0001, minCost: 5, dailyVol: 0.038, tradesPerSecond: 6, medianTradeNotional: 400, halfSpreadBps: 0.3 },
  { symbol: 'SOL/USDT', startPrice: 148.5, priceTick: 0.01, amountTick: 0.001, minCost: 5, dailyVol: 0.055, tradesPerSecond: 4, medianTradeNotional: 250, halfSpreadBps: 0.7 },
  { symbol: 'BNB/USDT', startPrice: 585, priceTick: 0.1, amountTick: 0.001, minCost: 5, dailyVol: 0.035, tradesPerSecond: 2.5, medianTradeNotional: 200, halfSpreadBps: 0.9 },
  { symbol: 'XRP/USDT', startPrice: 0.5234, priceTick: 0.0001, amountTick: 0.1, minCost: 5, dailyVol: 0.05, tradesPerSecond: 3, medianTradeNotional: 150, halfSpreadBps: 1 }
]

export const DEMO_FEES = { maker: 0.001, taker: 0.001 } as const

export function demoSpec(symbol: string): DemoSymbolSpec {
  const spec = DEMO_SYMBOLS.find((s) => s.symbol === symbol)
  if (!spec) {
    const known = DEMO_SYMBOLS.map((s) => s.symbol).join(', ')
    throw new Error(`demo market has no symbol ${symbol} (known: ${known})`)
  }
  return spec
}

/** ccxt-shaped metadata, so the execution engine treats the demo like any exchange. */
export function demoMarketInfo(spec: DemoSymbolSpec): MarketInfo {
  const [base, quote] = spec.symbol.split('/')
  return {
    exchange: DEMO_EXCHANGE_ID,
    symbol: spec.symbol,
    base,
    quote,
    active: true,
    precision: { amount: spec.amountTick, price: spec.priceTick },
    limits: {
      amount: { min: spec.amountTick, max: 9_000_000 },
      price: { min: spec.priceTick, max: 1_000_000 },
      cost: { min: spec.minCost }
    },
    maker: DEMO_FEES.maker,
    taker: DEMO_FEES.taker
  }
}
