import { PAUSING_PROTECTIONS, refusedBy, type BotError, type BotLogEntry } from '../../shared/bots'
import { KeelError } from '../../shared/errors'
import { MAX_CANDLES } from '../../shared/market'
import { TIMEFRAME_MS, type Candle, type Ticker } from '../../shared/market-data'
import { Order, type Fill } from '../../shared/trading'
import { RestartPolicy, type RestartPolicyOptions } from '../supervision/restart-policy'
import { AccountView, type HostCall } from './account-view'
import { BotSignals } from './bot-signals'
import { BotFailure, BotThread, type Started } from './bot-thread'
import type { CompiledStrategy } from './compile'
import type { StrategySignals } from './contract'
import { DecisionIds } from './decision-ids'
import type { BotRow, Checkpoint, StrategyStore } from './store'
import type { AccountSnapshot, Hook, StrategyCode, ThreadCandle, ThreadError, ThreadTicker } from './thread-protocol'

/**
 * One bot: its thread, the queue of market events it has yet to see, its restarts, its
 * checkpoints and its hot swaps. Events go to the thread one callback at a time, candles in
 * order and never skipped, fills in order, ticks coalesced to the latest. After each callback
 * the bot's state and decision-id counter are committed together (see DecisionIds).
 */

export interface RunnerDeps {
  call: HostCall
  store: StrategyStore
  threadEntry: string
  policy: RestartPolicyOptions
  /** The bot's row or state changed (botChanged). */
  changed(runner: BotRunner): void
  logged(entry: BotLogEntry): void
  /** A file version failed as a bot's first call after a reload: the catalog shows the error. */
  reloadFailed(strategy: string, hash: string, error: ThreadError): void
  now(): number
}

export const BOT_RESTART_POLICY: RestartPolicyOptions = {
  maxRestarts: 3,
  windowMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 30_000,
  coolDownMs: 5 * 60_000
}
/** Even the first restart waits this long: a crashing bot is visibly errored, and no hot loop. */
const MIN_RESTART_DELAY_MS = 1_000
const MAX_STATE_BYTES = 1_000_000
const MAX_LOGS_PER_CALL = 50
const MAX_QUEUED = 5_000
/** History loaded for a strategy that declares no warmup (ctx.candles(n) answers from it). */
const DEFAULT_HISTORY = 200

export function toThreadCandle(c: Candle): ThreadCandle {
  return { time: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] }
}

type Work = { hook: 'onCandle'; candle: ThreadCandle } | { hook: 'onFill'; fill: Fill } | { hook: 'onTick'; ticker: ThreadTicker }

export class BotRunner {
  private thread: BotThread | undefined
  private started: Started | undefined
  private code: StrategyCode
  /** A newer file version to switch to at the next candle boundary. */
  private nextCode: CompiledStrategy | undefined
  private readonly rejected = new Set<string>()
  private checkpoint: Checkpoint
  private ids: DecisionIds
  private readonly account: AccountView
  private readonly signals: BotSignals
  private readonly policy: RestartPolicy
  private history: ThreadCandle[] | undefined
  private readonly candles: ThreadCandle[] = []
  private readonly fills: Fill[] = []
  private tick: ThreadTicker | undefined
  private lastQueued: number | null
  private busy = false
  private clock = 0
  private launchedAt = 0
  private restartTimer: NodeJS.Timeout | undefined
  private logsThisCall = 0
  /** The work item being handled, to hand back to the old version on a rollback. */
  private inFlight: Work | undefined
  /** After a hot swap, until the new version's first callback ends well: what to go back to. */
  private probation: { thread: BotThread; started: Started; code: StrategyCode; hash: string } | undefined
  private generation = 0

  constructor(
    public row: BotRow,
    code: StrategyCode,
    /** Closed candles the strategy wants before its first onCandle (what history to load). */
    private readonly warmup: number | undefined,
    private readonly deps: RunnerDeps
  ) {
    this.code = code
    this.checkpoint = deps.store.checkpoint(row.id) ?? { state: {}, lastCandle: null, ids: { bucket: null, n: 0 }, code: null }
    this.ids = new DecisionIds(row.id, this.checkpoint.ids)
    this.lastQueued = this.checkpoint.lastCandle
    this.account = new AccountView(deps.call, this.accountId, row.config.symbol)
    this.signals = new BotSignals(deps.call, () => {
      const { exchange, symbol, timeframe } = this.row.config
      return { exchange, symbol, timeframe }
    })
    this.policy = new RestartPolicy(deps.policy)
    // A file bot resumes with the version it last ran, whatever is on disk now.
    if (this.checkpoint.code && code.kind === 'file') this.code = { kind: 'file', compiled: JSON.parse(this.checkpoint.code) as CompiledStrategy }
  }

