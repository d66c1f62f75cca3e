import { z } from 'zod'
import { CrashRecord, HealthReport } from './health'
import { ResyncEvent } from './host'
import * as B from './bots'
import * as M from './market'
import * as S from './storage'
import * as D from './settings'
import { Trade, Ticker, OrderBook } from './market-data'
import * as A from './ai'
import * as T from './trading'
import { UpdateStatus } from './update'
import * as BT from './backtest'
import * as BC from './backtest-chart'
import * as OPT from './optimization'
import * as RP from './replay'
import { WorkerName } from './worker-protocol'

/**
 * Keel's one API. Every method and event is declared here once, with zod schemas; the router
 * in main validates against them, both bridges (Electron IPC, HTTP/WebSocket) expose exactly
 * this, and the renderer's client is typed from it. docs/api.md documents it.
 */

/** Who answers a method: the host itself, or the worker that owns the state. */
export type Owner = 'host' | WorkerName

export interface MethodDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, O extends Owner = Owner> {
  /** Kept as a literal type: a worker's handler contract is derived from it (workers/runtime/contract.ts). */
  owner: O
  params: P
  result: R
  summary: string
}

function method<O extends Owner, P extends z.ZodType, R extends z.ZodType>(def: MethodDef<P, R, O>): MethodDef<P, R, O> {
  return def
}

const NoParams = z.object({}).strict().default({})

export const PingResult = z.object({ worker: WorkerName, pid: z.number(), uptimeMs: z.number() })

