import { z } from 'zod'
import { Side } from './market-data'

/**
 * The paper-trading API as it crosses process boundaries (renderer/HTTP → host → execution
 * worker). Every request is parsed with these schemas before it reaches the engine, so the
 * engine can trust shapes and only has to judge the trading rules (balance, precision, limits).
 */

/**
 * Bounds on the money the API accepts, chosen so that no sum or product the ledger forms can
 * overflow and no fill can take more than it gives (docs/paper-exchange.md, "Limits"):
 * fee rates from a −0.1 % maker rebate (real exchanges pay up to about −0.03 %) to a 10 % fee,
 * takers never paid; starting balances and every order number at most 1e15.
 */
export const LEDGER_LIMITS = {
  makerFee: { min: -0.001, max: 0.1 },
  takerFee: { min: 0, max: 0.1 },
  balance: 1e15,
  orderNumber: 1e15
} as const

/** A finite, strictly positive number up to LEDGER_LIMITS.orderNumber, with messages that name the field. */
function positiveNumber(field: string) {
  return z
    .number({
      error: (issue) =>
        issue.input === undefined ? `${field} is required` : `${field} must be a finite number`
    })
    .refine((n) => n > 0, { message: `${field} must be positive` })
    .refine((n) => n <= LEDGER_LIMITS.orderNumber, { message: `${field} must be at most ${LEDGER_LIMITS.orderNumber.toExponential()}` })
}

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' })

function feeRate(which: 'maker' | 'taker') {
  const { min, max } = which === 'maker' ? LEDGER_LIMITS.makerFee : LEDGER_LIMITS.takerFee
  const percent = (x: number) => `${Number((x * 100).toPrecision(6))} %`
  return z
    .number({ error: `fees.${which} must be a finite number (a rate: 0.001 = 0.1 %)` })
    .refine((n) => n >= min && n <= max, {
      message: `fees.${which} must be between ${min} and ${max} (${percent(min)} to ${percent(max)})`
    })
}
const startingBalance = z
  .number({ error: 'balance must be a finite number' })
  .refine((n) => n >= 0, { message: 'balance must not be negative' })
  .refine((n) => n <= LEDGER_LIMITS.balance, { message: `balance must be at most ${LEDGER_LIMITS.balance.toExponential()}` })

/** Longest account, client order id and symbol name (UTF-16 units, as zod counts them). */
export const NAME_MAX_LENGTH = 64
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_.:-]+$/
export const CLIENT_ORDER_ID_PATTERN = /^[\x21-\x7e]+$/
export const AccountId = z
  .string()
  .min(1)
  .max(NAME_MAX_LENGTH)
  .regex(ACCOUNT_ID_PATTERN, 'account may contain letters, digits and _ . : - only')
export const ClientOrderId = z
  .string()
  .min(1)
  .max(NAME_MAX_LENGTH)
  .regex(CLIENT_ORDER_ID_PATTERN, 'clientOrderId must be printable ASCII without spaces')
const SymbolName = z.string().min(1).max(NAME_MAX_LENGTH)
const accountField = AccountId.default('default')

export const OrderType = z.enum([
  'market',
  'limit',
  'stop_market',
  'stop_limit',
  'take_profit',
  'trailing_stop',
  'bracket'
])
export type OrderType = z.infer<typeof OrderType>

/** GTC rests until cancelled; IOC fills what it can now; FOK all or nothing; PO = post-only. */
export const TimeInForce = z.enum(['GTC', 'IOC', 'FOK', 'PO'])
export type TimeInForce = z.infer<typeof TimeInForce>

export const BracketSpec = z.object({
  stopLoss: positiveNumber('bracket.stopLoss'),
  takeProfit: positiveNumber('bracket.takeProfit'),
  /** Limit price for the stop-loss leg; without it the stop-loss leg is a stop-market. */
  stopLossLimit: positiveNumber('bracket.stopLossLimit').optional()
})
export type BracketSpec = z.infer<typeof BracketSpec>

