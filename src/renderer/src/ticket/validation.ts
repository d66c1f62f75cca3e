import type { MarketInfo, Side } from '../../../shared/market-data'
import {
  affordableAmount,
  amountBreak,
  amountOnStep,
  buyCost,
  costBreak,
  floorToStep,
  fundingFeeRate,
  priceBreak,
  priceOnTick,
  roundToStep,
  type RuleBreak
} from '../../../shared/market-rules'
import { PlaceOrderParams, type OrderType, type PlaceOrderInput, type TimeInForce } from '../../../shared/trading'

/**
 * The order ticket's side of the market rules (src/shared/market-rules, the same the exchange
 * enforces): each field must parse; prices and amounts are put on the market's grid (amounts
 * down to the step, a limit never to a worse price than typed) and the result says what changed,
 * so the trader sees exactly what is sent; then the limits, the minimum cost and the free balance
 * are checked. Pure: the ticket component only renders what this returns.
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

/** A value the ticket moved onto the grid: what was typed and what will be sent. */
export interface Adjustment {
  typed: number
  sent: number
}

export type TicketResult =
  | {
      ok: true
      order: PlaceOrderInput
      /** Base amount: exact, or for a market buy by % of balance (sized by cost) the estimate at the reference price. */
      amount: number
      notional: number
      adjusted: Partial<Record<TicketField, Adjustment>>
    }
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

type Adjusted = Partial<Record<TicketField, Adjustment>>

/** Puts `typed` on the grid with `toGrid`, noting the change. */
function onGrid(typed: number | undefined, field: TicketField, adjusted: Adjusted, toGrid: (x: number) => number): number | undefined {
  if (typed === undefined) return undefined
  const sent = toGrid(typed)
  if (sent !== typed) adjusted[field] = { typed, sent }
  return sent
}

/** The ticket's wording of a broken market rule. */
function ruleMessage(problem: RuleBreak, label: string, market: MarketInfo): string {
  const unit = problem.what === 'amount' ? ` ${market.base}` : problem.what === 'cost' ? ` ${market.quote}` : ''
  if (problem.kind === 'off_step') return `${label} must be a multiple of the ${problem.what === 'amount' ? 'amount step' : 'price tick'} ${problem.step}`
  if (problem.what === 'cost') {
    return problem.kind === 'below_min'
      ? `Order value ${problem.value.toFixed(2)}${unit} is below the minimum ${problem.limit}${unit}`
      : `Order value is above the maximum ${problem.limit}${unit}`
  }
  return `${label} is ${problem.kind === 'below_min' ? 'below' : 'above'} the ${problem.kind === 'below_min' ? 'minimum' : 'maximum'}${problem.what === 'price' ? ' price' : ''} ${problem.limit}${unit}`
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
  const problem = priceBreak(market, value)
  if (problem) errors[field] = ruleMessage(problem, label, market)
}

/** The order's size: a base amount, or for a market buy by % of balance the quote to spend. */
type Size = { amount: number; cost?: number }

function resolveSize(form: TicketForm, ctx: TicketContext, price: number | undefined, errors: Errors, adjusted: Adjusted): Size | undefined {
  const { market } = ctx
  if (form.amountMode === 'percent') {
    const pct = readPositive(form.percent, 'amount', 'Percent of balance', errors, true)
    if (pct === undefined) return undefined
    if (pct > 100) {
      errors.amount = 'Percent of balance cannot exceed 100'
      return undefined
    }
    if (form.side === 'sell') return { amount: amountOnStep(market, (ctx.freeBase * pct) / 100) }
    if (!price) {
      errors.amount = 'No price yet to size a % of balance; enter a quantity'
      return undefined
    }
    const fee = fundingFeeRate(market.maker, market.taker)
    const funds = (ctx.freeQuote * pct) / 100
    // A market buy spends the quote itself (the exchange walks the book, fee included), so 100 %
    // is exactly the balance; other orders are sized in base at their price, fee reserved.
    if (form.type === 'market') return { amount: affordableAmount(market, funds, price, market.taker), cost: floorToStep(funds, 1e-8) }
    return { amount: affordableAmount(market, funds, price, fee) }
  }
  const amount = readPositive(form.amount, 'amount', 'Amount', errors, true)
  const sent = onGrid(amount, 'amount', adjusted, (x) => amountOnStep(market, x))
  return sent === undefined ? undefined : { amount: sent }
}

function checkAmountLimits(size: Size, notional: number | undefined, unitPrice: number | undefined, ctx: TicketContext, errors: Errors): void {
  const { market } = ctx
  if (size.amount <= 0) {
    errors.amount = 'Amount rounds to zero at this market’s precision'
    return
  }
  // A cost-sized order's amount is an estimate: the exchange checks the one the book gives.
  const problem = (size.cost === undefined ? amountBreak(market, size.amount) : undefined) ?? (notional !== undefined && unitPrice !== undefined ? costBreak(market, size.amount, unitPrice) : undefined)
  if (problem) errors.amount = ruleMessage(problem, 'Amount', market)
}

