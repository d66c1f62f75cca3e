import { z } from 'zod'
import { BotError, ParamValuesSchema, SourceLocation } from '../../shared/bots'
import { Timeframe } from '../../shared/market-data'
import { Balance, Fill, Order, PlaceOrderParams, Position } from '../../shared/trading'
import type { CompiledStrategy } from './compile'
import type { StrategySignals } from './contract'

/**
 * Messages between the strategy worker (parent thread) and one bot's thread. The thread runs
 * user code, which can reach its parentPort (process.getBuiltinModule), so the parent parses
 * everything the thread sends; the parent's own messages are trusted by the thread.
 */

const finite = z.number().refine(Number.isFinite)
const JsonRecord = z.record(z.string(), z.unknown())

export const ThreadCandle = z.object({ time: finite, open: finite, high: finite, low: finite, close: finite, volume: finite })
export type ThreadCandle = z.infer<typeof ThreadCandle>
export const ThreadTicker = z.object({ symbol: z.string(), time: finite, last: finite, bid: finite.optional(), ask: finite.optional() })
export type ThreadTicker = z.infer<typeof ThreadTicker>

/** What the bot may read synchronously (ctx.position, ctx.balance, ctx.openOrders), as of now. */
export interface AccountSnapshot {
  position: Position
  balances: Balance[]
  openOrders: Order[]
}

export type StrategyCode =
  | { kind: 'builtin'; id: string }
  | { kind: 'file'; compiled: CompiledStrategy }

export interface StartMsg {
  t: 'start'
  code: StrategyCode
  symbol: string
  timeframe: Timeframe
  params: Record<string, unknown>
  state: Record<string, unknown>
  /** Closed candles up to now, oldest first (the warmup). */
  candles: ThreadCandle[]
  snapshot: AccountSnapshot
  /** false: load and validate only (a probe of a new file version), no onStart. */
  run: boolean
  now: number
  /** The AI signal on the last history candle, when there is one (ctx.signals). */
  signals?: StrategySignals
}

export type Hook = 'onCandle' | 'onTick' | 'onFill' | 'onStop'

export type ParentToThread =
  | StartMsg
  // `signals` comes with each onCandle: ctx.signals until the next candle.
  | { t: 'call'; id: number; hook: Hook; arg?: ThreadCandle | ThreadTicker | Fill; snapshot: AccountSnapshot; now: number; signals?: StrategySignals }
  | { t: 'reply'; id: number; ok: true; order: Order; snapshot: AccountSnapshot }
  | { t: 'reply'; id: number; ok: false; error: { code: string; message: string } }

const StrategyMeta = z.object({
  name: z.string(),
  description: z.string().optional(),
  timeframe: Timeframe.optional(),
  warmup: z.number().int().nonnegative().optional(),
  params: z.record(z.string(), z.unknown()),
  hooks: z.array(z.string())
})
export type StrategyMeta = z.infer<typeof StrategyMeta>

const ThreadError = BotError.omit({ at: true })
export type ThreadError = z.infer<typeof ThreadError>

export const ThreadToParent = z.discriminatedUnion('t', [
  z.object({ t: z.literal('started'), meta: StrategyMeta, params: ParamValuesSchema, state: JsonRecord }),
  z.object({ t: z.literal('failed'), error: ThreadError }),
  z.object({ t: z.literal('done'), id: z.number().int(), state: JsonRecord }),
  z.object({ t: z.literal('threw'), id: z.number().int(), error: ThreadError }),
  // `account` and `clientOrderId` are the parent's to set: the thread's request carries neither.
  z.object({ t: z.literal('order'), id: z.number().int(), request: z.record(z.string(), z.unknown()) }),
  z.object({ t: z.literal('cancel'), id: z.number().int(), orderId: z.string().min(1).max(64) }),
  z.object({ t: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(4000), data: z.unknown().optional() }),
  // A rejection the thread could not attribute to a call (an unhandled rejection, a throw in a timer).
  z.object({ t: z.literal('fault'), error: ThreadError })
])
export type ThreadToParent = z.infer<typeof ThreadToParent>

/** The order a bot asked for, completed by the parent; parsed here so the error names the bot's mistake. */
export const BotOrderRequest = PlaceOrderParams
export { SourceLocation }

/** Workers' `workerData` for a bot thread: the heartbeat cell the parent watches. */
export interface BotThreadData {
  heartbeat: SharedArrayBuffer
  beatMs: number
}
