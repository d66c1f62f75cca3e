import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import {
  botAccount,
  patchProtections,
  type Bot,
  type BotLogEntry,
  type BotLogParams,
  type CreateBotParams,
  type ListStrategiesResult,
  type StopBotParams,
  type UpdateBotParams
} from '../../shared/bots'
import type { EventInput } from '../../shared/api'
import { KeelError } from '../../shared/errors'
import type { CandleEvent } from '../../shared/market'
import type { Ticker } from '../../shared/market-data'
import { AccountSummary, type FillCreated, type OrderUpdated } from '../../shared/trading'
import type { HostCall } from './account-view'
import { BOT_RESTART_POLICY, BotRunner } from './bot-runner'
import { StrategyCatalog } from './catalog'
import { strategiesFolder } from './folder'
import { resolveParams } from './params'
import { StrategyStore, type BotConfig, type BotRow } from './store'
import { writeStrategySdk } from './sdk-files'
import type { RestartPolicyOptions } from '../supervision/restart-policy'

/**
 * Every bot of this Keel: created, changed, started, stopped and deleted through the API,
 * persisted in strategy.db, resumed after any restart, and fed the market events they trade on.
 */

export interface ManagerOptions {
  dataDir: string
  threadEntry: string
  call: HostCall
  emit<E extends 'botChanged' | 'botLog'>(event: E, payload: EventInput<E>): void
  now?: () => number
  policy?: RestartPolicyOptions
  log?: { warn(...args: unknown[]): void }
}

export class BotManager {
  private readonly runners = new Map<string, BotRunner>()
  private readonly changeTimers = new Map<string, NodeJS.Timeout>()
  private readonly store: StrategyStore
  readonly catalog: StrategyCatalog
  private readonly now: () => number
  private loading: Promise<void> | undefined

  constructor(private readonly options: ManagerOptions) {
    this.now = options.now ?? Date.now
    this.store = StrategyStore.open(join(options.dataDir, 'strategy.db'))
    this.catalog = new StrategyCatalog({
      folder: strategiesFolder(options.dataDir),
      threadEntry: options.threadEntry,
      onVersion: (strategy, compiled) => {
        for (const runner of this.runners.values()) runner.offer(strategy, compiled)
      },
      onChange: (strategy) => {
        const error = this.catalog.errorOf(strategy)
        if (!error) return
        for (const runner of this.runners.values()) {
          if (runner.row.config.strategy === strategy) runner.log('error', `the new version does not load, the running version stays: ${error.message}`, error.location ? { location: error.location } : undefined)
        }
      }
    })
  }

  /**
   * Loads the strategy files (each compiled and probed in a thread: tens of ms a file) and
   * resumes the bots. Idempotent; every API call waits for it, so a caller may start it without
   * waiting (the strategy worker answers ready first, and is back from a crash just as fast
   * with many strategy files as with none).
   */
  start(): Promise<void> {
    return (this.loading ??= this.load())
  }

  private async load(): Promise<void> {
    await this.catalog.start()
    await writeStrategySdk(this.catalog.folder).catch((err: unknown) => this.options.log?.warn('could not write the strategy SDK files', err))
    for (const row of this.store.bots((id, why) => this.options.log?.warn(`bot ${id} in strategy.db is damaged and was not loaded: ${why}`))) {
      const runner = this.runnerFor(row)
      if (!runner) continue
      // Bots resume after any restart: running ones (and those waiting to restart) start again.
      if (row.state === 'running' || row.state === 'errored') void this.startRunner(runner)
    }
  }

  async stop(): Promise<void> {
    await this.loading?.catch(() => undefined) // its watcher and runners exist before they are stopped
    this.catalog.stop()
    for (const timer of this.changeTimers.values()) clearTimeout(timer)
    await Promise.all([...this.runners.values()].map((r) => r.dispose()))
    this.store.close()
  }

  // ── API ──

  async listStrategies(): Promise<ListStrategiesResult> {
    await this.start()
    return { folder: this.catalog.folder, strategies: this.catalog.list() }
  }