export const methods = {
  health: method({
    owner: 'host',
    params: NoParams,
    result: HealthReport,
    summary: 'State of every worker (pid, state, restarts, heartbeat, memory, last crash), the host, and recent crashes.'
  }),
  restartWorker: method({
    owner: 'host',
    params: z.object({ name: WorkerName }).strict(),
    result: z.object({ ok: z.literal(true) }),
    summary: 'Restart a worker now; for a failed worker (circuit open) this is the half-open retry.'
  }),
  ping: method({
    owner: 'host',
    params: z.object({ worker: WorkerName }).strict(),
    result: PingResult,
    summary: 'Round-trip to one worker; waits through a restart rather than failing.'
  }),

  // ── trading (execution worker: the paper exchange, trading.db) ──
  placeOrder: method({
    owner: 'execution',
    params: T.PlaceOrderParams,
    result: T.Order,
    summary: 'Place a paper order (market, limit, stop_market, stop_limit, take_profit, trailing_stop, bracket). Journaled before it is acknowledged; idempotent by clientOrderId.'
  }),
  cancelOrder: method({ owner: 'execution', params: T.CancelOrderParams, result: T.Order, summary: 'Cancel one order by orderId or clientOrderId.' }),
  cancelAll: method({ owner: 'execution', params: T.CancelAllParams, result: T.CancelAllResult, summary: 'Cancel every live order of an account (optionally one symbol).' }),
  amendOrder: method({ owner: 'execution', params: T.AmendOrderParams, result: T.Order, summary: 'Change the price, amount or trigger of a live order.' }),
  listOrders: method({ owner: 'execution', params: T.ListOrdersParams, result: T.ListOrdersResult, summary: 'Open, closed or all orders, newest first, paged by cursor.' }),
  listFills: method({ owner: 'execution', params: T.ListFillsParams, result: T.ListFillsResult, summary: 'Fills, newest first, paged by cursor.' }),
  balances: method({ owner: 'execution', params: T.AccountParams, result: z.array(T.Balance), summary: 'Free, locked and total balance per asset.' }),
  positions: method({ owner: 'execution', params: T.AccountParams, result: z.array(T.Position), summary: 'Positions with average entry, realized and unrealized PnL.' }),
  accountSummary: method({ owner: 'execution', params: T.AccountParams, result: T.AccountSummary, summary: 'Equity, cash, PnL, fees and equity history of an account.' }),
  resetAccount: method({ owner: 'execution', params: T.ResetAccountParams, result: T.AccountSummary, summary: 'Cancel everything and start the account over with the given balances.' }),

  // ── market data (market worker: feeds, market.db) ──
  exchanges: method({ owner: 'market', params: M.ExchangesParams, result: M.ExchangesResult, summary: 'Exchanges Keel can show: the offline demo market first, then every ccxt exchange.' }),
  markets: method({ owner: 'market', params: M.MarketsParams, result: M.MarketsResult, summary: 'Markets of an exchange with precision, limits and fees (ccxt structure).' }),
  ticker: method({ owner: 'market', params: M.TickerParams, result: M.TickerResult, summary: 'Latest ticker of a symbol.' }),
  orderBook: method({ owner: 'market', params: M.OrderBookParams, result: M.OrderBookResult, summary: 'Order book of a symbol to the given depth.' }),
  candles: method({ owner: 'market', params: M.CandlesParams, result: M.CandlesResult, summary: 'OHLCV candles for charts (since, or before for scroll-back).' }),
  subscribe: method({ owner: 'market', params: M.SubscribeParams, result: M.SubscribeResult, summary: 'Stream tickers, trades, books or candles of symbols on an exchange (switches the active exchange).' }),
  unsubscribe: method({ owner: 'market', params: M.UnsubscribeParams, result: M.SubscribeResult, summary: 'Stop streaming.' }),
  downloadHistory: method({ owner: 'market', params: M.DownloadHistoryParams, result: M.DownloadHistoryResult, summary: 'Download OHLCV history into market.db; progress arrives as historyProgress events.' }),

  // ── storage (execution worker: trading.db integrity, backups, recovery) ──
  storageStatus: method({ owner: 'execution', params: S.StorageStatusParams, result: S.StorageHealth, summary: "trading.db's state: ok, damaged or unavailable with the cause and what to do, its backups and journal mark." }),
  backupNow: method({ owner: 'execution', params: S.StorageStatusParams, result: S.BackupNowResult, summary: 'Take an online backup of trading.db now (automatic ones run every 10 minutes and at clean shutdown).' }),
  restoreBackup: method({ owner: 'execution', params: S.RestoreBackupParams, result: S.RestoreBackupResult, summary: 'Replace a damaged trading.db with the newest sound backup (or the named one) and trade on; reports what acknowledged after it could not be recovered.' }),
  startFreshAccount: method({ owner: 'execution', params: S.StartFreshAccountParams, result: S.StartFreshAccountResult, summary: 'Give up a damaged trading.db and start a new account (confirm: "start a new account"); the damaged files are kept aside.' }),

  // ── dist ──
  updateStatus: method({ owner: 'host', params: NoParams, result: UpdateStatus, summary: 'The updater: disabled, idle, checking, not-available, available, downloading (progress), ready or error; the running version and the channel.' }),
  checkForUpdates: method({ owner: 'host', params: NoParams, result: UpdateStatus, summary: 'Check for an update now (what the tray and app menu do); changes arrive as updateStatus events.' }),
  installUpdate: method({ owner: 'host', params: NoParams, result: z.object({ ok: z.literal(true) }), summary: 'Restart to update: quit and install the downloaded update (rejected unless one is ready).' }),
  getSettings: method({ owner: 'host', params: NoParams, result: D.SettingsView, summary: 'Persisted settings (exchange, risk limits, notifications, update channel, open at login, LLM provider without key, logs) and the data folder.' }),
  updateSettings: method({ owner: 'host', params: D.SettingsPatch, result: D.SettingsView, summary: 'Change any subset of settings; the whole result is validated (400 with every reason) and saved atomically.' }),
  openDataDir: method({ owner: 'host', params: NoParams, result: z.object({ ok: z.literal(true) }), summary: 'Open the data folder in the OS file manager (desktop app only).' }),
  exportDiagnostics: method({ owner: 'host', params: NoParams, result: D.DiagnosticsResult, summary: 'Write one zip for a bug report (logs, crash records, health, versions, settings; tokens and keys redacted) into <data-dir>/diagnostics.' }),

  // ── bots ──
  listStrategies: method({ owner: 'strategy', params: NoParams, result: B.ListStrategiesResult, summary: 'Built-in strategies and those in the strategies folder, with their params; a file that fails to load carries its error (file:line:column).' }),
  createBot: method({ owner: 'strategy', params: B.CreateBotParams, result: B.Bot, summary: 'Create a bot (strategy + params + symbol + timeframe) with its own paper account bot:<id> and protections; start: true starts it.' }),
  updateBot: method({ owner: 'strategy', params: B.UpdateBotParams, result: B.Bot, summary: 'Change a bot\'s settings; a running bot restarts with them. In protections a left-out limit keeps its value and null resets it (maxDailyLoss, maxDrawdownPercent removed; the others back to their defaults).' }),
  startBot: method({ owner: 'strategy', params: B.BotRef, result: B.Bot, summary: 'Start (or resume) a bot; also the retry of an errored, paused or quarantined bot.' }),
  stopBot: method({ owner: 'strategy', params: B.StopBotParams, result: B.Bot, summary: 'Stop a bot (onStop runs); cancelOrders: true also cancels its open orders.' }),
  deleteBot: method({ owner: 'strategy', params: B.BotRef, result: z.object({ ok: z.literal(true) }), summary: 'Stop and delete a bot, its state and its log (its paper account and orders stay in trading.db).' }),
  listBots: method({ owner: 'strategy', params: NoParams, result: z.array(B.Bot), summary: 'Every bot with its state, last error, orders/fills counts and PnL.' }),
  botLog: method({ owner: 'strategy', params: B.BotLogParams, result: B.BotLogResult, summary: 'A bot\'s decision log, newest first (before: a seq, for older pages).' }),
  killSwitch: method({ owner: 'execution', params: B.KillSwitchParams, result: B.KillSwitchResult, summary: 'Engage: every bot halts and their open orders are cancelled; bot orders are refused until released. Enforced by execution.' }),
  setProtections: method({ owner: 'execution', params: B.SetProtectionsParams, result: B.ProtectionsState, summary: 'Set (or clear, with null) the protections execution enforces for one account; bots set their own.' }),
  protections: method({ owner: 'execution', params: NoParams, result: B.ProtectionsState, summary: 'The kill switch and every account\'s protections.' }),
  backtestCandles: method({ owner: 'strategy', params: BC.BacktestCandlesParams, result: BC.BacktestCandlesResult, summary: 'The candles a stored backtest ran on, newest `limit` before `before` (its price chart, with the run\'s trades marked); refused if its data changed since.' }),
  openStrategiesFolder: method({ owner: 'host', params: NoParams, result: z.object({ ok: z.literal(true) }), summary: 'Open the strategies folder in the OS file manager (desktop app only; elsewhere the 422 names the folder).' }),

  // ── ai ──
  aiSignals: method({ owner: 'ai', params: A.AiSignalsParams, result: A.AiSignalsResult, summary: 'Latest signal per symbol and timeframe: each rule\'s vote, the ensemble score, and the newest model\'s prediction, each with its out-of-sample hit rate, 95 % interval, baseline and "no edge" flag.' }),
  trainModel: method({ owner: 'ai', params: A.TrainModelParams, result: A.TrainModelResult, summary: 'Queue a training job (logistic regression or gradient-boosted trees) with purged walk-forward evaluation; progress arrives as trainingProgress events.' }),
  listModels: method({ owner: 'ai', params: A.ListModelsParams, result: A.ListModelsResult, summary: 'Trained models with their features, params, training window, out-of-sample and live metrics, and the training runs.' }),
  analyze: method({ owner: 'ai', params: A.AnalyzeParams, result: A.AiTask, summary: 'Ask the LLM analyst (off by default) for an advisory read of a market; queued as a task, refused before the call if it would exceed the budget.' }),
  aiTasks: method({ owner: 'ai', params: A.AiTasksParams, result: A.AiTasksResult, summary: 'The AI task queue, newest first: pending, running, done, dead letters, refused.' }),
  aiTaskAudit: method({ owner: 'ai', params: A.AiTaskParams, result: A.AiTaskAudit, summary: 'The exact prompt, input and raw answer of one task.' }),
  aiRetryTask: method({ owner: 'ai', params: A.AiTaskParams, result: A.AiTask, summary: 'Put a dead-letter task back in the queue.' }),
  aiDiscardTask: method({ owner: 'ai', params: A.AiTaskParams, result: A.AiTask, summary: 'Discard a dead-letter or pending task.' }),
  aiBudget: method({ owner: 'ai', params: NoParams, result: A.AiBudget, summary: 'LLM spend today and this month against the budgets.' }),
  aiLlmSettings: method({ owner: 'host', params: NoParams, result: A.LlmSettingsView, summary: 'The LLM settings (settings.json `llm`, as getSettings shows them); the API key is never returned, only whether one is set.' }),
  aiSetLlmSettings: method({ owner: 'host', params: A.SetLlmSettingsParams, result: A.LlmSettingsView, summary: 'Change the LLM settings (the same settings.json `llm` section updateSettings changes); an apiKey is stored encrypted by the host and handed only to the AI worker.' }),

  // ── backtest ──
  runBacktest: method({ owner: 'strategy', params: BT.RunBacktestParams, result: BT.RunBacktestResult, summary: 'Start a backtest on a worker thread (strategy, params, data, range, settings); progress and the stored run id arrive as backtestProgress events.' }),
  listBacktests: method({ owner: 'strategy', params: BT.ListBacktestsParams, result: BT.ListBacktestsResult, summary: 'Stored backtests with their metrics, newest first (before: an id, for older pages).' }),
  getBacktest: method({ owner: 'strategy', params: BT.GetBacktestParams, result: BT.GetBacktestResult, summary: 'One stored backtest: trades, open trades, equity and drawdown curves, metrics.' }),
  cancelBacktest: method({ owner: 'strategy', params: BT.CancelBacktestParams, result: BT.CancelBacktestResult, summary: 'Stop a running backtest; cancelled: false when it is not running.' }),

  // ── sweep ──
  runSweep: method({ owner: 'strategy', params: OPT.RunSweepParams, result: OPT.RunSweepResult, summary: 'Queue a grid or random search over a strategy\'s params (at most 10,000 points, 8 params); checked and stored at once, run on worker threads, resumed after a restart; progress arrives as sweepProgress events.' }),
  listSweeps: method({ owner: 'strategy', params: OPT.ListSweepsParams, result: OPT.ListSweepsResult, summary: 'Sweeps, newest first: state, points done/failed/total, the best point so far.' }),
  getSweep: method({ owner: 'strategy', params: OPT.GetSweepParams, result: OPT.GetSweepResult, summary: 'One sweep: its spec and each point\'s params and metrics (offset/limit page through large sweeps).' }),
  cancelSweep: method({ owner: 'strategy', params: OPT.CancelSweepParams, result: OPT.CancelResult, summary: 'Cancel a queued or running sweep (finished points are kept); cancelled: false when it had ended.' }),
  resumeSweep: method({ owner: 'strategy', params: OPT.ResumeSweepParams, result: OPT.ResumeSweepResult, summary: 'Queue a cancelled or failed sweep again: only its pending points run, finished ones stay as stored. 404 for an unknown id; 422 for a queued, running or done sweep, a walk-forward\'s window, or candles that changed since it was planned.' }),
  runWalkForward: method({ owner: 'strategy', params: OPT.RunWalkForwardParams, result: OPT.RunWalkForwardResult, summary: 'Queue a rolling or anchored walk-forward: a sweep per in-sample window, its best params run on the next out-of-sample window; progress arrives as walkForwardProgress events.' }),
  listWalkForwards: method({ owner: 'strategy', params: OPT.ListWalkForwardsParams, result: OPT.ListWalkForwardsResult, summary: 'Walk-forwards, newest first: state, windows done, overfit windows.' }),
  getWalkForward: method({ owner: 'strategy', params: OPT.GetWalkForwardParams, result: OPT.GetWalkForwardResult, summary: 'One walk-forward: each finished window\'s IS and OOS result side by side, trials, the overfit flag, efficiency.' }),
  cancelWalkForward: method({ owner: 'strategy', params: OPT.CancelWalkForwardParams, result: OPT.CancelResult, summary: 'Cancel a queued or running walk-forward (finished windows are kept).' }),
  resumeWalkForward: method({ owner: 'strategy', params: OPT.ResumeWalkForwardParams, result: OPT.ResumeWalkForwardResult, summary: 'Queue a cancelled or failed walk-forward again: finished windows and points stay as stored. 404 for an unknown id; 422 for a queued, running or done one, or candles that changed since it was planned.' }),

  // ── replay ──
  listRecordings: method({ owner: 'strategy', params: RP.ListRecordingsParams, result: RP.ListRecordingsResult, summary: 'Recorded paper sessions (segments of the execution engine\'s input in <data-dir>/recordings), newest first.' }),
  recorderStatus: method({ owner: 'execution', params: NoParams, result: RP.RecorderStatus, summary: 'Whether the paper session is being recorded now, into which segment, or why not (off, disk full, …).' }),
  compareReplay: method({ owner: 'strategy', params: RP.CompareReplayParams, result: RP.ReplayReport, summary: 'Replay a recorded session through a fresh engine (fills compared with the journal\'s, field by field) and run its orders over candles of the period: per-order differences with reasons.' }),

} satisfies Record<string, MethodDef>