  get id(): string {
    return this.row.id
  }
  get accountId(): string {
    return `bot:${this.row.id}`
  }
  get strategyName(): string | undefined {
    return this.started?.meta.name
  }
  get runningHash(): string | undefined {
    return this.code.kind === 'file' ? this.code.compiled.hash : undefined
  }
  private get tfMs(): number {
    return TIMEFRAME_MS[this.row.config.timeframe]
  }

  // ── lifecycle ──

  start(): void {
    if (this.row.state === 'running' && this.thread) return
    if (this.row.state === 'quarantined') this.policy.beginHalfOpen()
    clearTimeout(this.restartTimer)
    this.setState('running', this.row.state === 'running' ? this.row.lastError : null)
    this.row.startedAt = this.deps.now()
    this.persist()
    this.log('info', `started (${this.row.config.strategy} on ${this.row.config.exchange} ${this.row.config.symbol} ${this.row.config.timeframe})`)
    void this.launch()
  }

  /** Graceful: onStop runs (within the budget) when the bot is idle; a busy bot is terminated. */
  async stop(reason = 'stopped', cancelOrders = false): Promise<void> {
    clearTimeout(this.restartTimer)
    this.endProbation()
    const thread = this.thread
    this.generation++
    this.thread = undefined
    this.setState('stopped', this.row.lastError)
    this.persist()
    if (thread && this.started?.meta.hooks.includes('onStop') && !this.busy) {
      try {
        await this.runCall(thread, 'onStop', undefined)
      } catch (err) {
        if (err instanceof BotFailure) this.log('warn', `onStop failed: ${err.message}`)
      }
    }
    await thread?.terminate()
    this.busy = false
    if (cancelOrders) await this.cancelOpenOrders()
    this.log('info', reason)
  }

  /** A protection breach: no new orders until the user starts the bot again. */
  async pause(why: string): Promise<void> {
    await this.halt('paused', { kind: 'protection', message: why })
  }

  async cancelOpenOrders(): Promise<number> {
    try {
      const result = (await this.deps.call('cancelAll', { account: this.accountId })) as { cancelled?: unknown[] }
      return result.cancelled?.length ?? 0
    } catch (err) {
      this.log('warn', `cancelling open orders failed: ${KeelError.from(err).message}`)
      return 0
    }
  }

  async dispose(): Promise<void> {
    clearTimeout(this.restartTimer)
    this.endProbation()
    this.generation++
    const thread = this.thread
    this.thread = undefined
    await thread?.terminate()
  }

  /** Reset the bot to a fresh start (after a settings change that invalidates its state). */
  resetProgress(): void {
    this.checkpoint = { state: {}, lastCandle: null, ids: this.ids.snapshot(), code: null }
    this.deps.store.saveCheckpoint(this.id, this.checkpoint, this.deps.now())
    this.lastQueued = null
    this.history = undefined
  }

  private async halt(state: 'paused' | 'quarantined' | 'errored', error: Omit<BotError, 'at'>): Promise<void> {
    this.endProbation()
    const thread = this.thread
    this.generation++
    this.thread = undefined
    this.busy = false
    await thread?.terminate()
    this.setState(state, { ...error, at: this.deps.now() })
    this.persist()
    this.log(state === 'paused' ? 'warn' : 'error', `${state}: ${error.message}`, error.stack ? { stack: error.stack } : undefined)
  }

  private async launch(): Promise<void> {
    const generation = ++this.generation
    const thread = this.newThread()
    this.thread = thread
    this.started = undefined // no callback reaches the new thread before its onStart has ended
    this.launchedAt = performance.now()
    try {
      const history = await this.loadHistory()
      const snapshot = await this.account.current()
      const signals = await this.signalsAfter(history)
      if (generation !== this.generation) return void thread.terminate()
      this.clock = Math.max(this.clock, this.deps.now())
      this.started = await thread.start({
        code: this.code,
        symbol: this.row.config.symbol,
        timeframe: this.row.config.timeframe,
        params: this.row.config.params,
        state: this.checkpoint.state,
        candles: history,
        snapshot,
        run: true,
        now: this.clock,
        signals
      })
      if (generation !== this.generation) return
      this.commit(this.started.state, this.checkpoint.lastCandle)
      this.pump()
    } catch (err) {
      if (generation === this.generation) this.failed(err)
    }
  }

