import { z } from 'zod'
import { ClosedTrade, FillModel, IntrabarOrder, ParamValues } from './backtest'
import { Side, Timeframe } from './market-data'
import { Fill, Liquidity, OrderType } from './trading'

/**
 * Paper vs backtest (docs/backtesting.md "Paper vs backtest"): recorded paper sessions, their
 * faithful replay through a fresh engine, and the same orders run over candles of the period.
 */

const finite = z.number().finite()

export const RecordingId = z
  .string()
  .regex(/^session-\d+-\d+-\d+$/, 'a recording id looks like session-<time>-<pid>-<segment>')

export const RecordingInfo = z.object({
  id: z.string(),
  /** One execution worker's lifetime; its segments are numbered from 1. */
  session: z.string(),
  segment: z.number().int(),
  startedAt: finite,
  lastWriteAt: finite,
  bytes: z.number().int().nonnegative(),
  /** Why the segment began: start (worker started), rotation (size cap), reload, resume (disk back). */
  start: z.string()
})
export type RecordingInfo = z.infer<typeof RecordingInfo>

/** The execution worker's recorder now. */
export const RecorderStatus = z.object({
  recording: z.boolean(),
  /** Why it is not recording (off, or a failed write: disk full, read-only…), when it is not. */
  stopped: z.string().optional(),
  /** The segment being written. */
  file: z.string().optional(),
  /** Bytes in that segment so far. */
  bytes: z.number().int().nonnegative(),
  /** The cap on all segments together (KEEL_RECORDING_MB), and the size at which a segment rotates. */
  maxBytes: z.number().int().nonnegative(),
  segmentBytes: z.number().int().nonnegative()
})
export type RecorderStatus = z.infer<typeof RecorderStatus>

export const ListRecordingsParams = z.object({}).strict().default({})
export const ListRecordingsResult = z.object({ recordings: z.array(RecordingInfo) })

export const CompareReplayParams = z
  .object({
    id: RecordingId,
    /** Candles built from the recorded trades for the candle-based run. */
    timeframe: Timeframe.default('1m'),
    fill: FillModel.default('book'),
    intrabar: IntrabarOrder.default('pessimistic'),
    /** Only this account's orders (default: every account that traded). */
    account: z.string().min(1).max(64).optional(),
    /** Also run this strategy (a built-in; files only from the CLI) over the candles and compare its
     * round trips with the account's (the bot's) live ones. Needs `account`. */
    strategy: z.string().min(1).max(500).optional(),
    params: ParamValues.default({}),
    /** The market the strategy trades (default: the one the account traded). */
    symbol: z.string().min(3).max(64).optional(),
    /** Candles for the strategy run: the recording's trades (default) or a backtest data spec
     * (e.g. demo:BTC/USDT:1m, exchange:SYMBOL:tf from market.db) — the history a live bot warms up on. */
    data: z.string().min(1).max(500).optional(),
    /** Candles before the recording's first input the strategy warms up on (with `data`). */
    warmup: z.number().int().min(0).max(100_000).optional()
  })
  .strict()
  .refine((p) => p.strategy === undefined || p.account !== undefined, { message: 'a strategy comparison needs the bot\'s account', path: ['account'] })
export type CompareReplayParams = z.output<typeof CompareReplayParams>

const FieldValue = z.union([z.string(), z.number()]).optional()
export const FillDifference = z.object({ fillId: z.string(), field: z.string(), live: FieldValue, replay: FieldValue })
export type FillDifference = z.infer<typeof FillDifference>

export const FaithfulReplay = z.object({
  inputs: z.number().int(),
  fills: z.array(Fill),
  /** Live fills (from the journal) this recording covers, compared field by field. */
  live: z.object({ checked: z.boolean(), fills: z.number().int(), matched: z.number().int() }),
  differences: z.array(FillDifference),
  onlyLive: z.array(z.string()),
  onlyReplay: z.array(z.string()),
  /** Inputs that replayed differently from their recording's expectations (engine refused, rolled back). */
  problems: z.array(z.string())
})
export type FaithfulReplay = z.infer<typeof FaithfulReplay>

export const ReasonCode = z.enum([
  'same',
  'next_open',
  'book_walk',
  'intrabar_path',
  'gap_open',
  'timing',
  'not_touched',
  'touch_only',
  'partial_volume',
  'fee',
  'cancelled_first',
  'candle_only',
  'rejected',
  'after_data',
  'start_balance',
  'not_comparable',
  'live_only',
  'backtest_only'
])
export type ReasonCode = z.infer<typeof ReasonCode>

export const Reason = z.object({ code: ReasonCode, message: z.string() })
export type Reason = z.infer<typeof Reason>

export const FillSummary = z.object({
  /** Volume-weighted average price. */
  price: finite,
  amount: finite,
  fee: finite,
  firstAt: finite,
  lastAt: finite,
  liquidity: z.union([Liquidity, z.literal('mixed')]),
  fills: z.number().int()
})
export type FillSummary = z.infer<typeof FillSummary>

export const OrderComparison = z.object({
  orderId: z.string(),
  clientOrderId: z.string(),
  side: Side,
  type: OrderType,
  placedAt: finite,
  amount: finite,
  price: finite.optional(),
  /** Fills of the recorded tick session (the live paper session, replayed). */
  tick: FillSummary.nullable(),
  /** Fills of the same order in the candle-based backtest. */
  candle: FillSummary.nullable(),
  /** candle − tick, where both filled. */
  diff: z.object({ price: finite, amount: finite, timeMs: finite, fee: finite }).nullable(),
  reasons: z.array(Reason)
})
export type OrderComparison = z.infer<typeof OrderComparison>

export const CandleComparison = z.object({
  account: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  fill: FillModel,
  intrabar: IntrabarOrder,
  candles: z.number().int(),
  /** Where the candles came from (recorded trades, or tickers when no trade was recorded). */
  source: z.string(),
  cash: finite,
  orders: z.array(OrderComparison),
  /** Trade counts by reason code. */
  summary: z.record(z.string(), z.number().int())
})
export type CandleComparison = z.infer<typeof CandleComparison>

export const TradeComparison = z.object({
  /** The round trip the account made on the recorded ticks. */
  live: ClosedTrade.nullable(),
  /** The strategy's round trip over candles, paired by entry time. */
  backtest: ClosedTrade.nullable(),
  /** backtest − live, where both exist. */
  diff: z.object({ entryPrice: finite, exitPrice: finite, entryTimeMs: finite, exitTimeMs: finite, size: finite, pnl: finite }).nullable(),
  reasons: z.array(Reason)
})
export type TradeComparison = z.infer<typeof TradeComparison>

export const StrategyComparison = z.object({
  strategy: z.string(),
  params: ParamValues,
  account: z.string(),
  symbol: z.string(),
  candles: z.number().int(),
  source: z.string(),
  trades: z.array(TradeComparison),
  /** Round trips still open at the end (live, backtest). */
  open: z.object({ live: z.number().int(), backtest: z.number().int() }),
  summary: z.record(z.string(), z.number().int())
})
export type StrategyComparison = z.infer<typeof StrategyComparison>

export const ReplayReport = z.object({
  recording: z.object({
    id: z.string(),
    from: finite,
    to: finite,
    inputs: z.number().int(),
    truncated: z.boolean(),
    end: z.object({ at: finite, reason: z.string() }).optional()
  }),
  faithful: FaithfulReplay,
  candles: z.array(CandleComparison),
  strategy: StrategyComparison.optional()
})
export type ReplayReport = z.infer<typeof ReplayReport>
