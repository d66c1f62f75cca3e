import type { MarketInfo, Side } from '../../../shared/market-data'
import { PlaceOrderParams, type OrderType, type PlaceOrderInput, type TimeInForce } from '../../../shared/trading'
import { decimalsOf } from '../lib/format'
import { formatMoney, marketFormat } from '../lib/numbers'

/**
 * The order ticket's rules, checked before anything is sent: each field must parse, sit on the
 * market's tick grid and inside its limits, the cost must clear the exchange's minimum and the
 * free balance must cover it. Pure: the ticket component only renders what this returns.
 */

export type AmountMode = 'quantity' | 'percent'
export type TrailingMode = 'amount' | 'percent'

/** What the trader typed (strings, as in the inputs). */
export interface TicketForm {
  side: Side
  type: OrderType
  amountMode: AmountMode
  amount: string
  /** % of the free balance (quote for a buy, base for a sell). */
  percent: string
  price: string
  stopPrice: string
  timeInForce: TimeInForce
  trailingMode: TrailingMode
  trailing: string
  stopLoss: string
  takeProfit: string
  stopLossLimit: string
}

export type TicketField = 'amount' | 'price' | 'stopPrice' | 'trailing' | 'stopLoss' | 'takeProfit' | 'stopLossLimit' | 'form'

export interface TicketContext {
  market: MarketInfo
  /** Free balances of the market's base and quote assets. */
  freeBase: number
  freeQuote: number
  /** Last or mid price: prices market orders and %-of-balance sizing. */
  refPrice?: number
}

export type TicketResult =
  | { ok: true; order: PlaceOrderInput; amount: number; notional: number }
  | { ok: false; errors: Partial<Record<TicketField, string>> }

/** Which price inputs each order type shows. */
export const TYPE_FIELDS: Record<OrderType, { price: 'none' | 'required' | 'optional'; stop: boolean; trailing: boolean; bracket: boolean; tif: boolean }> = {
  market: { price: 'none', stop: false, trailing: false, bracket: false, tif: false },
  limit: { price: 'required', stop: false, trailing: false, bracket: false, tif: true },
  stop_market: { price: 'none', stop: true, trailing: false, bracket: false, tif: false },
  stop_limit: { price: 'required', stop: true, trailing: false, bracket: false, tif: true },
  take_profit: { price: 'optional', stop: true, trailing: false, bracket: false, tif: true },
  trailing_stop: { price: 'none', stop: false, trailing: true, bracket: false, tif: false },
  bracket: { price: 'optional', stop: false, trailing: false, bracket: true, tif: true }
}

export const EMPTY_FORM: TicketForm = {
  side: 'buy',
  type: 'limit',
  amountMode: 'quantity',
  amount: '',
  percent: '',
  price: '',
  stopPrice: '',
  timeInForce: 'GTC',
  trailingMode: 'percent',
  trailing: '',
  stopLoss: '',
  takeProfit: '',
  stopLossLimit: ''
}

type Errors = Partial<Record<TicketField, string>>

/** True when `value` is a whole number of `tick`s (forgiving float residue). */
export function onTick(value: number, tick: number): boolean {
  const steps = value / tick
  return Math.abs(steps - Math.round(steps)) <= 1e-9 * Math.max(1, Math.abs(steps))
}

/** Rounds down to the tick grid, e.g. for sizes computed from a % of the balance. */
export function floorToTick(value: number, tick: number): number {
  const steps = Math.floor(value / tick + 1e-9)
  return Number((steps * tick).toFixed(decimalsOf(tick)))
}

/** Parses a positive decimal; records an error naming the field when it is not one. */
function readPositive(raw: string, field: TicketField, label: string, errors: Errors, required: boolean): number | undefined {
  const text = raw.trim()
  if (text === '') {
    if (required) errors[field] = `${label} is required`
    return undefined
  }
  const value = Number(text)
  if (!Number.isFinite(value)) errors[field] = `${label} must be a number`
  else if (value <= 0) errors[field] = `${label} must be positive`
  else return value
  return undefined
}