  private newThread(): BotThread {
    const thread: BotThread = new BotThread({
      entry: this.deps.threadEntry,
      budgetMs: this.row.config.budgetMs,
      memoryMb: this.row.config.memoryMb,
      onOrder: (request) => this.placeOrder(request),
      onCancel: (orderId) => this.cancelOrder(orderId),
      onLog: (level, message, data) => this.userLog(level, message, data),
      // A fault of an idle thread; a candidate of a hot swap that faults is simply not adopted.
      onFault: (error) => {
        if (this.thread === thread && this.row.state === 'running' && !this.busy) this.failed(new BotFailure(error))
      }
    })
    return thread
  }

  /**
   * The closed candles the strategy starts with; on a resume, those after the checkpoint are
   * replayed through onCandle (with the decision ids they had) instead of being skipped.
   */
  private async loadHistory(): Promise<ThreadCandle[]> {
    if (!this.history) {
      const { exchange, symbol, timeframe } = this.row.config
      const limit = Math.min(MAX_CANDLES, Math.max(DEFAULT_HISTORY, (this.warmup ?? 0) + 1))
      const raw = await this.deps.call('candles', { exchange, symbol, timeframe, limit })
      const now = this.deps.now()
      const closed = (raw as Candle[]).map(toThreadCandle).filter((c) => c.time + this.tfMs <= now)
      const last = this.checkpoint.lastCandle
      this.history = last === null ? closed : closed.filter((c) => c.time <= last)
      const replay = last === null ? [] : closed.filter((c) => c.time > last)
      if (last === null && closed.length) this.checkpoint.lastCandle = closed[closed.length - 1]!.time
      this.candles.unshift(...replay.filter((c) => !this.candles.some((q) => q.time === c.time)))
      this.candles.sort((a, b) => a.time - b.time)
      this.lastQueued = Math.max(this.lastQueued ?? -Infinity, this.checkpoint.lastCandle ?? -Infinity, ...this.candles.map((c) => c.time))
      if (!Number.isFinite(this.lastQueued)) this.lastQueued = null
      if (replay.length) this.log('info', `replaying ${replay.length} candle(s) closed since the last checkpoint`)
    }
    return this.history
  }

  // ── market events in ──

  onCandle(candle: Candle): void {
    const c = toThreadCandle(candle)
    if (this.lastQueued !== null && c.time <= this.lastQueued) return
    this.lastQueued = c.time
    this.candles.push(c)
    if (this.candles.length > MAX_QUEUED) this.candles.shift()
    this.pump()
  }

  onTicker(ticker: Ticker): void {
    if (!this.started?.meta.hooks.includes('onTick')) return
    this.tick = { symbol: ticker.symbol, time: ticker.timestamp, last: ticker.last, bid: ticker.bid, ask: ticker.ask }
    this.pump()
  }

  onFill(fill: Fill): void {
    this.account.markDirty()
    this.row.fills += 1
    this.persist()
    this.deps.changed(this)
    if (this.started?.meta.hooks.includes('onFill') && this.fills.length < MAX_QUEUED) {
      this.fills.push(fill)
      this.pump()
    }
  }

  onOrderUpdated(): void {
    this.account.markDirty()
  }

  /** A new good version of this bot's strategy file (compiled and probed by the catalog). */
  offer(strategy: string, compiled: CompiledStrategy): void {
    if (strategy !== this.row.config.strategy || compiled.hash === this.runningHash || this.rejected.has(compiled.hash)) return
    if (this.row.state === 'running' && this.thread) {
      this.nextCode = compiled
      this.log('info', 'a new version of the strategy is ready: it takes over at the next candle')
    } else {
      this.code = { kind: 'file', compiled }
      this.nextCode = undefined
    }
  }

  // ── the callback loop ──

  private pump(): void {
    if (this.busy || !this.thread || !this.started || this.row.state !== 'running') return
    const work = this.nextWork()
    if (!work) return
    this.busy = true
    const thread = this.thread
    const generation = this.generation
    void this.run(thread, work).then(
      () => {
        if (generation !== this.generation) return
        this.busy = false
        this.pump()
      },
      (err: unknown) => {
        if (generation !== this.generation) return
        this.busy = false
        this.failed(err)
      }
    )
  }

  private nextWork(): Work | undefined {
    const candle = this.candles.shift()
    if (candle) return { hook: 'onCandle', candle }
    const fill = this.fills.shift()
    if (fill) return { hook: 'onFill', fill }
    const ticker = this.tick
    this.tick = undefined
    return ticker ? { hook: 'onTick', ticker } : undefined
  }

