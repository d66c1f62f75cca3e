import { describeZodError } from '../../shared/errors'
import { Side } from '../../shared/market-data'
import {
  ACCOUNT_ID_PATTERN,
  CLIENT_ORDER_ID_PATTERN,
  LEDGER_LIMITS,
  NAME_MAX_LENGTH,
  PlaceOrderParams,
  TimeInForce
} from '../../shared/trading'

/**
 * A backtest strategy's placeOrder params, checked before they reach the engine. The strategy is
 * user code running in this process, so its requests are judged as strictly as the API judges a
 * request from another process. The common shapes (market orders by amount or cost, limit orders)
 * are checked here field by field, at a fraction of the schema's cost: a request passes only if
 * PlaceOrderParams would accept it, and the result is the object the schema would give (same
 * fields, same order). Everything else (other order types, unknown or undefined fields, any
 * value this check does not accept) goes through PlaceOrderParams itself, which also words the
 * refusal.
 */

export type CheckedOrder = { ok: true; params: PlaceOrderParams } | { ok: false; reason: string }

export function checkStrategyOrder(raw: Record<string, unknown>): CheckedOrder {
  const params = commonShape(raw)
  if (params) return { ok: true, params }
  const parsed = PlaceOrderParams.safeParse(raw)
  return parsed.success ? { ok: true, params: parsed.data } : { ok: false, reason: describeZodError(parsed.error) }
}

/** Fields the common shapes may carry; any other field sends the request to the schema. */
const KNOWN = new Set(['clientOrderId', 'account', 'symbol', 'side', 'type', 'amount', 'cost', 'price', 'timeInForce'])
const SIDES: ReadonlySet<unknown> = new Set(Side.options)
const TIME_IN_FORCE: ReadonlySet<unknown> = new Set(TimeInForce.options)

/** The schema's result for a market or limit order it accepts, else undefined (not judged here). */
export function commonShape(raw: Record<string, unknown>): PlaceOrderParams | undefined {
  if (Object.getPrototypeOf(raw) !== Object.prototype) return undefined
  for (const key in raw) if (!KNOWN.has(key) || raw[key] === undefined) return undefined
  const { clientOrderId, account, symbol, side, type, amount, cost, price, timeInForce } = raw
  if (clientOrderId !== undefined && !isName(clientOrderId, CLIENT_ORDER_ID_PATTERN)) return undefined
  if (!isName(account, ACCOUNT_ID_PATTERN)) return undefined
  if (typeof symbol !== 'string' || symbol.length < 1 || symbol.length > NAME_MAX_LENGTH) return undefined
  if (!SIDES.has(side)) return undefined
  if (amount !== undefined && !isOrderNumber(amount)) return undefined
  if (cost !== undefined && !isOrderNumber(cost)) return undefined
  if (price !== undefined && !isOrderNumber(price)) return undefined
  if (type === 'market') {
    // Exactly one of amount and cost; no price, and no time in force without a limit price.
    if ((amount === undefined) === (cost === undefined) || price !== undefined || timeInForce !== undefined) return undefined
  } else if (type === 'limit') {
    if (amount === undefined || cost !== undefined || price === undefined) return undefined
    if (timeInForce !== undefined && !TIME_IN_FORCE.has(timeInForce)) return undefined
  } else {
    return undefined
  }
  // The schema's field order (its output, and the order fingerprint made from it, follow it).
  const out: Record<string, unknown> = {}
  if (clientOrderId !== undefined) out.clientOrderId = clientOrderId
  out.account = account
  out.symbol = symbol
  out.side = side
  out.type = type
  if (amount !== undefined) out.amount = amount
  if (cost !== undefined) out.cost = cost
  if (price !== undefined) out.price = price
  if (timeInForce !== undefined) out.timeInForce = timeInForce
  return out as PlaceOrderParams
}

function isName(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= NAME_MAX_LENGTH && pattern.test(value)
}

/** positiveNumber in src/shared/trading.ts: finite, > 0, at most LEDGER_LIMITS.orderNumber. */
function isOrderNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= LEDGER_LIMITS.orderNumber
}
