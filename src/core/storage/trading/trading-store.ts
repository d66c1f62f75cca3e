import Database from 'better-sqlite3'
import {
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
 * trading.db for the execution worker: loads the engine's state from the rows and writes what
 * each batch of inputs changed. Applying inputs is the executor's job (src/core/execution).
 */
export class TradingStore {
  private readonly sql: Statements

  private constructor(
    private readonly db: Database.Database,
    private readonly options: TradingStoreOptions
  ) {
    this.sql = prepareStatements(db)
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

  /**
   * Writes, in one transaction, the rows every result changed and the journal row of every
   * command (group commit: a row touched several times is written once, with its last value).
   */
  write(batch: readonly { input: EngineInput; result: ApplyResult }[]): void {
    const writer = new EffectWriter(this.sql)
    for (const { input, result } of batch) {
      writer.add(result.effects)
      if (isCommand(input)) writer.journal(input, result.reply)
    }
    if (!writer.empty) this.db.transaction(() => writer.write())()
  }

  /** One order from disk, by id or by client order id: for orders outside the engine's memory. */
  findOrder(ref: { orderId: string } | { account: string; clientOrderId: string }): OrderRecord | undefined {
    const data = 'orderId' in ref ? this.sql.orderById.get(ref.orderId) : this.sql.orderByClientId.get(ref.account, ref.clientOrderId)
    return typeof data === 'string' ? (JSON.parse(data) as OrderRecord) : undefined
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