const PlaceOrderShape = z.object({
  clientOrderId: ClientOrderId.optional(),
  account: accountField,
  symbol: SymbolName,
  side: Side,
  type: OrderType,
  /** Base amount. Give exactly one of amount and cost. */
  amount: positiveNumber('amount').optional(),
  /** Market orders only: size by quote instead of base (like Binance quoteOrderQty). A buy spends
   * at most `cost` of the quote asset, fees included; a sell sells the least base that yields
   * `cost` net of fees. The amount is found by walking the book and sits on the lot step. */
  cost: positiveNumber('cost').optional(),
  price: positiveNumber('price').optional(),
  stopPrice: positiveNumber('stopPrice').optional(),
  timeInForce: TimeInForce.optional(),
  trailingAmount: positiveNumber('trailingAmount').optional(),
  trailingPercent: positiveNumber('trailingPercent')
    .refine((n) => n < 100, { message: 'trailingPercent must be below 100' })
    .optional(),
  bracket: BracketSpec.optional()
})
type PlaceOrderShape = z.infer<typeof PlaceOrderShape>

/** Which optional fields each order type needs or refuses. */
const FIELD_RULES: Record<
  OrderType,
  { needs: (keyof PlaceOrderShape)[]; refuses: (keyof PlaceOrderShape)[]; tif: boolean }
> = {
  market: { needs: [], refuses: ['price', 'stopPrice', 'trailingAmount', 'trailingPercent', 'bracket'], tif: false },
  limit: { needs: ['price'], refuses: ['cost', 'stopPrice', 'trailingAmount', 'trailingPercent', 'bracket'], tif: true },
  stop_market: { needs: ['stopPrice'], refuses: ['cost', 'price', 'trailingAmount', 'trailingPercent', 'bracket'], tif: false },
  stop_limit: { needs: ['stopPrice', 'price'], refuses: ['cost', 'trailingAmount', 'trailingPercent', 'bracket'], tif: true },
  take_profit: { needs: ['stopPrice'], refuses: ['cost', 'trailingAmount', 'trailingPercent', 'bracket'], tif: true },
  trailing_stop: { needs: [], refuses: ['cost', 'price', 'stopPrice', 'bracket'], tif: false },
  bracket: { needs: ['bracket'], refuses: ['cost', 'stopPrice', 'trailingAmount', 'trailingPercent'], tif: true }
}

function checkOrderShape(order: PlaceOrderShape, ctx: z.RefinementCtx): void {
  const rules = FIELD_RULES[order.type]
  const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
  if ((order.amount === undefined) === (order.cost === undefined) && !rules.refuses.includes('cost')) {
    fail('amount', order.amount === undefined ? 'amount or cost is required' : 'give amount or cost, not both')
  } else if (order.amount === undefined && rules.refuses.includes('cost')) fail('amount', 'amount is required')
  for (const field of rules.needs) {
    if (order[field] === undefined) fail(field, `${field} is required for ${order.type} orders`)
  }
  for (const field of rules.refuses) {
    if (order[field] !== undefined) fail(field, `${field} is not allowed on ${order.type} orders`)
  }
  const limitPriced = order.price !== undefined || order.type === 'limit' || order.type === 'stop_limit'
  if (order.timeInForce !== undefined && !(rules.tif && limitPriced)) {
    fail('timeInForce', 'timeInForce applies only to orders with a limit price')
  }
  if (order.timeInForce === 'PO' && order.type !== 'limit' && order.type !== 'bracket') {
    fail('timeInForce', 'post-only (PO) applies only to limit and bracket entry orders')
  }
  if (order.type === 'trailing_stop' && (order.trailingAmount === undefined) === (order.trailingPercent === undefined)) {
    fail('trailingAmount', 'trailing_stop needs exactly one of trailingAmount or trailingPercent')
  }
  if (order.type === 'bracket' && order.bracket) checkBracketPrices(order, order.bracket, fail)
}

function checkBracketPrices(
  order: PlaceOrderShape,
  bracket: BracketSpec,
  fail: (path: string, message: string) => void
): void {
  const { stopLoss, takeProfit } = bracket
  const long = order.side === 'buy'
  if (long ? stopLoss >= takeProfit : stopLoss <= takeProfit) {
    fail('bracket', `a ${order.side} bracket needs stopLoss ${long ? 'below' : 'above'} takeProfit`)
  }
  if (order.price !== undefined) {
    const entry = order.price
    const ordered = long ? stopLoss < entry && entry < takeProfit : takeProfit < entry && entry < stopLoss
    if (!ordered) {
      fail('bracket', `a ${order.side} bracket needs ${long ? 'stopLoss < price < takeProfit' : 'takeProfit < price < stopLoss'}`)
    }
  }
}