function checkPrice(value: number | undefined, field: TicketField, label: string, market: MarketInfo, errors: Errors): void {
  if (value === undefined || errors[field]) return
  const tick = market.precision.price
  const { min, max } = market.limits.price
  if (!onTick(value, tick)) errors[field] = `${label} must be a multiple of the price tick ${tick}`
  else if (min !== undefined && value < min) errors[field] = `${label} is below the minimum price ${min}`
  else if (max !== undefined && value > max) errors[field] = `${label} is above the maximum price ${max}`
}

function resolveAmount(form: TicketForm, ctx: TicketContext, price: number | undefined, errors: Errors): number | undefined {
  const { market } = ctx
  if (form.amountMode === 'percent') {
    const pct = readPositive(form.percent, 'amount', 'Percent of balance', errors, true)
    if (pct === undefined) return undefined
    if (pct > 100) {
      errors.amount = 'Percent of balance cannot exceed 100'
      return undefined
    }
    if (form.side === 'sell') return floorToTick((ctx.freeBase * pct) / 100, market.precision.amount)
    if (!price) {
      errors.amount = 'No price yet to size a % of balance; enter a quantity'
      return undefined
    }
    // Leave room for the fee, which the exchange adds to a buy's cost.
    const fee = 1 + Math.max(market.maker, market.taker, 0)
    return floorToTick((ctx.freeQuote * pct) / 100 / (price * fee), market.precision.amount)
  }
  const amount = readPositive(form.amount, 'amount', 'Amount', errors, true)
  if (amount !== undefined && !onTick(amount, market.precision.amount)) {
    errors.amount = `Amount must be a multiple of the amount step ${market.precision.amount}`
    return undefined
  }
  return amount
}

function checkAmountLimits(amount: number, notional: number | undefined, ctx: TicketContext, errors: Errors): void {
  const { market } = ctx
  const { amount: amountLimits, cost } = market.limits
  if (amount <= 0) errors.amount = 'Amount rounds to zero at this market’s precision'
  else if (amountLimits.min !== undefined && amount < amountLimits.min) errors.amount = `Amount is below the minimum ${amountLimits.min} ${market.base}`
  else if (amountLimits.max !== undefined && amount > amountLimits.max) errors.amount = `Amount is above the maximum ${amountLimits.max} ${market.base}`
  else if (notional !== undefined && cost.min !== undefined && notional < cost.min) errors.amount = `Order value ${formatMoney(notional)} ${market.quote} is below the minimum ${formatMoney(cost.min)} ${market.quote}`
  else if (notional !== undefined && cost.max !== undefined && notional > cost.max) errors.amount = `Order value is above the maximum ${cost.max} ${market.quote}`
}

function checkBalance(form: TicketForm, amount: number, notional: number | undefined, ctx: TicketContext, errors: Errors): void {
  if (errors.amount) return
  const { market } = ctx
  if (form.side === 'sell') {
    if (amount > ctx.freeBase + 1e-12) errors.amount = `Insufficient ${market.base}: need ${marketFormat(market).amount(amount)}, free ${marketFormat(market).amount(ctx.freeBase)}`
    return
  }
  if (notional === undefined) return
  const need = notional * (1 + Math.max(market.maker, market.taker, 0))
  if (need > ctx.freeQuote + 1e-9) errors.amount = `Insufficient ${market.quote}: need ${formatMoney(need)}, free ${formatMoney(ctx.freeQuote)}`
}

