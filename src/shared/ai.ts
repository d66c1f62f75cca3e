import { z } from 'zod'
import { Timeframe } from './market-data'
import { DEFAULT_SETTINGS, LlmSettings } from './settings'

/**
 * The AI API: signals (indicator ensemble + trained models, each with its measured
 * out-of-sample quality), training jobs, the LLM analyst and its task queue. Advisory only:
 * nothing here can place an order.
 */

const exchangeId = z.string().min(1).max(64)
const symbol = z.string().min(3).max(64).regex(/^[^/\s]+\/[^/\s]+$/, 'expected BASE/QUOTE, e.g. BTC/USDT')
const id = z.string().min(1).max(80)
const probability = z.number().min(0).max(1)
const usd = z.number().nonnegative()

export const ModelKind = z.enum(['logistic', 'gbt'])
export type ModelKind = z.infer<typeof ModelKind>

export const Quality = z.object({
  n: z.number().int().nonnegative(),
  hits: z.number().int().nonnegative(),
  hitRate: probability,
  interval: z.object({ lower: probability, upper: probability }),
  baselines: z.object({ majorityClass: probability, alwaysLong: probability }),
  baseline: probability,
  pValue: probability,
  edge: z.boolean()
})
export type Quality = z.infer<typeof Quality>

export const LiveRecord = z.object({ n: z.number().int().nonnegative(), hits: z.number().int().nonnegative(), hitRate: probability.nullable() })
export type LiveRecord = z.infer<typeof LiveRecord>

export const RuleVote = z.object({ rule: z.string(), vote: z.union([z.literal(-1), z.literal(0), z.literal(1)]), value: z.number().nullable() })

export const ModelSignal = z.object({
  modelId: id,
  algorithm: ModelKind,
  horizon: z.number().int().positive(),
  probUp: probability,
  direction: z.enum(['up', 'down']),
  quality: Quality,
  live: LiveRecord
})
export type ModelSignal = z.infer<typeof ModelSignal>

export const AiSignal = z.object({
  exchange: exchangeId,
  symbol,
  timeframe: Timeframe,
  /** Open time of the closed candle the signal is computed on. */
  time: z.number(),
  close: z.number().positive(),
  votes: z.array(RuleVote),
  /** Mean vote of the rules that have data, in [-1, 1]. */
  score: z.number().min(-1).max(1),
  /** How the sign of the score predicted the next candle over the history seen (null before enough). */
  ensembleQuality: Quality.nullable(),
  model: ModelSignal.nullable()
})
export type AiSignal = z.infer<typeof AiSignal>

export const AiSignalsParams = z.object({ exchange: exchangeId.optional(), symbol: symbol.optional(), timeframe: Timeframe.optional() }).strict().default({})
export const AiSignalsResult = z.array(AiSignal)

export const LogisticParams = z.object({ l2: z.number().min(0).max(1e6), maxIterations: z.number().int().min(1).max(200) }).strict()
export const GbtParams = z
  .object({
    rounds: z.number().int().min(1).max(2000),
    maxDepth: z.number().int().min(1).max(8),
    learningRate: z.number().positive().max(1),
    bins: z.number().int().min(2).max(255),
    minChildWeight: z.number().min(0).max(1e6),
    lambda: z.number().min(0).max(1e6)
  })
  .strict()

export const MAX_TRAINING_CANDLES = 200_000

export const TrainModelParams = z
  .object({
    exchange: exchangeId.default('demo'),
    symbol,
    timeframe: Timeframe,
    algorithm: ModelKind,
    /** Candles of history to train and evaluate on (the newest ones). */
    candles: z.number().int().min(500).max(MAX_TRAINING_CANDLES).default(5000),
    /** The label: direction of the return over the next `horizon` candles. */
    horizon: z.number().int().min(1).max(500).default(1),
    /** No-trade band: returns within ±band (a fraction, 0.001 = 0.1 %) are not labelled. */
    band: z.number().min(0).max(0.5).default(0),
    folds: z.number().int().min(2).max(20).default(4),
    /** Candles between training and test data; at least the horizon (the default). */
    embargo: z.number().int().min(1).max(10_000).optional(),
    logistic: LogisticParams.partial().optional(),
    gbt: GbtParams.partial().optional()
  })
  .strict()
  .refine((p) => p.embargo === undefined || p.embargo >= p.horizon, { message: 'embargo must be at least the horizon', path: ['embargo'] })
export type TrainModelParams = z.infer<typeof TrainModelParams>

export const RunState = z.enum(['queued', 'running', 'done', 'failed'])
export const TrainingRun = z.object({
  id,
  state: RunState,
  /** 0..1 over fetching, the walk-forward folds and the final fit. */
  progress: probability,
  phase: z.string(),
  /** Starts of this run: a run interrupted by a crash is resumed from the start, up to a limit. */
  attempts: z.number().int().nonnegative(),
  request: TrainModelParams,
  error: z.string().nullable(),
  modelId: id.nullable(),
  createdAt: z.number(),
  updatedAt: z.number()
})
export type TrainingRun = z.infer<typeof TrainingRun>
export const TrainModelResult = TrainingRun