export const PlaceOrderParams = PlaceOrderShape.superRefine(checkOrderShape)
export type PlaceOrderParams = z.output<typeof PlaceOrderParams>
export type PlaceOrderInput = z.input<typeof PlaceOrderParams>

const orderRef = {
  account: accountField,
  orderId: z.string().min(1).max(64).optional(),
  clientOrderId: ClientOrderId.optional()
}
const needsOneRef = (p: { orderId?: string; clientOrderId?: string }) =>
  p.orderId !== undefined || p.clientOrderId !== undefined
const oneRefMessage = { message: 'orderId or clientOrderId is required', path: ['orderId'] }

export const CancelOrderParams = z.object(orderRef).refine(needsOneRef, oneRefMessage)
export type CancelOrderParams = z.output<typeof CancelOrderParams>

export const CancelAllParams = z.object({ account: accountField, symbol: SymbolName.optional() })
export type CancelAllParams = z.output<typeof CancelAllParams>

export const AmendOrderParams = z
  .object({
    ...orderRef,
    price: positiveNumber('price').optional(),
    amount: positiveNumber('amount').optional(),
    /** Trigger price of a pending stop / take-profit order. */
    stopPrice: positiveNumber('stopPrice').optional()
  })
  .refine(needsOneRef, oneRefMessage)
  .refine((p) => p.price !== undefined || p.amount !== undefined || p.stopPrice !== undefined, {
    message: 'nothing to amend: give price, amount or stopPrice',
    path: ['price']
  })
export type AmendOrderParams = z.output<typeof AmendOrderParams>

const paging = {
  account: accountField,
  symbol: SymbolName.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** Opaque: pass back the nextCursor of the previous page. */
  cursor: z.string().regex(/^\d+$/, 'cursor must be a value returned as nextCursor').optional()
}
export const OrderListStatus = z.enum(['open', 'closed', 'all'])
export const ListOrdersParams = z.object({ ...paging, status: OrderListStatus.default('all') })
export type ListOrdersParams = z.output<typeof ListOrdersParams>
export const ListFillsParams = z.object({ ...paging, orderId: z.string().min(1).optional() })
export type ListFillsParams = z.output<typeof ListFillsParams>

export const AccountParams = z.object({ account: accountField })
export type AccountParams = z.output<typeof AccountParams>

const assetName = z.string().min(1).max(32).regex(/^[A-Za-z0-9._-]+$/, 'asset names are letters and digits')
export const ResetAccountParams = z.object({
  account: accountField,
  /** Starting balances, 0 to 1e15 per asset, at most 100 assets; default: the engine's default (e.g. 10,000 USDT). */
  balances: z
    .record(assetName, startingBalance)
    .refine((b) => Object.keys(b).length <= 100, { message: 'at most 100 assets' })
    .optional(),
  /** Which exchange's markets the account trades; default: the account name if it is an exchange, else the default exchange. */
  exchange: z.string().min(1).max(64).optional(),
  /** Asset that equity and PnL are measured in (default USDT). */
  quote: assetName.optional(),
  /** Per-account fee rates overriding the market's: maker −0.001 to 0.1 (rebates allowed), taker 0 to 0.1. */
  fees: z.object({ maker: feeRate('maker').optional(), taker: feeRate('taker').optional() }).strict().optional()
})
export type ResetAccountParams = z.output<typeof ResetAccountParams>

// ---- results -------------------------------------------------------------------------------

export const OrderStatus = z.enum([
  'open',
  'pending', // an untriggered stop / take-profit / trailing stop, or a bracket leg waiting for its entry
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired'
])
export type OrderStatus = z.infer<typeof OrderStatus>
export const LIVE_STATUSES: readonly OrderStatus[] = ['open', 'pending', 'partially_filled']

