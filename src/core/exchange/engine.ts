import type { MarketInfo, OrderBook, Ticker, Trade } from '../../shared/market-data'
import { KeelError, type ErrorBody } from '../../shared/errors'
import type {
  AccountSummary,
  AmendOrderParams,
  CancelAllParams,
  CancelAllResult,
  CancelOrderParams,
  Order,
  PlaceOrderParams,
  ResetAccountParams
} from '../../shared/trading'
import { resetAccount } from './accounts'
import { applyBook, applyTicker } from './book'
import { indexLive, rememberClosed } from './lifecycle'
import { amendOrder, cancelAll, cancelMatching, cancelOrder, placeOrder } from './orders'
import { clientKey, isLive, marketKey, type ExchangeState, type OrderRecord } from './state'
import { onTrade } from './triggers'
import { Tx, type Effect } from './tx'
import { summarize } from './valuation'

/**
 * The paper exchange as a deterministic state machine: `apply(state, input)` takes one command
 * or market event, changes `state`, and returns the reply plus the effects to persist and
 * publish. No clock, no randomness, no I/O: time is `at` on commands and the timestamp on
 * market events, ids come from sequences. Replaying the same inputs gives the same state.
 */

/** Params of each command, as parsed at the process edge with the API's schemas (src/shared/trading.ts). */
export interface CommandParams {
  placeOrder: PlaceOrderParams
  cancelOrder: CancelOrderParams
  cancelAll: CancelAllParams
  amendOrder: AmendOrderParams
  resetAccount: ResetAccountParams
}
export type CommandKind = keyof CommandParams

/** What each command answers when it succeeds. */
export interface CommandReplies {
  placeOrder: Order
  cancelOrder: Order
  cancelAll: CancelAllResult
  amendOrder: Order
  resetAccount: AccountSummary
  setMarkets: { markets: number }
}

/** Commands carry parsed params: the engine trusts shapes and judges only the trading rules. */
export type Command =
  | { [K in CommandKind]: { kind: K; at: number; params: CommandParams[K] } }[CommandKind]
  | { kind: 'setMarkets'; at: number; markets: MarketInfo[] }

/** Market events carry data already parsed at the process boundary. */
export type MarketEvent =
  | { kind: 'trade'; trade: Trade }
  | { kind: 'book'; book: OrderBook }
  | { kind: 'ticker'; ticker: Ticker }

export type EngineInput = Command | MarketEvent

export type ReplyValue = CommandReplies[keyof CommandReplies] | null
export type Reply = { ok: true; value: ReplyValue } | { ok: false; error: ErrorBody }

export interface ApplyOptions {
  /** 'fills': the effects list holds only fillCreated (the caller persists nothing and tells no
   * client; building every order copy and balance record would be wasted). Default 'all'. */
  effects?: 'all' | 'fills'
}

export interface ApplyResult {
  reply: Reply
  effects: Effect[]
  /** The input failed after it had begun changing the state: discard the state and reload it
   * (an engine bug, or the ledger guard refusing an unsound result). Nothing of it may be kept. */
  rollback?: true
}

export const isCommand = (input: EngineInput): input is Command =>
  input.kind !== 'trade' && input.kind !== 'book' && input.kind !== 'ticker'

export function inputTime(input: EngineInput): number {
  switch (input.kind) {
    case 'trade':
      return input.trade.timestamp
    case 'book':
      return input.book.timestamp
    case 'ticker':
      return input.ticker.timestamp
    default:
      return input.at
  }
}

/** OrderRecord's bookkeeping fields, not part of the public Order (all of them: the type says so). */
const INTERNAL: Record<Exclude<keyof OrderRecord, keyof Order>, true> = {
  exchange: true,
  seq: true,
  reserved: true,
  reserveAsset: true,
  armed: true,
  resting: true,
  extreme: true,
  fingerprint: true,
  role: true,
  siblingId: true,
  childIds: true
}
const INTERNAL_FIELDS: ReadonlySet<string> = new Set(Object.keys(INTERNAL))

/** The public view of an order (internal bookkeeping stripped), fields in the record's order.
 * A copy loop: a rest pattern excluding eleven names costs several times as much per order. */
export function toPublicOrder(order: OrderRecord): Order {
  const pub: Record<string, unknown> = {}
  for (const field in order) if (!INTERNAL_FIELDS.has(field)) pub[field] = order[field as keyof OrderRecord]
  return pub as unknown as Order
}

function run(tx: Tx, input: EngineInput): ReplyValue {
  switch (input.kind) {
    case 'placeOrder':
      return toPublicOrder(placeOrder(tx, input.params))
    case 'cancelOrder':
      return toPublicOrder(cancelOrder(tx, input.params))
    case 'cancelAll':
      return { cancelled: cancelAll(tx, input.params).map(toPublicOrder) }
    case 'amendOrder':
      return toPublicOrder(amendOrder(tx, input.params))
    case 'resetAccount':
      cancelMatching(tx, input.params.account, 'account reset')
      return summarize(tx.state, resetAccount(tx, input.params))
    case 'setMarkets':
      return { markets: setMarkets(tx, input.markets) }
    case 'trade':
      onTrade(tx, input.trade)
      return null
    case 'book':
      applyBook(tx.state, input.book)
      return null
    case 'ticker':
      applyTicker(tx.state, input.ticker)
      return null
  }
}

function setMarkets(tx: Tx, markets: MarketInfo[]): number {
  for (const market of markets) tx.state.markets.set(marketKey(market.exchange, market.symbol), market)
  tx.marketsChanged(markets)
  return markets.length
}

/**
 * Applies one input. Never throws: refusals come back as an error reply (with no state change).
 * A reply with `rollback` means the state was changed part-way (an engine bug, or the ledger
 * guard found a balance or answer that is negative, NaN or infinite); the caller discards the
 * state and reloads it (the executor does), so nothing of that input is committed.
 */
export function apply(state: ExchangeState, input: EngineInput, options: ApplyOptions = {}): ApplyResult {
  const tx = new Tx(state, inputTime(input), options.effects === 'fills')
  try {
    const value = run(tx, input)
    const unsound = tx.unsoundBalance() ?? unsoundReply(value)
    const effects = tx.effects()
    if (unsound !== undefined) {
      return { reply: { ok: false, error: { code: 'rejected', message: `${input.kind} refused: ${unsound}` } }, effects: [], rollback: true }
    }
    return { reply: { ok: true, value }, effects }
  } catch (err) {
    const error = KeelError.from(err)
    if (error.code === 'internal') return { reply: { ok: false, error: error.toBody() }, effects: [], rollback: true }
    return { reply: { ok: false, error: error.toBody() }, effects: tx.effects() }
  }
}

/** Every number in the answer is finite (the host refuses to send anything else, after the commit). */
function unsoundReply(value: ReplyValue): string | undefined {
  if (value === null) return undefined
  const records: object[] = 'cancelled' in value ? value.cancelled : [value]
  for (const record of records) {
    for (const field in record) {
      const x = (record as Record<string, unknown>)[field]
      if (typeof x === 'number' && !Number.isFinite(x)) return `its ${field} would be ${x}`
    }
  }
  return undefined
}

/** Puts an order loaded from storage back into memory (open orders, or a closed one needed to
 * answer an idempotent re-send). */
export function hydrateOrder(state: ExchangeState, order: OrderRecord): void {
  if (state.orders.has(order.id)) return
  state.orders.set(order.id, order)
  if (state.config.clientIdIndex) state.byClientId.set(clientKey(order.account, order.clientOrderId), order.id)
  if (isLive(order)) indexLive(state, order)
  else rememberClosed(state, order)
}
