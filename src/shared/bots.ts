import { z } from 'zod'
import { Timeframe } from './market-data'

/**
 * Bots and strategies as they cross process boundaries (renderer/HTTP → host → strategy
 * worker, strategy worker ↔ execution). A bot = strategy + params + exchange/symbol +
 * timeframe + its own paper account + protections; the strategy worker owns them (strategy.db).
 */

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' })
const positive = finite.refine((n) => n > 0, { message: 'must be positive' })
const nonNegative = finite.refine((n) => n >= 0, { message: 'must not be negative' })
const symbol = z.string().min(3).max(64).regex(/^[^/\s]+\/[^/\s]+$/, 'expected BASE/QUOTE, e.g. BTC/USDT')
const assetName = z.string().min(1).max(32).regex(/^[A-Za-z0-9._-]+$/, 'asset names are letters and digits')

export const BotId = z.string().regex(/^[a-z0-9]{6,16}$/, 'bot ids are 6–16 lowercase letters and digits')
export type BotId = z.infer<typeof BotId>

/** `builtin:<id>` for strategies shipped with Keel, `file:<name>.ts|js` for the strategies folder. */
export const StrategyId = z
  .string()
  .max(140)
  .regex(/^(builtin:[a-z0-9-]{1,64}|file:[A-Za-z0-9_.-]{1,128}\.(ts|js))$/, 'strategy ids are builtin:<id> or file:<name>.ts|js (see listStrategies)')
export type StrategyId = z.infer<typeof StrategyId>

export const BOT_ACCOUNT_PREFIX = 'bot:'
export const botAccount = (id: string): string => `${BOT_ACCOUNT_PREFIX}${id}`

export const BotState = z.enum(['running', 'stopped', 'paused', 'errored', 'quarantined'])
export type BotState = z.infer<typeof BotState>

export const ParamSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('int'), default: finite, min: finite.optional(), max: finite.optional(), step: finite.optional(), description: z.string().optional() }),
  z.object({ type: z.literal('float'), default: finite, min: finite.optional(), max: finite.optional(), step: finite.optional(), description: z.string().optional() }),
  z.object({ type: z.literal('bool'), default: z.boolean(), description: z.string().optional() }),
  z.object({ type: z.literal('enum'), default: z.string(), options: z.array(z.string()), description: z.string().optional() })
])
export const ParamValue = z.union([finite, z.boolean(), z.string().max(200)])
export const ParamValuesSchema = z.record(z.string().max(64), ParamValue)

/** A place in a user's strategy file, for compile and runtime errors. */
export const SourceLocation = z.object({ file: z.string(), line: z.number().int().positive(), column: z.number().int().positive() })
export type SourceLocation = z.infer<typeof SourceLocation>

export const BotError = z.object({
  message: z.string(),
  /** What happened: the callback threw, ran over its budget, froze, ran out of memory, ... */
  kind: z.enum(['threw', 'budget', 'frozen', 'memory', 'load', 'crashed', 'protection']),
  stack: z.string().optional(),
  location: SourceLocation.optional(),
  at: finite
})
export type BotError = z.infer<typeof BotError>

export const StrategyInfo = z.object({
  id: StrategyId,
  name: z.string(),
  description: z.string().optional(),
  timeframe: Timeframe.optional(),
  params: z.record(z.string(), ParamSpecSchema),
  source: z.enum(['builtin', 'file']),
  /** The file in the strategies folder. */
  file: z.string().optional(),
  /** The version on disk fails to load (bots keep running the last good one). */
  error: z.object({ message: z.string(), location: SourceLocation.optional() }).optional()
})
export type StrategyInfo = z.infer<typeof StrategyInfo>

export const ListStrategiesResult = z.object({ folder: z.string(), strategies: z.array(StrategyInfo) })
export type ListStrategiesResult = z.infer<typeof ListStrategiesResult>

/**
 * Always on, enforced by execution for the bot's account (no strategy can bypass them). Order
 * limits refuse the order; a daily-loss or drawdown breach also pauses the bot.
 */
export const Protections = z.object({
  /** Largest |position| × price in the quote asset after an order. */
  maxPositionNotional: positive.default(100_000),
  maxOpenOrders: z.number().int().min(1).max(1000).default(20),
  maxOrdersPerMinute: z.number().int().min(1).max(10_000).default(120),
  /** Largest loss of equity since the start of the UTC day, in the quote asset. */
  maxDailyLoss: positive.optional(),
  /** Largest fall of equity from its peak, in percent. */
  maxDrawdownPercent: positive.refine((n) => n < 100, { message: 'must be below 100' }).optional(),
  /** No new buy orders for this long after a stop-loss filled. */
  stopLossCooldownMs: z.number().int().min(0).max(7 * 86_400_000).default(0)
})
export type Protections = z.output<typeof Protections>

/**
 * A change to a bot's protections: a limit left out keeps its value, a number sets it, and
 * `null` resets it: the optional limits (maxDailyLoss, maxDrawdownPercent) are removed, the
 * others return to their defaults.
 */
const shape = Protections.shape
export const ProtectionsPatch = z
  .object({
    maxPositionNotional: shape.maxPositionNotional.unwrap().nullable().optional(),
    maxOpenOrders: shape.maxOpenOrders.unwrap().nullable().optional(),
    maxOrdersPerMinute: shape.maxOrdersPerMinute.unwrap().nullable().optional(),
    maxDailyLoss: shape.maxDailyLoss.unwrap().nullable().optional(),
    maxDrawdownPercent: shape.maxDrawdownPercent.unwrap().nullable().optional(),
    stopLossCooldownMs: shape.stopLossCooldownMs.unwrap().nullable().optional()
  })
  .strict()