function checkBalance(form: TicketForm, size: Size, notional: number | undefined, ctx: TicketContext, errors: Errors): void {
  if (errors.amount) return
  const { market } = ctx
  if (form.side === 'sell') {
    if (size.amount > ctx.freeBase + 1e-12) errors.amount = `Insufficient ${market.base}: need ${size.amount}, free ${ctx.freeBase}`
    return
  }
  if (notional === undefined) return
  const need = size.cost ?? buyCost(size.amount, notional / size.amount, fundingFeeRate(market.maker, market.taker))
  if (need > ctx.freeQuote + 1e-9) errors.amount = `Insufficient ${market.quote}: need ${need.toFixed(2)}, free ${ctx.freeQuote.toFixed(2)}`
}

/** Validates the ticket and, when it passes, builds the placeOrder params. */
export function buildOrder(form: TicketForm, ctx: TicketContext): TicketResult {
  const errors: Errors = {}
  const adjusted: Adjusted = {}
  const fields = TYPE_FIELDS[form.type]
  const { market } = ctx
  const tick = market.precision.price
  const nearest = (x: number) => roundToStep(x, tick)
  const legSide: Side = form.side === 'buy' ? 'sell' : 'buy'

  const typedPrice = fields.price === 'none' ? undefined : readPositive(form.price, 'price', 'Price', errors, fields.price === 'required')
  const price = onGrid(typedPrice, 'price', adjusted, (x) => priceOnTick(market, x, form.side))
  checkPrice(price, 'price', 'Price', market, errors)
  const typedStop = fields.stop ? readPositive(form.stopPrice, 'stopPrice', 'Trigger price', errors, true) : undefined
  const stopPrice = onGrid(typedStop, 'stopPrice', adjusted, nearest)
  checkPrice(stopPrice, 'stopPrice', 'Trigger price', market, errors)

  let trailingAmount: number | undefined
  let trailingPercent: number | undefined
  if (fields.trailing) {
    const trail = readPositive(form.trailing, 'trailing', 'Trailing distance', errors, true)
    if (trail !== undefined && form.trailingMode === 'percent') {
      if (trail >= 100) errors.trailing = 'Trailing percent must be below 100'
      else trailingPercent = trail
    } else if (trail !== undefined) {
      trailingAmount = onGrid(trail, 'trailing', adjusted, (x) => Math.max(nearest(x), tick))
    }
  }

  let bracket: PlaceOrderInput['bracket']
  if (fields.bracket) {
    const stopLoss = onGrid(readPositive(form.stopLoss, 'stopLoss', 'Stop-loss', errors, true), 'stopLoss', adjusted, nearest)
    checkPrice(stopLoss, 'stopLoss', 'Stop-loss', market, errors)
    const takeProfit = onGrid(readPositive(form.takeProfit, 'takeProfit', 'Take-profit', errors, true), 'takeProfit', adjusted, (x) => priceOnTick(market, x, legSide))
    checkPrice(takeProfit, 'takeProfit', 'Take-profit', market, errors)
    const typedLimit = readPositive(form.stopLossLimit, 'stopLossLimit', 'Stop-loss limit', errors, false)
    const stopLossLimit = onGrid(typedLimit, 'stopLossLimit', adjusted, (x) => priceOnTick(market, x, legSide))
    checkPrice(stopLossLimit, 'stopLossLimit', 'Stop-loss limit', market, errors)
    if (stopLoss !== undefined && takeProfit !== undefined) bracket = { stopLoss, takeProfit, ...(stopLossLimit !== undefined ? { stopLossLimit } : {}) }
  }

  // What one unit costs: the limit, else the trigger, else the market's last price.
  const unitPrice = price ?? stopPrice ?? ctx.refPrice
  const size = resolveSize(form, ctx, unitPrice, errors, adjusted)
  const notional = size && unitPrice !== undefined ? (size.cost !== undefined ? size.cost / (1 + market.taker) : size.amount * unitPrice) : undefined
  if (size) {
    checkAmountLimits(size, notional, unitPrice, ctx, errors)
    checkBalance(form, size, notional, ctx, errors)
  }
  if (Object.keys(errors).length > 0 || size === undefined) return { ok: false, errors }

  const order: PlaceOrderInput = {
    symbol: market.symbol,
    side: form.side,
    type: form.type,
    ...(size.cost !== undefined ? { cost: size.cost } : { amount: size.amount }),
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
  return { ok: true, order, amount: size.amount, notional: notional ?? 0, adjusted }
}

const FIELD_OF_PATH: Record<string, TicketField> = {
  amount: 'amount',
  cost: 'amount',
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