  private async run(thread: BotThread, work: Work): Promise<void> {
    this.inFlight = work
    if (work.hook === 'onCandle') {
      this.clock = Math.max(this.clock, work.candle.time + this.tfMs)
      if (this.nextCode) thread = await this.swap(thread)
      if (!this.started?.meta.hooks.includes('onCandle')) return this.candleSeen(work.candle)
      const state = await this.runCall(thread, 'onCandle', work.candle, await this.signals.forCandle(work.candle.time))
      this.remember(work.candle)
      this.commit(state, work.candle.time)
      return
    }
    if (work.hook === 'onFill') {
      this.clock = Math.max(this.clock, work.fill.timestamp)
      return this.commit(await this.runCall(thread, 'onFill', work.fill), this.checkpoint.lastCandle)
    }
    this.clock = Math.max(this.clock, work.ticker.time)
    this.commit(await this.runCall(thread, 'onTick', work.ticker), this.checkpoint.lastCandle)
  }

  private candleSeen(candle: ThreadCandle): void {
    this.remember(candle)
    this.commit(this.checkpoint.state, candle.time, false)
  }

  private remember(candle: ThreadCandle): void {
    this.history?.push(candle)
    if (this.history && this.history.length > MAX_CANDLES) this.history.shift()
  }

  private async runCall(thread: BotThread, hook: Hook, arg: unknown, signals?: StrategySignals): Promise<Record<string, unknown>> {
    this.logsThisCall = 0
    const snapshot = await this.account.current()
    return thread.call(hook, arg, snapshot, this.clock, signals)
  }

  /** ctx.signals at onStart: the signal on the last candle the strategy starts with. */
  private signalsAfter(history: readonly ThreadCandle[]): Promise<StrategySignals | undefined> {
    const last = history.at(-1)
    return last ? this.signals.forCandle(last.time) : Promise.resolve(undefined)
  }

  /**
   * Hot swap at a candle boundary: the new version starts (onStart) from the current state and
   * takes over on probation, the old thread kept idle; the new version's first callback ending
   * well ends the probation (commit). Its onStart or first callback failing rolls back: the
   * old version resumes and handles the same event. Returns the thread to run this candle on.
   */
  private async swap(old: BotThread): Promise<BotThread> {
    const next = this.nextCode!
    this.nextCode = undefined
    const candidate = this.newThread()
    try {
      const started = await candidate.start({
        code: { kind: 'file', compiled: next },
        symbol: this.row.config.symbol,
        timeframe: this.row.config.timeframe,
        params: this.row.config.params,
        state: this.checkpoint.state,
        candles: (this.history ?? []).slice(),
        snapshot: await this.account.current(),
        run: true,
        now: this.clock,
        signals: await this.signalsAfter(this.history ?? [])
      })
      this.probation = { thread: old, started: this.started!, code: this.code, hash: next.hash }
      this.thread = candidate
      this.started = started
      this.code = { kind: 'file', compiled: next }
      return candidate
    } catch (err) {
      void candidate.terminate()
      this.rejectVersion(next.hash, err)
      return old
    }
  }

  /** The version on probation failed: back to the old thread, the failed event goes to it again. */
  private rollBack(err: unknown): void {
    const probation = this.probation!
    this.probation = undefined
    const failed = this.thread
    this.thread = probation.thread
    this.started = probation.started
    this.code = probation.code
    void failed?.terminate()
    this.rejectVersion(probation.hash, err)
    const work = this.inFlight
    if (work?.hook === 'onCandle') this.candles.unshift(work.candle)
    else if (work?.hook === 'onFill') this.fills.unshift(work.fill)
    this.pump()
  }

  private rejectVersion(hash: string, err: unknown): void {
    const error: ThreadError = err instanceof BotFailure ? err.error : { kind: 'threw', message: KeelError.from(err).message }
    this.rejected.add(hash)
    this.deps.reloadFailed(this.row.config.strategy, hash, error)
    this.log('error', `reload rolled back, the previous version keeps running: ${error.message}`, error.stack ? { stack: error.stack } : undefined)
  }

  private commit(state: Record<string, unknown>, lastCandle: number | null, afterCallback = true): void {
    const json = JSON.stringify(state)
    if (json.length > MAX_STATE_BYTES) throw new BotFailure({ kind: 'threw', message: `ctx.state is ${json.length} bytes as JSON, above the ${MAX_STATE_BYTES} limit` })
    this.checkpoint = {
      state,
      lastCandle,
      ids: this.ids.snapshot(),
      code: this.code.kind === 'file' ? JSON.stringify(this.code.compiled) : null
    }
    this.deps.store.saveCheckpoint(this.id, this.checkpoint, this.deps.now())
    if (this.probation && afterCallback) {
      this.endProbation()
      this.log('info', 'reloaded: the new version of the strategy runs from here on')
    }
  }