export type ProtectionsPatch = z.output<typeof ProtectionsPatch>

/** `current` with `patch` applied (see ProtectionsPatch), defaults filled in again. */
export function patchProtections(current: Protections, patch: ProtectionsPatch): Protections {
  const next: Record<string, unknown> = { ...current }
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name]
    else if (value !== undefined) next[name] = value
  }
  return Protections.parse(next)
}

const botSettings = {
  name: z.string().trim().min(1).max(80),
  strategy: StrategyId,
  exchange: z.string().min(1).max(64).default('demo'),
  symbol,
  /** Default: the strategy's own timeframe, else 1m. */
  timeframe: Timeframe.optional(),
  params: ParamValuesSchema.default({}),
  /** The bot's paper account starts with these (default 10,000 USDT). */
  balances: z.record(assetName, nonNegative).default({ USDT: 10_000 }),
  protections: Protections.default(Protections.parse({})),
  /** Time budget per callback; a callback that runs longer is terminated. */
  budgetMs: z.number().int().min(10).max(60_000).default(1000),
  /** Heap cap of the bot's thread. */
  memoryMb: z.number().int().min(16).max(2048).default(128)
}

export const CreateBotParams = z.object({ ...botSettings, start: z.boolean().default(false) }).strict()
export type CreateBotParams = z.output<typeof CreateBotParams>

export const UpdateBotParams = z
  .object({
    id: BotId,
    name: botSettings.name.optional(),
    strategy: StrategyId.optional(),
    symbol: symbol.optional(),
    timeframe: Timeframe.optional(),
    params: ParamValuesSchema.optional(),
    protections: ProtectionsPatch.optional(),
    budgetMs: botSettings.budgetMs.unwrap().optional(),
    memoryMb: botSettings.memoryMb.unwrap().optional()
  })
  .strict()
export type UpdateBotParams = z.output<typeof UpdateBotParams>

export const BotRef = z.object({ id: BotId }).strict()
export const StopBotParams = z.object({ id: BotId, cancelOrders: z.boolean().default(false) }).strict()
export type StopBotParams = z.output<typeof StopBotParams>

export const Bot = z.object({
  id: BotId,
  name: z.string(),
  strategy: StrategyId,
  strategyName: z.string(),
  exchange: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  params: ParamValuesSchema,
  account: z.string(),
  balances: z.record(z.string(), finite),
  protections: Protections,
  budgetMs: z.number().int(),
  memoryMb: z.number().int(),
  state: BotState,
  /** Why the bot is paused, errored or quarantined. */
  lastError: BotError.nullable(),
  startedAt: finite.nullable(),
  restarts: z.number().int().nonnegative(),
  orders: z.number().int().nonnegative(),
  fills: z.number().int().nonnegative(),
  /** Realized + unrealized PnL of the bot's account in its quote asset (null before any data). */
  pnl: finite.nullable(),
  createdAt: finite
})
export type Bot = z.infer<typeof Bot>

export const BotLogLevel = z.enum(['info', 'warn', 'error'])
export const BotLogEntry = z.object({
  botId: BotId,
  seq: z.number().int().positive(),
  at: finite,
  level: BotLogLevel,
  message: z.string(),
  data: z.unknown().optional()
})
export type BotLogEntry = z.infer<typeof BotLogEntry>

export const BotLogParams = z
  .object({ id: BotId, limit: z.number().int().min(1).max(1000).default(200), before: z.number().int().positive().optional() })
  .strict()
export type BotLogParams = z.output<typeof BotLogParams>
export const BotLogResult = z.object({ entries: z.array(BotLogEntry) })

export const KillSwitchParams = z.object({ engaged: z.boolean() }).strict()
export const KillSwitchResult = z.object({
  engaged: z.boolean(),
  haltedBots: z.number().int().nonnegative(),
  cancelledOrders: z.number().int().nonnegative()
})
export type KillSwitchResult = z.infer<typeof KillSwitchResult>

export const BotChanged = z.object({ bot: Bot.nullable(), id: BotId, deleted: z.boolean().default(false) })
export type BotChanged = z.infer<typeof BotChanged>

// ── protections inside execution ──

export const SetProtectionsParams = z.object({ account: z.string().min(1).max(64), protections: Protections.nullable() }).strict()
export const SetKillSwitchParams = z.object({ engaged: z.boolean() }).strict()
export const ProtectionsState = z.object({ killSwitch: z.boolean(), accounts: z.record(z.string(), Protections) })
export type ProtectionsState = z.infer<typeof ProtectionsState>

/** Protections whose breach pauses the bot (the others refuse one order). */
export const PAUSING_PROTECTIONS = ['maxDailyLoss', 'maxDrawdownPercent', 'killSwitch'] as const
export type ProtectionName = keyof Protections | 'killSwitch'

/** Refusals by a protection read "protection <name>: <why>", so a caller can tell which fired. */
export function protectionRefusal(name: ProtectionName, why: string): string {
  return `protection ${name}: ${why}`
}
export function refusedBy(message: string): ProtectionName | undefined {
  const match = /^(?:order refused: )?protection ([A-Za-z]+):/.exec(message)
  return match?.[1] as ProtectionName | undefined
}
