import Database from 'better-sqlite3'
import {
  apply,
  clientKey,
  createState,
  hydrateOrder,
  isCommand,
  marketKey,
  toPublicOrder,
  type AccountState,
  type ApplyResult,
  type EngineConfig,
  type EngineInput,
  type ExchangeState,
  type OrderRecord,
  type PositionState
} from '../../exchange'
import type { AccountRecord } from '../../exchange'
import type { MarketInfo } from '../../../shared/market-data'
import type { Fill, ListFillsParams, ListFillsResult, ListOrdersParams, ListOrdersResult } from '../../../shared/trading'
import { EffectWriter } from './effect-writer'
import { migrate } from './migrations'
import { prepareStatements, type Statements } from './statements'

export interface TradingStoreOptions {
  /**
   * FULL (default): every commit is fsynced, so an acknowledged order survives a power cut.
   * NORMAL: survives a process kill (SIGKILL) but not a power cut; faster per single commit.
   * With group commit (applyBatch) FULL costs little; see bench/engine.bench.ts.
   */
  synchronous?: 'FULL' | 'NORMAL'
  engine?: Partial<EngineConfig>
}

/**
 * trading.db for the execution worker: the engine's state, made durable.
 *
 * Usage: `const store = TradingStore.open(path)`; then for every command or market event
 * `store.applyAndPersist(input)` (or `store.applyBatch(inputs)` under load) and acknowledge
 * only after it returns: by then the command and everything it changed are committed. On
 * start, `open` rebuilds the state (open orders, waiting stops, balances, positions, the
 * idempotency index) from the rows.
 */
export class TradingStore {
  private readonly sql: Statements
  private engineState: ExchangeState

  private constructor(
    private readonly db: Database.Database,
    private readonly options: TradingStoreOptions
  ) {
    this.sql = prepareStatements(db)
    this.engineState = this.loadState()
  }

  static open(path: string, options: TradingStoreOptions = {}): TradingStore {
    const db = new Database(path)
    try {
      db.pragma('journal_mode = WAL')
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
      db.pragma('busy_timeout = 5000')
      migrate(db)
      return new TradingStore(db, options)
    } catch (err) {
      db.close()
      throw err
    }
  }

  /** The live engine state (read it; change it only through applyAndPersist / applyBatch). */
  get state(): ExchangeState {
    return this.engineState
  }

  applyAndPersist(input: EngineInput): ApplyResult {
    return this.applyBatch([input])[0]
  }

  /**
   * Applies the inputs in order and commits them in one transaction (group commit). If the
   * commit fails, the in-memory state is reloaded from the database and the error is thrown:
   * nothing of the batch may be acknowledged.
   */
  applyBatch(inputs: readonly EngineInput[]): ApplyResult[] {
    const results: ApplyResult[] = []
    let writer = new EffectWriter(this.sql)
    for (const input of inputs) {
      this.hydrateReferencedOrder(input)
      const result = apply(this.engineState, input)
      if (result.rollback) {
        // The input changed the state part-way and failed: keep what came before, drop the rest.
        this.commit(writer)
        this.engineState = this.loadState()
        writer = new EffectWriter(this.sql)
        results.push({ reply: result.reply, effects: [] })
        continue
      }
      writer.add(result.effects)
      if (isCommand(input)) writer.journal(input, result.reply)
      results.push(result)
    }
    this.commit(writer)
    return results
  }

  private commit(writer: EffectWriter): void {
    if (writer.empty) return
    try {
      this.db.transaction(() => writer.write())()
    } catch (err) {
      this.engineState = this.loadState()
      throw err
    }
  }

  /** Whether the journal already has this client order id (in memory or only on disk). */
  hasClientOrder(account: string, clientOrderId: string): boolean {
    if (this.engineState.byClientId.has(clientKey(account, clientOrderId))) return true
    return this.sql.orderByClientId.get(account, clientOrderId) !== undefined
  }