/** Validates the ticket and, when it passes, builds the placeOrder params. */
export function buildOrder(form: TicketForm, ctx: TicketContext): TicketResult {
  const errors: Errors = {}
  const fields = TYPE_FIELDS[form.type]
  const { market } = ctx

  const price = fields.price === 'none' ? undefined : readPositive(form.price, 'price', 'Price', errors, fields.price === 'required')
  checkPrice(price, 'price', 'Price', market, errors)
  const stopPrice = fields.stop ? readPositive(form.stopPrice, 'stopPrice', 'Trigger price', errors, true) : undefined
  checkPrice(stopPrice, 'stopPrice', 'Trigger price', market, errors)

  let trailingAmount: number | undefined
  let trailingPercent: number | undefined
  if (fields.trailing) {
    const trail = readPositive(form.trailing, 'trailing', 'Trailing distance', errors, true)
    if (trail !== undefined && form.trailingMode === 'percent') {
      if (trail >= 100) errors.trailing = 'Trailing percent must be below 100'
      else trailingPercent = trail
    } else if (trail !== undefined) {
      if (!onTick(trail, market.precision.price)) errors.trailing = `Trailing distance must be a multiple of the price tick ${market.precision.price}`
      else trailingAmount = trail
    }
  }

  let bracket: PlaceOrderInput['bracket']
  if (fields.bracket) {
    const stopLoss = readPositive(form.stopLoss, 'stopLoss', 'Stop-loss', errors, true)
    checkPrice(stopLoss, 'stopLoss', 'Stop-loss', market, errors)
    const takeProfit = readPositive(form.takeProfit, 'takeProfit', 'Take-profit', errors, true)
    checkPrice(takeProfit, 'takeProfit', 'Take-profit', market, errors)
    const stopLossLimit = readPositive(form.stopLossLimit, 'stopLossLimit', 'Stop-loss limit', errors, false)
    checkPrice(stopLossLimit, 'stopLossLimit', 'Stop-loss limit', market, errors)
    if (stopLoss !== undefined && takeProfit !== undefined) bracket = { stopLoss, takeProfit, ...(stopLossLimit !== undefined ? { stopLossLimit } : {}) }
  }

  // What one unit costs: the limit, else the trigger, else the market's last price.
  const unitPrice = price ?? stopPrice ?? ctx.refPrice
  const amount = resolveAmount(form, ctx, unitPrice, errors)
  const notional = amount !== undefined && unitPrice !== undefined ? amount * unitPrice : undefined
  if (amount !== undefined) {
    checkAmountLimits(amount, notional, ctx, errors)
    checkBalance(form, amount, notional, ctx, errors)
  }
  if (Object.keys(errors).length > 0 || amount === undefined) return { ok: false, errors }

  const order: PlaceOrderInput = {
    symbol: market.symbol,
    side: form.side,
    type: form.type,
    amount,
    ...(price !== undefined ? { price } : {}),
    ...(stopPrice !== undefined ? { stopPrice } : {}),
    ...(fields.tif && price !== undefined ? { timeInForce: form.timeInForce } : {}),
    ...(trailingAmount !== undefined ? { trailingAmount } : {}),
    ...(trailingPercent !== undefined ? { trailingPercent } : {}),
    ...(bracket ? { bracket } : {})
  }
  // The shared schema knows the cross-field rules (bracket ordering, post-only scope): ask it last.
  const parsed = PlaceOrderParams.safeParse(order)
  if (!parsed.success) return { ok: false, errors: schemaErrors(parsed.error.issues) }
  return { ok: true, order, amount, notional: notional ?? 0 }
}

const FIELD_OF_PATH: Record<string, TicketField> = {
  amount: 'amount',
  price: 'price',
  stopPrice: 'stopPrice',
  trailingAmount: 'trailing',
  trailingPercent: 'trailing',
  timeInForce: 'form',
  bracket: 'form'
}

function schemaErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Errors {
  const errors: Errors = {}
  for (const issue of issues) {
    const [head, leaf] = issue.path.map(String)
    const field: TicketField = head === 'bracket' && (leaf === 'stopLoss' || leaf === 'takeProfit' || leaf === 'stopLossLimit') ? leaf : (FIELD_OF_PATH[head] ?? 'form')
    errors[field] ??= issue.message
  }
  return errors
}