export const Order = z.object({
  id: z.string(),
  clientOrderId: z.string(),
  account: z.string(),
  symbol: z.string(),
  side: Side,
  type: OrderType,
  status: OrderStatus,
  timeInForce: TimeInForce.optional(),
  amount: finite,
  filled: finite,
  remaining: finite,
  price: finite.optional(),
  /** Trigger price; for a trailing stop, the current trigger (moves with the best price). */
  stopPrice: finite.optional(),
  trailingAmount: finite.optional(),
  trailingPercent: finite.optional(),
  bracket: BracketSpec.optional(),
  avgFillPrice: finite.optional(),
  /** Filled notional in the quote asset. */
  cost: finite,
  /** Fees paid on this order's fills, in the quote asset. */
  fees: finite,
  /** Why the order was cancelled, rejected or expired. */
  reason: z.string().optional(),
  /** The quote a market order was sized by (placeOrder `cost`); `amount` is what it bought the right to. */
  quoteOrderQty: finite.optional(),
  parentId: z.string().optional(),
  ocoGroupId: z.string().optional(),
  triggeredAt: finite.optional(),
  createdAt: finite,
  updatedAt: finite
})
export type Order = z.infer<typeof Order>

export const Liquidity = z.enum(['maker', 'taker'])
export type Liquidity = z.infer<typeof Liquidity>

export const Fill = z.object({
  id: z.string(),
  orderId: z.string(),
  clientOrderId: z.string(),
  account: z.string(),
  symbol: z.string(),
  side: Side,
  price: finite,
  amount: finite,
  cost: finite,
  fee: finite,
  feeAsset: z.string(),
  liquidity: Liquidity,
  /** Mid price when the fill happened; absent when no book or quote was known. */
  mid: finite.optional(),
  /** How much worse than the mid (positive = paid more / received less), in price units. */
  slippage: finite.optional(),
  slippageBps: finite.optional(),
  timestamp: finite
})
export type Fill = z.infer<typeof Fill>

export const Balance = z.object({ asset: z.string(), free: finite, locked: finite, total: finite })
export type Balance = z.infer<typeof Balance>

export const Position = z.object({
  symbol: z.string(),
  amount: finite,
  avgEntry: finite,
  realizedPnl: finite,
  unrealizedPnl: finite,
  mark: finite.optional()
})
export type Position = z.infer<typeof Position>

export const EquitySample = z.object({ t: finite, equity: finite })
export type EquitySample = z.infer<typeof EquitySample>

export const AccountSummary = z.object({
  account: z.string(),
  exchange: z.string(),
  quote: z.string(),
  equity: finite,
  cash: finite,
  /** Value at mark of every non-quote holding (bought here or deposited). */
  positionsValue: finite,
  realizedPnl: finite,
  unrealizedPnl: finite,
  feesPaid: finite,
  equityHistory: z.array(EquitySample).optional(),
  /** When the account was last reset (or opened), ms. */
  resetAt: finite.optional(),
  /** What that reset deposited, valued at current marks: equity − startingEquity is the net PnL since. */
  startingEquity: finite.optional(),
  /** The reset's deposits per asset. */
  startingBalances: z.record(z.string(), finite).optional()
})
export type AccountSummary = z.infer<typeof AccountSummary>

export const ListOrdersResult = z.object({ orders: z.array(Order), nextCursor: z.string().optional() })
export type ListOrdersResult = z.infer<typeof ListOrdersResult>
export const ListFillsResult = z.object({ fills: z.array(Fill), nextCursor: z.string().optional() })
export type ListFillsResult = z.infer<typeof ListFillsResult>
export const CancelAllResult = z.object({ cancelled: z.array(Order) })
export type CancelAllResult = z.infer<typeof CancelAllResult>

// ---- events (server push) ------------------------------------------------------------------

export const OrderUpdated = z.object({ account: z.string(), order: Order })
export type OrderUpdated = z.infer<typeof OrderUpdated>
export const FillCreated = z.object({ account: z.string(), fill: Fill })
export type FillCreated = z.infer<typeof FillCreated>
export const BalanceChanged = z.object({ account: z.string(), balance: Balance })
export type BalanceChanged = z.infer<typeof BalanceChanged>
