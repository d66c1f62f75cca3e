import { z } from 'zod'
import { Timeframe } from './market-data'
import { LEDGER_LIMITS } from './trading'

/**
 * Backtests as they cross process boundaries (CLI → worker threads, API → the worker that runs
 * them, results → clients). src/core/backtest runs them; this file only says what they are.
 */

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' })
const positive = finite.refine((n) => n > 0, { message: 'must be positive' })
const share = finite.refine((n) => n > 0 && n <= 1, { message: 'must be in (0, 1]' })
const nonNegative = finite.refine((n) => n >= 0, { message: 'must not be negative' })

/** How the price moves inside a candle between its open and its close. */
export const IntrabarOrder = z.enum([
  /** Against the account: low first while long (stops before targets), high first while flat (entries, then the drop). */
  'pessimistic',
  /** By the candle's colour: a rising candle goes open → low → high → close, a falling one open → high → low → close. */
  'direction',
  'high-first',
  'low-first'
])
export type IntrabarOrder = z.infer<typeof IntrabarOrder>

/** book: market orders walk a synthetic book built from the candle's volume.
 * next-open: market orders fill wholly at the price of the moment (the next open, or a stop's trigger), like bar-based backtesters. */
export const FillModel = z.enum(['book', 'next-open'])
export type FillModel = z.infer<typeof FillModel>

/** The synthetic market built from each candle's volume. */
export const DepthConfig = z.object({
  /** Base quoted on each side of the book, as a share of the candle's volume. */
  bookShare: share.default(0.25),
  /** Price levels per side; the quoted base is spread evenly over them. */
  levels: z.number().int().min(1).max(100).default(10),
  /** Distance between levels, in basis points of the price. */
  levelBps: nonNegative.default(5),
  /** Half the bid-ask spread, in basis points of the price. */
  halfSpreadBps: nonNegative.default(2),
  /** Share of the candle's volume that resting limit orders may fill from (spread over the intrabar path). */
  tradeShare: share.default(0.25)
})
export type DepthConfig = z.infer<typeof DepthConfig>

export const ParamValue = z.union([finite, z.boolean(), z.string()])
export const ParamValues = z.record(z.string(), ParamValue)

export const BacktestConfig = z.object({
  /** "BASE/QUOTE"; the quote is the cash asset. */
  symbol: z
    .string()
    .regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'symbol must look like BASE/QUOTE')
    .default('BTC/USDT'),
  timeframe: Timeframe.default('1m'),
  /** Starting cash in the quote asset, at most the paper exchange's largest balance. */
  cash: positive
    .refine((n) => n <= LEDGER_LIMITS.balance, { message: `must be at most ${LEDGER_LIMITS.balance.toExponential()} (the paper exchange's largest balance)` })
    .default(10_000),
  /** Fee rate charged on the notional of every fill (taker and maker unless makerFee is given). */
  fee: finite.refine((n) => n >= 0 && n < 0.5, { message: 'must be in [0, 0.5)' }).default(0.001),
  makerFee: finite.refine((n) => n > -0.01 && n < 0.5, { message: 'must be in (-0.01, 0.5)' }).optional(),
  /** Amount step (precision) of the base asset: 1 means whole units. */
  amountStep: positive.default(1e-8),
  /** Price tick of the market. */
  priceTick: positive.default(1e-8),
  fill: FillModel.default('book'),
  intrabar: IntrabarOrder.default('pessimistic'),
  queueModel: z.enum(['conservative', 'optimistic']).default('conservative'),
  depth: DepthConfig.default(DepthConfig.parse({})),
  /** Candles before the first onCandle call; default: the strategy's `warmup`. */
  warmup: z.number().int().min(0).optional(),
  /** Send price events to the engine while the account has no live order. They change nothing
   * there (no order to trigger or fill), so they are skipped by default; on, for measuring. */
  feedIdle: z.boolean().default(false)
})
export type BacktestConfig = z.output<typeof BacktestConfig>
export type BacktestConfigInput = z.input<typeof BacktestConfig>

export const ClosedTrade = z.object({
  entryTime: finite,
  exitTime: finite,
  /** Volume-weighted average of the buy fills. */
  entryPrice: finite,
  /** Volume-weighted average of the sell fills. */
  exitPrice: finite,
  /** Base bought over the round trip. */
  size: finite,
  /** Sell proceeds − buy cost − every fee of the round trip, in the quote asset. */
  pnl: finite,
  /** pnl as a percentage of what the entry cost (buy notional + its fees). */
  returnPct: finite,
  fees: finite
})
export type ClosedTrade = z.infer<typeof ClosedTrade>

