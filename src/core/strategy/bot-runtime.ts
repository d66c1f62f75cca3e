import { MAX_CANDLES } from '../../shared/market'
import type { Order } from '../../shared/trading'
import { builtinStrategy } from './builtins'
import type { JsonValue, StrategyCandle, StrategyContext, StrategyDefinition, StrategyOrderRequest, StrategySignals } from './contract'
import { evaluateStrategy, describe } from './evaluate'
import { indicators } from './indicators'
import { StrategyLoadError } from './load-error'
import { resolveParams } from './params'
import type { AccountSnapshot, Hook, ParentToThread, StartMsg, StrategyCode, ThreadError, ThreadToParent } from './thread-protocol'

/**
 * The side of a bot that runs inside its thread: loads the strategy, builds its one
 * StrategyContext and runs its callbacks one at a time. Everything it knows of the account
 * arrives in snapshots from the parent; every order goes out to the parent, which completes,
 * checks and places it. Nothing here is trusted by the parent.
 */

type Post = (message: ThreadToParent) => void
type Locate = (err: unknown) => { location?: ThreadError['location']; stack?: string }

interface Loaded {
  definition: StrategyDefinition
  locate: Locate
}

function load(code: StrategyCode): Loaded {
  if (code.kind === 'builtin') {
    const definition = builtinStrategy(code.id)
    if (!definition) throw new StrategyLoadError('load', `no built-in strategy "${code.id}"`)
    return { definition, locate: (err) => ({ stack: err instanceof Error ? err.stack : undefined }) }
  }
  return evaluateStrategy(code.compiled)
}

export class BotRuntime {
  private loaded: Loaded | undefined
  private ctx: StrategyContext | undefined
  private snapshot: AccountSnapshot | undefined
  private candles: StrategyCandle[] = []
  private clock = 0
  private signals: StrategySignals | undefined
  private nextRequest = 1
  private readonly waiting = new Map<number, { resolve(order: Order): void; reject(err: Error): void }>()
  /** Refusals of ctx.order / ctx.cancel: one the strategy does not catch is logged, not fatal. */
  private readonly refusals = new WeakSet<Error>()

  constructor(private readonly post: Post) {}

  async handle(message: ParentToThread): Promise<void> {
    if (message.t === 'start') return this.start(message)
    if (message.t === 'call') {
      if (message.hook === 'onCandle') this.signals = message.signals
      return this.call(message.id, message.hook, message.arg, message.snapshot, message.now)
    }
    const waiter = this.waiting.get(message.id)
    if (!waiter) return
    this.waiting.delete(message.id)
    if (message.ok) {
      this.snapshot = message.snapshot
      waiter.resolve(message.order)
    } else {
      const refusal = Object.assign(new Error(message.error.message), { code: message.error.code })
      this.refusals.add(refusal)
      waiter.reject(refusal)
    }
  }

  /** An error outside any callback (a timer, an unhandled rejection), located in the user's file. */
  fault(err: unknown): void {
    this.post({ t: 'fault', error: this.threadError('threw', err) })
  }

  private async start(msg: StartMsg): Promise<void> {
    try {
      this.loaded = load(msg.code)
      const { definition } = this.loaded
      const params = resolveParams(definition.params, msg.params)
      const meta = {
        name: definition.name,
        description: definition.description,
        timeframe: definition.timeframe,
        warmup: definition.warmup,
        params: (definition.params ?? {}) as Record<string, unknown>,
        hooks: (['onStart', 'onCandle', 'onTick', 'onFill', 'onStop'] as const).filter((h) => typeof definition[h] === 'function')
      }
      if (!msg.run) return this.post({ t: 'started', meta, params, state: {} })
      this.candles = msg.candles.slice(-MAX_CANDLES)
      this.snapshot = msg.snapshot
      this.clock = msg.now
      this.signals = msg.signals
      this.ctx = this.context(msg, params)
      await definition.onStart?.(this.ctx)
      this.post({ t: 'started', meta, params, state: this.ctx.state as Record<string, unknown> })
    } catch (err) {
      this.post({ t: 'failed', error: this.threadError('load', err) })
    }
  }

  private async call(id: number, hook: Hook, arg: unknown, snapshot: AccountSnapshot, now: number): Promise<void> {
    const { ctx, loaded } = this
    if (!ctx || !loaded) return this.post({ t: 'threw', id, error: { kind: 'crashed', message: `${hook} before the strategy started` } })
    this.snapshot = snapshot
    this.clock = now
    if (hook === 'onCandle') {
      this.candles.push(arg as StrategyCandle)
      if (this.candles.length > MAX_CANDLES) this.candles.shift()
    }
    try {
      const fn = loaded.definition[hook] as ((ctx: StrategyContext, arg?: unknown) => unknown) | undefined
      await fn?.call(loaded.definition, ctx, arg)
      this.post({ t: 'done', id, state: ctx.state as Record<string, unknown> })
    } catch (err) {
      if (err instanceof Error && this.refusals.has(err)) {
        // The refusal is already in the bot's log with its reason; the bot carries on.
        this.post({ t: 'log', level: 'warn', message: `${hook} did not catch an order refusal: ${err.message}` })
        this.post({ t: 'done', id, state: ctx.state as Record<string, unknown> })
        return
      }
      this.post({ t: 'threw', id, error: this.threadError('threw', err) })
    }
  }

  private threadError(kind: ThreadError['kind'], err: unknown): ThreadError {
    if (err instanceof StrategyLoadError) return { kind: 'load', message: err.message, stack: err.userStack, location: err.location }
    const located = this.loaded?.locate(err) ?? {}
    const where = located.location ? `${located.location.file}:${located.location.line}:${located.location.column}: ` : ''
    return { kind, message: `${where}${describe(err)}`, stack: located.stack, location: located.location }
  }

  private request(message: { t: 'order'; request: Record<string, unknown> } | { t: 'cancel'; orderId: string }): Promise<Order> {
    const id = this.nextRequest++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.post({ ...message, id })
    })
  }

  private context(msg: StartMsg, params: Record<string, unknown>): StrategyContext {
    const snapshot = (): AccountSnapshot => this.snapshot!
    const signals = (): StrategySignals | undefined => this.signals
    const log = (level: 'info' | 'warn' | 'error') => (message: string, data?: JsonValue) =>
      this.post({ t: 'log', level, message: String(message).slice(0, 4000), data })
    return {
      symbol: msg.symbol,
      timeframe: msg.timeframe,
      params: Object.freeze({ ...params }) as StrategyContext['params'],
      state: structuredClone(msg.state) as Record<string, JsonValue>,
      order: (request: StrategyOrderRequest) => this.request({ t: 'order', request: { ...request } }),
      cancel: (orderId: string) => this.request({ t: 'cancel', orderId: String(orderId) }),
      get position() {
        return { ...snapshot().position }
      },
      balance: (asset: string) => snapshot().balances.find((b) => b.asset === asset) ?? { asset, free: 0, locked: 0, total: 0 },
      openOrders: () => snapshot().openOrders.map((o) => ({ ...o })),
      candles: (n: number) => (Number.isFinite(n) && n > 0 ? this.candles.slice(-Math.floor(n)) : []),
      indicators,
      log: { info: log('info'), warn: log('warn'), error: log('error') },
      now: () => this.clock,
      get signals() {
        return signals()
      }
    }
  }
}