export const FoldResult = z.object({ trainSamples: z.number().int(), testSamples: z.number().int(), testFrom: z.number().int(), testTo: z.number().int(), hitRate: probability })
export const ModelInfo = z.object({
  id,
  runId: id,
  algorithm: ModelKind,
  exchange: exchangeId,
  symbol,
  timeframe: Timeframe,
  features: z.array(z.string()),
  params: z.record(z.string(), z.number()),
  horizon: z.number().int().positive(),
  band: z.number().nonnegative(),
  embargo: z.number().int().positive(),
  trainFrom: z.number(),
  trainTo: z.number(),
  samples: z.number().int().nonnegative(),
  quality: Quality,
  folds: z.array(FoldResult),
  live: LiveRecord,
  createdAt: z.number()
})
export type ModelInfo = z.infer<typeof ModelInfo>

export const ListModelsParams = z.object({ symbol: symbol.optional() }).strict().default({})
export const ListModelsResult = z.object({ models: z.array(ModelInfo), runs: z.array(TrainingRun) })

// ── LLM analyst ──

export const Analysis = z
  .object({
    stance: z.enum(['bullish', 'bearish', 'neutral']),
    confidence: probability,
    rationale: z.string().min(1).max(4000),
    risks: z.array(z.string().min(1).max(1000)).max(20)
  })
  .strict()
export type Analysis = z.infer<typeof Analysis>

export const TaskPriority = z.enum(['user', 'scheduled', 'background'])
export type TaskPriority = z.infer<typeof TaskPriority>
export const TaskState = z.enum(['pending', 'running', 'done', 'dead', 'refused', 'discarded'])
export type TaskState = z.infer<typeof TaskState>

export const AiTask = z.object({
  id,
  kind: z.literal('analysis'),
  priority: TaskPriority,
  state: TaskState,
  provider: z.string(),
  model: z.string(),
  symbol,
  timeframe: Timeframe,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.number().nullable(),
  error: z.string().nullable(),
  costUsd: usd,
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** Answered from the cache (no provider call, no cost). */
  cached: z.boolean(),
  answer: Analysis.nullable(),
  createdAt: z.number(),
  updatedAt: z.number()
})
export type AiTask = z.infer<typeof AiTask>

export const AnalyzeParams = z
  .object({
    exchange: exchangeId.default('demo'),
    symbol,
    timeframe: Timeframe.default('1h'),
    question: z.string().max(2000).optional(),
    priority: TaskPriority.default('user')
  })
  .strict()
export type AnalyzeParams = z.infer<typeof AnalyzeParams>

export const AiTasksParams = z.object({ state: TaskState.optional(), limit: z.number().int().min(1).max(500).default(100) }).strict().default({ limit: 100 })
export const AiTasksResult = z.array(AiTask)
export const AiTaskParams = z.object({ id }).strict()
/** Audit of one task: the exact prompt and raw answer, alongside the task. */
export const AiTaskAudit = z.object({ task: AiTask, input: z.unknown(), prompt: z.string(), rawAnswer: z.string().nullable() })

export const AiBudget = z.object({
  dailyLimitUsd: usd,
  monthlyLimitUsd: usd,
  spentTodayUsd: usd,
  spentMonthUsd: usd,
  /** Provider calls made today (including failed ones that reported usage). */
  callsToday: z.number().int().nonnegative()
})
export type AiBudget = z.infer<typeof AiBudget>

/** The LLM settings live in the host's settings.json (`llm` section); this is the same schema. */
export { LlmSettings }
export const DEFAULT_LLM_SETTINGS: LlmSettings = DEFAULT_SETTINGS.llm

/** LLM settings as anyone outside the AI worker sees them: the key never, only whether there is one. */
export const LlmSettingsView = LlmSettings.extend({ hasKey: z.boolean(), keySource: z.enum(['none', 'stored', 'env']) })
export type LlmSettingsView = z.infer<typeof LlmSettingsView>

export const SetLlmSettingsParams = LlmSettings.partial()
  .extend({
    /** A new API key (stored encrypted by the host, never returned); null removes it. */
    apiKey: z.string().min(1).max(500).nullable().optional()
  })
  .strict()
export type SetLlmSettingsParams = z.infer<typeof SetLlmSettingsParams>
/** Host → AI worker only (IPC, never an API result or event): the key and where it came from. */
export const LlmKeyNotice = z.object({ key: z.string().nullable(), source: z.enum(['none', 'stored', 'env']) })
/** What the host forwards to the AI worker's internal setLlmSettings: the whole llm section, the watched symbols, the key. */
export const WorkerLlmSettingsParams = z
  .object({
    settings: LlmSettings,
    watch: z.object({ exchange: exchangeId, symbols: z.array(symbol).max(100) }).strict(),
    key: LlmKeyNotice
  })
  .strict()
export type WorkerLlmSettingsParams = z.infer<typeof WorkerLlmSettingsParams>
