import Database from 'better-sqlite3'
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate'
import { BacktestReport, BacktestSummary, type BacktestRequest } from '../../shared/backtest'
import { migrate } from '../storage/market/migrations'

/**
 * backtests.db: every finished run (strategy, params, data range, capital, metrics and the full
 * report), so runs can be listed and compared. One writer: whoever runs backtests (the CLI in
 * its own process, or the app's backtest runner). WAL lets a reader list while a run is written.
 */

export const BACKTEST_MIGRATIONS: readonly string[] = [
  `CREATE TABLE backtests (
     id            INTEGER PRIMARY KEY,
     created_at    INTEGER NOT NULL,
     strategy      TEXT    NOT NULL,
     strategy_name TEXT    NOT NULL,
     params        TEXT    NOT NULL,
     data          TEXT    NOT NULL,
     symbol        TEXT    NOT NULL,
     timeframe     TEXT    NOT NULL,
     data_from     INTEGER NOT NULL,
     data_to       INTEGER NOT NULL,
     candles       INTEGER NOT NULL,
     cash          REAL    NOT NULL,
     metrics       TEXT    NOT NULL,
     report        BLOB    NOT NULL,
     sweep_id      INTEGER
   )`
]

interface SummaryRow {
  id: number
  created_at: number
  strategy: string
  strategy_name: string
  params: string
  data: string
  symbol: string
  timeframe: string
  data_from: number
  data_to: number
  candles: number
  cash: number
  metrics: string
  sweep_id: number | null
}

const SUMMARY_COLUMNS =
  'id, created_at, strategy, strategy_name, params, data, symbol, timeframe, data_from, data_to, candles, cash, metrics, sweep_id'

export class BacktestStore {
  readonly db: Database.Database

  constructor(path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('busy_timeout = 2000')
    migrate(this.db, BACKTEST_MIGRATIONS)
  }

  save(request: BacktestRequest, report: BacktestReport, at: number, sweepId: number | null = null): number {
    const info = this.db
      .prepare(
        `INSERT INTO backtests (created_at, strategy, strategy_name, params, data, symbol, timeframe, data_from, data_to, candles, cash, metrics, report, sweep_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        at,
        request.strategy,
        report.strategy.name,
        JSON.stringify(report.strategy.params),
        report.data.source,
        report.data.symbol,
        report.data.timeframe,
        report.data.from,
        report.data.to,
        report.data.candles,
        report.config.cash,
        JSON.stringify(report.metrics),
        Buffer.from(gzipSync(strToU8(JSON.stringify(report)), { level: 1 })),
        sweepId
      )
    return Number(info.lastInsertRowid)
  }

  list(limit = 100, before?: number): BacktestSummary[] {
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM backtests WHERE id < ? ORDER BY id DESC LIMIT ?`)
      .all(before ?? Number.MAX_SAFE_INTEGER, limit) as SummaryRow[]
    return rows.map(toSummary)
  }

  /** The full report; a row damaged on disk is reported as such, never returned half-read. */
  report(id: number): BacktestReport | undefined {
    const row = this.db.prepare('SELECT report FROM backtests WHERE id = ?').get(id) as { report: Buffer } | undefined
    if (!row) return undefined
    return BacktestReport.parse(JSON.parse(strFromU8(gunzipSync(new Uint8Array(row.report)))))
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

function toSummary(row: SummaryRow): BacktestSummary {
  return BacktestSummary.parse({
    id: row.id,
    createdAt: row.created_at,
    strategy: row.strategy,
    strategyName: row.strategy_name,
    params: JSON.parse(row.params),
    data: row.data,
    symbol: row.symbol,
    timeframe: row.timeframe,
    from: row.data_from,
    to: row.data_to,
    candles: row.candles,
    cash: row.cash,
    metrics: JSON.parse(row.metrics),
    sweepId: row.sweep_id
  })
}