export const OpenTrade = z.object({
  entryTime: finite,
  entryPrice: finite,
  size: finite,
  /** The last close: the price the position is marked at. */
  markPrice: finite,
  /** Value at the mark − entry cost − fees paid so far (no exit fee charged). */
  unrealizedPnl: finite,
  returnPct: finite,
  fees: finite
})
export type OpenTrade = z.infer<typeof OpenTrade>

/** Ratios that have no value for a run (no losing trade, no volatility) are null. */
const ratio = finite.nullable()

export const BacktestMetrics = z.object({
  startEquity: finite,
  endEquity: finite,
  /** Fractions (0.1 = 10 %). */
  totalReturn: finite,
  cagr: ratio,
  maxDrawdown: finite,
  /** Annualised from per-candle returns (24/7 market, risk-free rate 0). */
  sharpe: ratio,
  sortino: ratio,
  calmar: ratio,
  winRate: ratio,
  profitFactor: ratio,
  /** Share of candles that closed with a position. */
  exposure: finite,
  feesPaid: finite,
  trades: z.number().int(),
  /** Mean net pnl per closed trade, quote asset. */
  averageTrade: ratio,
  averageReturnPct: ratio
})
export type BacktestMetrics = z.infer<typeof BacktestMetrics>

export const CandleGapInfo = z.object({ from: finite, to: finite, missing: z.number().int() })

export const DataInfo = z.object({
  /** What was asked for: a CSV path, exchange:symbol:timeframe, or demo:symbol:timeframe. */
  source: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  from: finite,
  to: finite,
  candles: z.number().int(),
  gaps: z.array(CandleGapInfo)
})
export type DataInfo = z.infer<typeof DataInfo>

export const Rejection = z.object({ time: finite, request: z.string(), reason: z.string() })
export const LogLine = z.object({ time: finite, level: z.enum(['info', 'warn', 'error']), message: z.string() })

export const BacktestReport = z.object({
  strategy: z.object({ name: z.string(), params: ParamValues }),
  config: BacktestConfig,
  data: DataInfo,
  trades: z.array(ClosedTrade),
  openTrades: z.array(OpenTrade),
  /** Per candle, at its close: time (the candle's open time), equity (quote), drawdown (fraction ≤ 0). */
  curve: z.object({ time: z.array(finite), equity: z.array(finite), drawdown: z.array(finite) }),
  metrics: BacktestMetrics,
  orders: z.object({ placed: z.number().int(), fills: z.number().int(), rejected: z.array(Rejection) }),
  log: z.array(LogLine),
  /** Engine inputs applied (price events, books, commands). */
  engineInputs: z.number().int(),
  elapsedMs: finite
})
export type BacktestReport = z.infer<typeof BacktestReport>

/** One backtest as asked for: everything needed to run it again, serializable (CLI, API, sweep tasks). */
export const BacktestRequest = z.object({
  /** A built-in id (`sma-cross` or `builtin:sma-cross`) or a strategy file path. */
  strategy: z.string().min(1).max(4096),
  params: z.record(z.string(), ParamValue).default({}),
  /** A CSV path, `exchange:SYMBOL:timeframe` (market.db) or `demo:SYMBOL:timeframe`. */
  data: z.string().min(1).max(4096),
  from: finite.optional(),
  to: finite.optional(),
  /** Settings; symbol and timeframe come from the data unless a CSV needs them named. */
  config: BacktestConfig.partial().default({})
})
export type BacktestRequest = z.output<typeof BacktestRequest>
export type BacktestRequestInput = z.input<typeof BacktestRequest>

/** A stored run as lists show it (the full report is fetched by id). */
export const BacktestSummary = z.object({
  id: z.number().int(),
  createdAt: finite,
  strategy: z.string(),
  strategyName: z.string(),
  params: ParamValues,
  data: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  from: finite,
  to: finite,
  candles: z.number().int(),
  cash: finite,
  metrics: BacktestMetrics,
  sweepId: z.number().int().nullable()
})
export type BacktestSummary = z.infer<typeof BacktestSummary>

// ── sweeps and walk-forward ──

/** A metric a sweep ranks by (higher is better, except maxDrawdown which is minimised). */
export const Objective = z.enum(['sharpe', 'sortino', 'calmar', 'totalReturn', 'cagr', 'profitFactor', 'winRate', 'maxDrawdown'])
export type Objective = z.infer<typeof Objective>

