import { z } from 'zod'
import { KeelError } from '../../shared/errors'
import { MarketInfo, OrderBook, Ticker, Trade } from '../../shared/market-data'
import { BracketSpec, Order } from '../../shared/trading'
import { parseCommand, type EngineInput, type ExchangeState, type OrderRecord } from '../exchange'
import { clientKey, marketKey, type AccountState, type EngineConfig, type MarketSnapshot } from '../exchange/state'

/**
 * The on-disk form of a recorded paper session (one JSON value per line):
 *   1. `{"t":"head", …}`      who recorded it, when, why this segment began
 *   2. `{"t":"state", …}`     the engine state the inputs apply to (exactly, books included)
 *   3. `{"t":"in","i":…}`     each input the engine applied and the journal kept, in order;
 *                             `h`: an order fetched from the journal just before it
 *   4. `{"t":"end", …}`       optional: why recording stopped (rotation, disk full, shutdown)
 * A line cut short by a crash is the end of the recording, not an error.
 */

export const RECORDING_VERSION = 1

export const SegmentStart = z.enum(['start', 'rotation', 'reload', 'resume'])
export type SegmentStart = z.infer<typeof SegmentStart>

export const HeadLine = z.object({
  t: z.literal('head'),
  v: z.literal(RECORDING_VERSION),
  session: z.string(),
  startedAt: z.number(),
  pid: z.number(),
  segment: z.number().int().min(1),
  start: SegmentStart
})
export type HeadLine = z.infer<typeof HeadLine>

const finite = z.number().finite()

const OrderRecordSchema = Order.extend({
  exchange: z.string(),
  seq: finite,
  reserved: finite,
  reserveAsset: z.string(),
  armed: z.boolean(),
  resting: z.boolean(),
  extreme: finite.optional(),
  fingerprint: z.string(),
  role: z.enum(['stop_loss', 'take_profit']).optional(),
  siblingId: z.string().optional(),
  childIds: z.array(z.string()).optional(),
  bracket: BracketSpec.optional()
})

const Balance = z.object({ free: finite, locked: finite })
const AccountSchema = z.object({
  id: z.string(),
  exchange: z.string(),
  quote: z.string(),
  fees: z.object({ maker: finite.optional(), taker: finite.optional() }),
  balances: z.record(z.string(), Balance),
  deposits: z.record(z.string(), finite),
  flows: z.record(z.string(), finite),
  positions: z.record(z.string(), z.object({ symbol: z.string(), amount: finite, avgEntry: finite, realizedPnl: finite })),
  realizedPnl: finite,
  feesPaid: finite,
  equityHistory: z.array(z.object({ t: finite, equity: finite })),
  lastEquitySampleAt: finite,
  resetAt: finite
})

const Side = z.array(z.object({ price: finite, amount: finite }))
const SnapshotBook = z.object({
  bids: Side,
  asks: Side,
  hasBook: z.boolean(),
  bid: finite.optional(),
  ask: finite.optional(),
  last: finite.optional(),
  timestamp: finite
})

const ConfigSchema = z.object({
  queueModel: z.enum(['conservative', 'optimistic']),
  defaultExchange: z.string(),
  defaultQuote: z.string(),
  defaultBalances: z.record(z.string(), finite),
  equitySampleIntervalMs: finite,
  equityHistoryLimit: finite,
  closedOrderMemory: finite,
  // Recordings from before these flags were stored come from the paper exchange, which samples
  // equity on fills and keeps the client-id index.
  equityOnFill: z.boolean().default(true),
  clientIdIndex: z.boolean().default(true)
})

export const StateLine = z.object({
  t: z.literal('state'),
  config: ConfigSchema,
  markets: z.array(MarketInfo),
  books: z.array(z.tuple([z.string(), SnapshotBook])),
  accounts: z.array(AccountSchema),
  /** In the engine's Map order (closed ones first, as loaded). */
  orders: z.array(OrderRecordSchema),
  /** Live order ids per market key, in the order the engine iterates them (time priority). */
  live: z.array(z.tuple([z.string(), z.array(z.string())])),
  closedQueue: z.array(z.string()),
  nextOrderSeq: z.number().int(),
  nextFillSeq: z.number().int()
})
export type StateLine = z.infer<typeof StateLine>

const RawInput = z.object({ kind: z.string(), at: finite.optional(), params: z.unknown().optional() }).passthrough()

export const InputLine = z.object({ t: z.literal('in'), i: RawInput, h: OrderRecordSchema.optional() })
export const EndLine = z.object({ t: z.literal('end'), at: z.number(), reason: z.string() })

/** The engine state as a line: everything apply reads, books included (they are not in the journal). */
export function snapshotState(state: ExchangeState): StateLine {
  return {
    t: 'state',
    config: state.config,
    markets: [...state.markets.values()],
    books: [...state.books],
    accounts: [...state.accounts.values()],
    orders: [...state.orders.values()],
    live: [...state.live].map(([key, set]) => [key, [...set].map((o) => o.id)]),
    closedQueue: state.closedQueue,
    nextOrderSeq: state.nextOrderSeq,
    nextFillSeq: state.nextFillSeq
  }
}

/** A fresh engine state equal to the snapshotted one (same objects shared between orders and live). */
export function restoreState(line: StateLine): ExchangeState {
  const orders = new Map<string, OrderRecord>()
  const byClientId = new Map<string, string>()
  for (const order of line.orders as OrderRecord[]) {
    orders.set(order.id, order)
    if (line.config.clientIdIndex) byClientId.set(clientKey(order.account, order.clientOrderId), order.id)
  }
  const live = new Map<string, Set<OrderRecord>>()
  for (const [key, ids] of line.live) {
    const set = new Set<OrderRecord>()
    for (const id of ids) {
      const order = orders.get(id)
      if (!order) throw new KeelError('bad_request', `recording state: live order ${id} is not among the orders`)
      set.add(order)
    }
    live.set(key, set)
  }
  return {
    config: line.config as EngineConfig,
    markets: new Map(line.markets.map((m) => [marketKey(m.exchange, m.symbol), m])),
    books: new Map(line.books as [string, MarketSnapshot][]),
    accounts: new Map((line.accounts as AccountState[]).map((a) => [a.id, a])),
    orders,
    live,
    byClientId,
    closedQueue: [...line.closedQueue],
    nextOrderSeq: line.nextOrderSeq,
    nextFillSeq: line.nextFillSeq
  }
}

/** An input line's input, parsed with the schemas of the edge it first crossed. Throws with the reason. */
export function parseRecordedInput(raw: z.infer<typeof RawInput>): EngineInput {
  switch (raw.kind) {
    case 'trade':
      return { kind: 'trade', trade: Trade.parse(raw.trade) }
    case 'book':
      return { kind: 'book', book: OrderBook.parse(raw.book) }
    case 'ticker':
      return { kind: 'ticker', ticker: Ticker.parse(raw.ticker) }
    case 'setMarkets':
      return { kind: 'setMarkets', at: finite.parse(raw.at), markets: z.array(MarketInfo).parse(raw.markets) }
    case 'placeOrder':
    case 'cancelOrder':
    case 'cancelAll':
    case 'amendOrder':
    case 'resetAccount':
      return parseCommand(raw.kind, finite.parse(raw.at), raw.params)
    default:
      throw new Error(`unknown input kind "${raw.kind}"`)
  }
}