  async createBot(params: CreateBotParams): Promise<Bot> {
    await this.start()
    const { start, ...settings } = params
    await this.catalog.settle(settings.strategy)
    const resolved = this.catalog.resolve(settings.strategy)
    const config: BotConfig = {
      ...settings,
      params: resolveParams(resolved.params, settings.params),
      timeframe: settings.timeframe ?? resolved.timeframe ?? '1m'
    }
    await this.options.call('ticker', { exchange: config.exchange, symbol: config.symbol }) // unknown market → its 4xx now
    const id = newBotId()
    const quote = config.symbol.split('/')[1]!
    await this.options.call('resetAccount', { account: botAccount(id), balances: config.balances, exchange: config.exchange, quote })
    await this.options.call('setProtections', { account: botAccount(id), protections: config.protections })
    const row: BotRow = { id, config, state: 'stopped', lastError: null, startedAt: null, restarts: 0, orders: 0, fills: 0, createdAt: this.now() }
    this.store.insertBot(row)
    const runner = this.runnerFor(row)!
    runner.log('info', `created: ${resolved.name} on ${config.exchange} ${config.symbol} ${config.timeframe}`)
    if (start) await this.startRunner(runner)
    return this.view(runner)
  }

  async updateBot(params: UpdateBotParams): Promise<Bot> {
    const runner = await this.runnerOf(params.id)
    const { id: _id, protections, ...changes } = params
    const before = runner.row.config
    const config: BotConfig = { ...before, ...stripUndefined(changes), protections: patchProtections(before.protections, protections ?? {}) }
    const resolved = this.catalog.resolve(config.strategy)
    config.params = resolveParams(resolved.params, params.params ?? (config.strategy === before.strategy ? before.params : {}))
    if (params.symbol && params.symbol !== before.symbol) await this.options.call('ticker', { exchange: config.exchange, symbol: config.symbol })
    const wasRunning = runner.row.state === 'running'
    if (wasRunning) await runner.stop('stopped to apply new settings')
    await this.options.call('setProtections', { account: runner.accountId, protections: config.protections })
    const fresh = config.strategy !== before.strategy || config.symbol !== before.symbol || config.timeframe !== before.timeframe
    await runner.dispose()
    runner.row.config = config
    this.store.updateBot(runner.row)
    this.runners.delete(runner.id)
    const next = this.runnerFor(runner.row)!
    if (fresh) next.resetProgress()
    next.log('info', 'settings changed')
    if (wasRunning) await this.startRunner(next)
    return this.view(next)
  }

  async startBot(id: string): Promise<Bot> {
    const runner = await this.runnerOf(id)
    await this.startRunner(runner)
    return this.view(runner)
  }

  async stopBot({ id, cancelOrders }: StopBotParams): Promise<Bot> {
    const runner = await this.runnerOf(id)
    await runner.stop('stopped', cancelOrders)
    return this.view(runner)
  }

  async deleteBot(id: string): Promise<{ ok: true }> {
    const runner = await this.runnerOf(id)
    await runner.stop('deleted', true)
    await runner.dispose()
    this.runners.delete(id)
    this.store.deleteBot(id)
    await this.options.call('setProtections', { account: runner.accountId, protections: null }).catch(() => undefined)
    this.options.emit('botChanged', { id, bot: null, deleted: true })
    return { ok: true }
  }

  async listBots(): Promise<Bot[]> {
    await this.start()
    return Promise.all([...this.runners.values()].map((r) => this.view(r)))
  }

  async botLog(params: BotLogParams): Promise<{ entries: BotLogEntry[] }> {
    await this.runnerOf(params.id)
    return { entries: this.store.log(params) }
  }

  // ── events in ──

  candle(event: CandleEvent): void {
    if (!event.closed) return
    for (const r of this.runners.values()) {
      const c = r.row.config
      if (c.exchange === event.exchange && c.symbol === event.symbol && c.timeframe === event.timeframe) r.onCandle(event.candle)
    }
  }

  ticker(ticker: Ticker): void {
    for (const r of this.runners.values()) {
      if (r.row.config.exchange === ticker.exchange && r.row.config.symbol === ticker.symbol) r.onTicker(ticker)
    }
  }