export const events = {
  health: HealthReport,
  workerCrashed: CrashRecord,
  // trading
  orderUpdated: T.OrderUpdated,
  fillCreated: T.FillCreated,
  balanceChanged: T.BalanceChanged,
  // market data
  ticker: Ticker,
  trade: Trade,
  orderBook: OrderBook,
  candle: M.CandleEvent,
  feedStatus: M.FeedStatusEvent,
  historyProgress: M.HistoryProgressEvent,
  /** This client fell behind and missed trades (its fan-out ring overflowed): a tape can say so. */
  tradesDropped: z.object({ count: z.number().int().positive() }),

  // ── host ──
  /** This client's queue overflowed and was dropped: refetch orders, fills and balances. */
  resync: ResyncEvent,

  // ── dist ──
  updateStatus: UpdateStatus,
  settingsChanged: D.SettingsView,

  // ── bots ──
  botChanged: B.BotChanged,
  botLog: B.BotLogEntry,
  killSwitchChanged: z.object({ engaged: z.boolean() }),

  // ── ai ──
  aiSignal: A.AiSignal,
  aiTask: A.AiTask,
  trainingProgress: A.TrainingRun,

  // ── backtest ──
  backtestProgress: BT.BacktestProgress,

  // ── sweep ──
  sweepProgress: OPT.SweepProgress,
  walkForwardProgress: OPT.WalkForwardProgress
} satisfies Record<string, z.ZodType>