  /** Orders older than the engine's memory window are fetched before a command names them,
   * so idempotent re-sends and cancels of old orders behave as if they were in memory. */
  private hydrateReferencedOrder(input: EngineInput): void {
    if (input.kind !== 'placeOrder' && input.kind !== 'cancelOrder' && input.kind !== 'amendOrder') return
    const params = input.params
    if (typeof params !== 'object' || params === null) return
    const { account = 'default', orderId, clientOrderId } = params as Record<string, unknown>
    let data: unknown
    if (typeof orderId === 'string' && input.kind !== 'placeOrder') {
      if (!this.engineState.orders.has(orderId)) data = this.sql.orderById.get(orderId)
    } else if (typeof clientOrderId === 'string' && typeof account === 'string') {
      if (!this.engineState.byClientId.has(clientKey(account, clientOrderId))) {
        data = this.sql.orderByClientId.get(account, clientOrderId)
      }
    }
    if (typeof data === 'string') hydrateOrder(this.engineState, JSON.parse(data) as OrderRecord)
  }

  /** Rebuilds the engine state from the rows. */
  loadState(): ExchangeState {
    const { sql } = this
    const state = createState(this.options.engine)
    for (const data of sql.markets.all() as string[]) {
      const market = JSON.parse(data) as MarketInfo
      state.markets.set(marketKey(market.exchange, market.symbol), market)
    }
    for (const data of sql.accounts.all() as string[]) {
      const record = JSON.parse(data) as AccountRecord
      const acct: AccountState = { ...record, balances: {}, positions: {}, equityHistory: [] }
      const samples = sql.recentEquity.all(acct.id, state.config.equityHistoryLimit) as { t: number; equity: number }[]
      acct.equityHistory = samples.reverse()
      state.accounts.set(acct.id, acct)
    }
    for (const row of sql.balances.all() as { account: string; asset: string; free: number; locked: number }[]) {
      const acct = state.accounts.get(row.account)
      if (acct) acct.balances[row.asset] = { free: row.free, locked: row.locked }
    }
    for (const row of sql.positions.all() as { account: string; data: string }[]) {
      const position = JSON.parse(row.data) as PositionState
      const acct = state.accounts.get(row.account)
      if (acct) acct.positions[position.symbol] = position
    }
    const closed = (sql.recentClosed.all(state.config.closedOrderMemory) as string[]).reverse()
    for (const data of [...closed, ...(sql.liveOrders.all() as string[])]) {
      hydrateOrder(state, JSON.parse(data) as OrderRecord)
    }
    state.nextOrderSeq = (sql.maxOrderSeq.get() as number) + 1
    state.nextFillSeq = (sql.maxFillSeq.get() as number) + 1
    return state
  }

  /** Orders of an account, newest first, paged by `nextCursor`. */
  listOrders(params: ListOrdersParams): ListOrdersResult {
    const where = ['account = ?']
    const args: (string | number)[] = [params.account]
    if (params.status !== 'all') where.push(`live = ${params.status === 'open' ? 1 : 0}`)
    const rows = this.page('orders', where, args, params) as { seq: number; data: string }[]
    const orders = rows.slice(0, params.limit).map((r) => toPublicOrder(JSON.parse(r.data) as OrderRecord))
    return { orders, ...this.cursorAfter(rows, params.limit) }
  }

  /** Fills of an account (optionally one order), newest first, paged by `nextCursor`. */
  listFills(params: ListFillsParams): ListFillsResult {
    const where = ['account = ?']
    const args: (string | number)[] = [params.account]
    if (params.orderId !== undefined) {
      where.push('order_id = ?')
      args.push(params.orderId)
    }
    const rows = this.page('fills', where, args, params) as { seq: number; data: string }[]
    const fills = rows.slice(0, params.limit).map((r) => JSON.parse(r.data) as Fill)
    return { fills, ...this.cursorAfter(rows, params.limit) }
  }

  private page(
    table: 'orders' | 'fills',
    where: string[],
    args: (string | number)[],
    params: { symbol?: string; cursor?: string; limit: number }
  ): unknown[] {
    if (params.symbol !== undefined) {
      where.push('symbol = ?')
      args.push(params.symbol)
    }
    if (params.cursor !== undefined) {
      where.push('seq < ?')
      args.push(Number(params.cursor))
    }
    const query = `SELECT seq, data FROM ${table} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`
    return this.db.prepare(query).all(...args, params.limit + 1)
  }

  private cursorAfter(rows: { seq: number }[], limit: number): { nextCursor?: string } {
    return rows.length > limit ? { nextCursor: String(rows[limit - 1].seq) } : {}
  }

  /** "ok" when SQLite finds the file sound. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