  fill(event: FillCreated): void {
    this.byAccount(event.account)?.onFill(event.fill)
  }

  orderUpdated(event: OrderUpdated): void {
    this.byAccount(event.account)?.onOrderUpdated()
  }

  /** The kill switch was engaged: every running bot halts (execution already refuses their orders). */
  async halt(reason: string): Promise<void> {
    await this.start()
    await Promise.all([...this.runners.values()].filter((r) => r.row.state === 'running' || r.row.state === 'errored').map((r) => r.pause(reason)))
  }

  // ── internals ──

  private async startRunner(runner: BotRunner): Promise<void> {
    await this.options.call('setProtections', { account: runner.accountId, protections: runner.row.config.protections })
    runner.start()
  }

  private runnerFor(row: BotRow): BotRunner | undefined {
    let code
    let warmup: number | undefined
    try {
      ;({ code, warmup } = this.catalog.resolve(row.config.strategy))
    } catch (err) {
      // The file is gone or broken: a file bot still resumes from the version in its checkpoint.
      if (!row.config.strategy.startsWith('file:')) {
        this.options.log?.warn(`bot ${row.id}: ${KeelError.from(err).message}`)
        return undefined
      }
      code = { kind: 'file' as const, compiled: { file: row.config.strategy, code: '', map: '{}', hash: '' } }
    }
    const runner = new BotRunner(row, code, warmup, {
      call: this.options.call,
      store: this.store,
      threadEntry: this.options.threadEntry,
      policy: this.options.policy ?? BOT_RESTART_POLICY,
      changed: (r) => this.changedSoon(r),
      logged: (entry) => this.options.emit('botLog', entry),
      reloadFailed: (strategy, hash, error) => this.catalog.markFailed(strategy, hash, error),
      now: this.now
    })
    this.runners.set(row.id, runner)
    return runner
  }

  /** botChanged at most every 200 ms per bot: a bot trading every tick is not an event storm. */
  private changedSoon(runner: BotRunner): void {
    if (this.changeTimers.has(runner.id)) return
    this.changeTimers.set(
      runner.id,
      setTimeout(() => {
        this.changeTimers.delete(runner.id)
        if (this.runners.get(runner.id) !== runner) return
        void this.view(runner, false).then((bot) => this.options.emit('botChanged', { id: runner.id, bot, deleted: false }))
      }, 200)
    )
  }

  private async runnerOf(id: string): Promise<BotRunner> {
    await this.start()
    const runner = this.runners.get(id)
    if (!runner) throw new KeelError('not_found', `no bot ${id}`)
    return runner
  }

  private byAccount(account: string): BotRunner | undefined {
    return account.startsWith('bot:') ? this.runners.get(account.slice(4)) : undefined
  }

  private async view(runner: BotRunner, withPnl = true): Promise<Bot> {
    const { row } = runner
    let pnl: number | null = null
    if (withPnl) {
      try {
        const summary = AccountSummary.parse(await this.options.call('accountSummary', { account: runner.accountId }))
        pnl = summary.realizedPnl + summary.unrealizedPnl
      } catch {
        pnl = null // execution is restarting: the list still answers
      }
    }
    let strategyName = runner.strategyName
    if (!strategyName) {
      try {
        strategyName = this.catalog.resolve(row.config.strategy).name
      } catch {
        strategyName = row.config.strategy
      }
    }
    return {
      id: row.id,
      name: row.config.name,
      strategy: row.config.strategy,
      strategyName,
      exchange: row.config.exchange,
      symbol: row.config.symbol,
      timeframe: row.config.timeframe,
      params: row.config.params,
      account: runner.accountId,
      balances: row.config.balances,
      protections: row.config.protections,
      budgetMs: row.config.budgetMs,
      memoryMb: row.config.memoryMb,
      state: row.state,
      lastError: row.lastError,
      startedAt: row.startedAt,
      restarts: row.restarts,
      orders: row.orders,
      fills: row.fills,
      pnl,
      createdAt: row.createdAt
    }
  }
}

function newBotId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('')
}

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