  private endProbation(): void {
    void this.probation?.thread.terminate()
    this.probation = undefined
  }

  private failed(err: unknown): void {
    if (this.probation) return this.rollBack(err)
    const error: ThreadError = err instanceof BotFailure ? err.error : { kind: 'crashed', message: KeelError.from(err).message }
    this.row.restarts += 1
    // Candles stay queued and are replayed after the restart; the thread's ticks are stale by then.
    this.tick = undefined
    const decision = this.policy.onFailure(performance.now(), performance.now() - this.launchedAt)
    if (decision.kind === 'open') {
      void this.halt('quarantined', { ...error, message: `${error.message} — quarantined after ${this.deps.policy.maxRestarts} restarts in ${this.deps.policy.windowMs / 1000} s` })
      return
    }
    void this.halt('errored', error).then(() => {
      const delay = Math.max(MIN_RESTART_DELAY_MS, decision.delayMs)
      this.log('info', `restarting in ${delay} ms`)
      this.restartTimer = setTimeout(() => {
        if (this.row.state !== 'errored') return
        this.setState('running', this.row.lastError)
        this.persist()
        void this.launch()
      }, delay)
    })
  }

  // ── orders out ──

  private async placeOrder(request: Record<string, unknown>): Promise<{ order: Order; snapshot: AccountSnapshot }> {
    if (this.row.state !== 'running') throw new KeelError('rejected', `the bot is ${this.row.state}`)
    const { account: _a, clientOrderId: _c, ...rest } = request
    if (rest.symbol !== this.row.config.symbol) throw new KeelError('bad_request', `this bot trades ${this.row.config.symbol} only (got ${String(rest.symbol)})`)
    const bucket = Math.floor(this.clock / this.tfMs)
    let clientOrderId = this.ids.next(bucket)
    let raw: unknown
    try {
      raw = await this.deps.call('placeOrder', { ...rest, account: this.accountId, clientOrderId })
    } catch (err) {
      const error = KeelError.from(err)
      // The id was used by a decision this bot made before a crash, and this one differs: next id.
      if (!/already used for a different order/.test(error.message)) return this.refused(error, rest)
      clientOrderId = this.ids.next(bucket)
      raw = await this.deps.call('placeOrder', { ...rest, account: this.accountId, clientOrderId }).catch((again: unknown) => this.refused(KeelError.from(again), rest))
    }
    const order = Order.parse(raw)
    this.row.orders += 1
    this.persist()
    this.deps.changed(this)
    this.log('info', `order ${order.side} ${order.amount} ${order.symbol} ${order.type}: ${order.status}`, { orderId: order.id, clientOrderId })
    return { order, snapshot: await this.account.refresh() }
  }

  private refused(error: KeelError, request: Record<string, unknown>): never {
    this.log('warn', `order refused (${error.code}): ${error.message}`, { request })
    const protection = refusedBy(error.message)
    if (protection && (PAUSING_PROTECTIONS as readonly string[]).includes(protection)) void this.pause(error.message)
    throw error
  }

  private async cancelOrder(orderId: string): Promise<{ order: Order; snapshot: AccountSnapshot }> {
    const order = Order.parse(await this.deps.call('cancelOrder', { account: this.accountId, orderId }))
    this.log('info', `cancelled ${order.id}`)
    return { order, snapshot: await this.account.refresh() }
  }

  // ── bookkeeping ──

  private userLog(level: 'info' | 'warn' | 'error', message: string, data: unknown): void {
    this.logsThisCall += 1
    if (this.logsThisCall > MAX_LOGS_PER_CALL) {
      if (this.logsThisCall === MAX_LOGS_PER_CALL + 1) this.log('warn', `more than ${MAX_LOGS_PER_CALL} log lines in one callback: the rest are dropped`)
      return
    }
    this.log(level, message, data)
  }

  log(level: BotLogEntry['level'], message: string, data?: unknown): void {
    let safe: unknown
    try {
      safe = data === undefined ? undefined : (JSON.parse(JSON.stringify(data)) as unknown)
    } catch {
      safe = undefined
    }
    const entry = this.deps.store.appendLog({ botId: this.id, at: this.deps.now(), level, message, data: safe })
    this.deps.logged(entry)
  }

  private setState(state: BotRow['state'], lastError: BotError | null): void {
    this.row.state = state
    this.row.lastError = lastError
    this.deps.changed(this)
  }

  persist(): void {
    this.deps.store.updateBot(this.row)
  }
}
