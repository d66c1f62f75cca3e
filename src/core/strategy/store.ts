import Database from 'better-sqlite3'
import { z } from 'zod'
import { BotError, BotLogEntry, BotState, CreateBotParams, type BotLogParams } from '../../shared/bots'
import { Timeframe } from '../../shared/market-data'
import { migrateStrategyDb } from './store-migrations'

/**
 * strategy.db: bots, their state checkpoints and their decision log. Owned by the strategy
 * worker alone. Rows are read back through zod: a damaged row names itself instead of
 * starting a bot with garbage.
 */

export const BotConfig = CreateBotParams.omit({ start: true }).extend({ timeframe: Timeframe })
export type BotConfig = z.output<typeof BotConfig>

export interface BotRow {
  id: string
  config: BotConfig
  state: BotState
  lastError: BotError | null
  startedAt: number | null
  restarts: number
  orders: number
  fills: number
  createdAt: number
}

export interface Checkpoint {
  state: Record<string, unknown>
  lastCandle: number | null
  ids: { bucket: number | null; n: number }
  /** The compiled strategy version the bot ran (JSON), for file strategies. */
  code: string | null
}

const MAX_LOG_PER_BOT = 5000

export class StrategyStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): StrategyStore {
    const db = new Database(path)
    try {
      db.pragma('journal_mode = WAL')
      // A checkpoint lost to a power cut replays candles with the same decision ids: NORMAL is enough.
      db.pragma('synchronous = NORMAL')
      db.pragma('busy_timeout = 5000')
      db.pragma('foreign_keys = ON')
      migrateStrategyDb(db)
      return new StrategyStore(db)
    } catch (err) {
      db.close()
      throw err
    }
  }

  insertBot(row: BotRow): void {
    this.db
      .prepare('INSERT INTO bots (id, config, state, last_error, started_at, restarts, orders, fills, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, JSON.stringify(row.config), row.state, row.lastError ? JSON.stringify(row.lastError) : null, row.startedAt, row.restarts, row.orders, row.fills, row.createdAt)
  }

  updateBot(row: BotRow): void {
    this.db
      .prepare('UPDATE bots SET config = ?, state = ?, last_error = ?, started_at = ?, restarts = ?, orders = ?, fills = ? WHERE id = ?')
      .run(JSON.stringify(row.config), row.state, row.lastError ? JSON.stringify(row.lastError) : null, row.startedAt, row.restarts, row.orders, row.fills, row.id)
  }

  deleteBot(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM log WHERE bot_id = ?').run(id)
      this.db.prepare('DELETE FROM bots WHERE id = ?').run(id)
    })()
  }

  /** Every bot that reads back; a damaged row is reported, not loaded. */
  bots(onDamaged: (id: string, why: string) => void): BotRow[] {
    const rows = this.db.prepare('SELECT * FROM bots ORDER BY created_at').all() as Array<Record<string, unknown>>
    const out: BotRow[] = []
    for (const r of rows) {
      try {
        out.push({
          id: String(r.id),
          config: BotConfig.parse(JSON.parse(String(r.config))),
          state: BotState.parse(r.state),
          lastError: r.last_error ? BotError.parse(JSON.parse(String(r.last_error))) : null,
          startedAt: typeof r.started_at === 'number' ? r.started_at : null,
          restarts: Number(r.restarts),
          orders: Number(r.orders),
          fills: Number(r.fills),
          createdAt: Number(r.created_at)
        })
      } catch (err) {
        onDamaged(String(r.id), err instanceof Error ? err.message : String(err))
      }
    }
    return out
  }

  checkpoint(botId: string): Checkpoint | undefined {
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE bot_id = ?').get(botId) as Record<string, unknown> | undefined
    if (!r) return undefined
    return {
      state: z.record(z.string(), z.unknown()).parse(JSON.parse(String(r.state))),
      lastCandle: typeof r.last_candle === 'number' ? r.last_candle : null,
      ids: { bucket: typeof r.id_bucket === 'number' ? r.id_bucket : null, n: Number(r.id_n) },
      code: typeof r.code === 'string' ? r.code : null
    }
  }

  saveCheckpoint(botId: string, cp: Checkpoint, at: number): void {
    this.db
      .prepare(
        `INSERT INTO checkpoints (bot_id, state, last_candle, id_bucket, id_n, code, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (bot_id) DO UPDATE SET state = excluded.state, last_candle = excluded.last_candle, id_bucket = excluded.id_bucket,
           id_n = excluded.id_n, code = excluded.code, updated_at = excluded.updated_at`
      )
      .run(botId, JSON.stringify(cp.state), cp.lastCandle, cp.ids.bucket, cp.ids.n, cp.code, at)
  }

  clearCheckpoint(botId: string): void {
    this.db.prepare('DELETE FROM checkpoints WHERE bot_id = ?').run(botId)
  }

  appendLog(entry: Omit<BotLogEntry, 'seq'>): BotLogEntry {
    const data = entry.data === undefined ? null : JSON.stringify(entry.data)
    const info = this.db.prepare('INSERT INTO log (bot_id, at, level, message, data) VALUES (?, ?, ?, ?, ?)').run(entry.botId, entry.at, entry.level, entry.message, data)
    const seq = Number(info.lastInsertRowid)
    if (seq % 500 === 0) this.trimLog(entry.botId, seq)
    return { ...entry, seq }
  }

  log(params: BotLogParams): BotLogEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM log WHERE bot_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
      .all(params.id, params.before ?? Number.MAX_SAFE_INTEGER, params.limit) as Array<Record<string, unknown>>
    return rows.map((r) => ({
      botId: String(r.bot_id),
      seq: Number(r.seq),
      at: Number(r.at),
      level: r.level as BotLogEntry['level'],
      message: String(r.message),
      ...(r.data ? { data: JSON.parse(String(r.data)) as unknown } : {})
    }))
  }

  private trimLog(botId: string, seq: number): void {
    this.db.prepare('DELETE FROM log WHERE bot_id = ? AND seq <= ?').run(botId, seq - MAX_LOG_PER_BOT * 4)
  }

  close(): void {
    this.db.close()
  }
}