/**
 * Who pushes each event: the host itself or one worker. A worker's `emit` accepts only the
 * events it owns (workers/runtime/contract.ts), and an event added above without an owner here
 * fails the type check.
 */
export const eventOwners = {
  health: 'host',
  workerCrashed: 'host',
  orderUpdated: 'execution',
  fillCreated: 'execution',
  balanceChanged: 'execution',
  ticker: 'market',
  trade: 'market',
  orderBook: 'market',
  candle: 'market',
  feedStatus: 'market',
  historyProgress: 'market',
  tradesDropped: 'host',
  resync: 'host',
  updateStatus: 'host',
  settingsChanged: 'host',
  botChanged: 'strategy',
  botLog: 'strategy',
  killSwitchChanged: 'execution',
  // ── ai ──
  aiSignal: 'ai',
  aiTask: 'ai',
  trainingProgress: 'ai',

  // ── backtest ──
  backtestProgress: 'strategy',

  // ── sweep ──
  sweepProgress: 'strategy',
  walkForwardProgress: 'strategy'
} as const satisfies Record<EventName, Owner>

/** Events that describe a latest state: per client they are coalesced to one per frame. */
export const COALESCED_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['ticker', 'orderBook', 'candle', 'health'])

export type Methods = typeof methods
export type MethodName = keyof Methods
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>
export type Events = typeof events
export type EventName = keyof Events
export type EventOf<E extends EventName> = z.output<Events[E]>
/** An event payload as its owner sends it (the host parses it with the schema). */
export type EventInput<E extends EventName> = z.input<Events[E]>

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name)
}
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name)
}

/** What a renderer (or any client) needs: call methods, hear events. Both bridges implement it. */
export interface KeelClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void
}