/** Values to try for one param: a list, or a numeric range (inclusive) with a step. */
export const ParamAxis = z.union([
  z.array(ParamValue).min(1).max(10_000),
  z.object({ min: finite, max: finite, step: positive }).refine((r) => r.max >= r.min, { message: 'max must be ≥ min' })
])
export type ParamAxis = z.infer<typeof ParamAxis>

export const SweepSpec = z.object({
  /** Everything but the swept params: strategy, data, range, settings, fixed params. */
  base: BacktestRequest,
  mode: z.enum(['grid', 'random']).default('grid'),
  /** grid: every combination of the axes. random: `samples` draws from them (ranges drawn continuously, snapped to the step). */
  axes: z.record(z.string(), ParamAxis).refine((a) => Object.keys(a).length > 0, { message: 'give at least one param axis' }),
  samples: z.number().int().min(1).max(100_000).default(100),
  seed: z.number().int().default(1),
  objective: Objective.default('sharpe'),
  /** Worker threads (default: the machine's cores). */
  threads: z.number().int().min(1).max(256).optional()
})
export type SweepSpec = z.output<typeof SweepSpec>
export type SweepSpecInput = z.input<typeof SweepSpec>

/** One point's outcome, as a sweep keeps it (the full report is not stored per point). */
export const SweepPointResult = z.object({
  index: z.number().int(),
  params: ParamValues,
  metrics: BacktestMetrics.nullable(),
  error: z.string().optional()
})
export type SweepPointResult = z.infer<typeof SweepPointResult>

export const SweepResult = z.object({
  sweepId: z.number().int(),
  objective: Objective,
  points: z.array(SweepPointResult),
  /** Index of the best point by the objective (points without a value for it never win). */
  best: z.number().int().nullable()
})
export type SweepResult = z.infer<typeof SweepResult>

export const WalkForwardSpec = z.object({
  sweep: SweepSpec,
  /** rolling: each in-sample window has the same length; anchored: every window starts at the data's start. */
  scheme: z.enum(['rolling', 'anchored']).default('rolling'),
  /** Candles per in-sample window (the first one, for anchored) and per out-of-sample window. */
  inSample: z.number().int().min(2),
  outOfSample: z.number().int().min(1),
  /** OOS objective below this share of IS flags the window as overfit (default: half). */
  overfitRatio: finite.refine((n) => n > 0 && n <= 1, { message: 'must be in (0, 1]' }).default(0.5)
})
export type WalkForwardSpec = z.output<typeof WalkForwardSpec>
export type WalkForwardSpecInput = z.input<typeof WalkForwardSpec>

export const WalkForwardWindow = z.object({
  inSample: z.object({ from: finite, to: finite }),
  outOfSample: z.object({ from: finite, to: finite }),
  trials: z.number().int(),
  bestParams: ParamValues.nullable(),
  isObjective: finite.nullable(),
  oosObjective: finite.nullable(),
  isMetrics: BacktestMetrics.nullable(),
  oosMetrics: BacktestMetrics.nullable(),
  overfit: z.boolean()
})
export type WalkForwardWindow = z.infer<typeof WalkForwardWindow>

export const WalkForwardReport = z.object({
  objective: Objective,
  scheme: z.enum(['rolling', 'anchored']),
  windows: z.array(WalkForwardWindow),
  totalTrials: z.number().int(),
  /** Mean OOS objective over mean IS objective (1 = OOS as good as IS); null when undefined. */
  efficiency: finite.nullable(),
  overfitWindows: z.number().int()
})
export type WalkForwardReport = z.infer<typeof WalkForwardReport>

// ── API (runBacktest, listBacktests, getBacktest, cancelBacktest; backtestProgress events) ──

export const RunBacktestParams = BacktestRequest
export const RunBacktestResult = z.object({ runId: z.string() })
export const ListBacktestsParams = z.object({ limit: z.number().int().min(1).max(1_000).default(100), before: z.number().int().optional() }).default({ limit: 100 })
export const ListBacktestsResult = z.object({ backtests: z.array(BacktestSummary) })
export const GetBacktestParams = z.object({ id: z.number().int().positive() })
export const GetBacktestResult = z.object({ id: z.number().int(), report: BacktestReport })
export const CancelBacktestParams = z.object({ runId: z.string().min(1).max(64) })
export const CancelBacktestResult = z.object({ cancelled: z.boolean() })

export const BacktestProgress = z.object({
  runId: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  done: z.number().int(),
  total: z.number().int(),
  /** The stored run, once done. */
  backtestId: z.number().int().optional(),
  error: z.string().optional()
})
export type BacktestProgress = z.infer<typeof BacktestProgress>
