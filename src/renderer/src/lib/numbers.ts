import type { MarketInfo } from '../../../shared/market-data'
import { decimalsOf, formatFixed } from './format'

/**
 * Display formats, one per kind of quantity, so the same number reads the same in every pane:
 * prices at the market's tick, amounts at its step, quote money with 2 decimals, fees with 4,
 * percents with 2. Rounding for orders lives in the ticket validation, not here.
 */

export const MONEY_DECIMALS = 2
export const FEE_DECIMALS = 4
const FALLBACK_PRICE_TICK = 0.01
const FALLBACK_AMOUNT_STEP = 0.00001

export const formatMoney = (value: number | undefined | null): string => formatFixed(value, MONEY_DECIMALS)
export const formatFee = (value: number | undefined | null): string => formatFixed(value, FEE_DECIMALS)

/** Signed quote money: +12.34, −0.50 (a true minus sign lines up with the plus). */
export function formatSignedMoney(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—'
  const rounded = Number(value.toFixed(MONEY_DECIMALS))
  if (rounded === 0) return formatMoney(0)
  return `${rounded > 0 ? '+' : '−'}${formatMoney(Math.abs(rounded))}`
}

/** Signed percent with two decimals: +1.23 %. */
export function formatPercentChange(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—'
  return `${value > 0 ? '+' : ''}${value.toFixed(2)} %`
}

/** Formats for one market: price by its tick, amount (base) by its step. */
export interface MarketFormat {
  price(value: number | undefined | null): string
  amount(value: number | undefined | null): string
  priceDecimals: number
  amountDecimals: number
}

const cache = new Map<string, MarketFormat>()

export function marketFormat(market: Pick<MarketInfo, 'precision'> | undefined): MarketFormat {
  const tick = market?.precision.price ?? FALLBACK_PRICE_TICK
  const step = market?.precision.amount ?? FALLBACK_AMOUNT_STEP
  const key = `${tick}/${step}`
  let f = cache.get(key)
  if (!f) {
    const priceDecimals = decimalsOf(tick)
    const amountDecimals = decimalsOf(step)
    f = { priceDecimals, amountDecimals, price: (v) => formatFixed(v, priceDecimals), amount: (v) => formatFixed(v, amountDecimals) }
    cache.set(key, f)
  }
  return f
}

/**
 * Decimals for a balance of `asset`: quote money for a quote currency, else the amount step of
 * a market that trades it as base.
 */
export function assetDecimals(asset: string, markets: Record<string, MarketInfo>): number {
  let quote = false
  for (const m of Object.values(markets)) {
    if (m.base === asset) return decimalsOf(m.precision.amount)
    if (m.quote === asset) quote = true
  }
  return quote ? MONEY_DECIMALS : decimalsOf(FALLBACK_AMOUNT_STEP)
}

export function formatAsset(value: number | undefined | null, asset: string, markets: Record<string, MarketInfo>): string {
  return formatFixed(value, assetDecimals(asset, markets))
}
