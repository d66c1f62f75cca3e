import Database from 'better-sqlite3'
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate'
import { BacktestMetrics, BacktestReport, BacktestSummary, SweepSpec, type BacktestRequest, type SweepPointResult } from '../../shared/backtest'
import type { ParamValues } from '../strategy/contract'
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
   )`,
  // 2: sweeps and their points: a crashed or stopped sweep resumes from its pending points.
  `CREATE TABLE sweeps (
     id         INTEGER PRIMARY KEY,
     created_at INTEGER NOT NULL,
     spec       TEXT    NOT NULL,
     status     TEXT    NOT NULL,
     total      INTEGER NOT NULL
   );
   CREATE TABLE sweep_points (
     sweep_id INTEGER NOT NULL REFERENCES sweeps (id),
     idx      INTEGER NOT NULL,
     params   TEXT    NOT NULL,
     status   TEXT    NOT NULL,
     metrics  TEXT,
     error    TEXT,
     PRIMARY KEY (sweep_id, idx)
   ) WITHOUT ROWID`,
  // 3: sweeps as API jobs (queued, counted, best kept, failures named) and walk-forwards whose
  // windows are each an in-sample sweep: a restarted worker resumes both where they stopped.
  // origin: 'app' jobs are the strategy worker's to resume; 'cli' ones the command line's (--resume).
  `ALTER TABLE sweeps ADD COLUMN done_points INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE sweeps ADD COLUMN failed_points INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE sweeps ADD COLUMN best_idx INTEGER;
   ALTER TABLE sweeps ADD COLUMN best_value REAL;
   ALTER TABLE sweeps ADD COLUMN error TEXT;
   ALTER TABLE sweeps ADD COLUMN walk_forward_id INTEGER;
   ALTER TABLE sweeps ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli';
   ALTER TABLE sweep_points ADD COLUMN finished_at INTEGER;
   UPDATE sweeps SET
     done_points = (SELECT COUNT(*) FROM sweep_points p WHERE p.sweep_id = sweeps.id AND p.status = 'done'),
     failed_points = (SELECT COUNT(*) FROM sweep_points p WHERE p.sweep_id = sweeps.id AND p.status = 'failed');
   CREATE TABLE walk_forwards (
     id         INTEGER PRIMARY KEY,
     created_at INTEGER NOT NULL,
     spec       TEXT    NOT NULL,
     status     TEXT    NOT NULL,
     windows    INTEGER NOT NULL,
     trials     INTEGER NOT NULL,
     error      TEXT,
     origin     TEXT    NOT NULL
   );
   CREATE TABLE walk_forward_windows (
     walk_forward_id INTEGER NOT NULL REFERENCES walk_forwards (id),
     idx             INTEGER NOT NULL,
     sweep_id        INTEGER NOT NULL,
     result          TEXT,
     PRIMARY KEY (walk_forward_id, idx)
   ) WITHOUT ROWID`,
  // 4: the candles a job was planned on (sha256), so a resume on changed data is refused.
  `ALTER TABLE sweeps ADD COLUMN data_fingerprint TEXT;
   ALTER TABLE walk_forwards ADD COLUMN data_fingerprint TEXT;`,
  // 5: the strategy's code a job was planned with, so a resume after the file was edited is refused.
  `ALTER TABLE sweeps ADD COLUMN strategy_fingerprint TEXT;
   ALTER TABLE walk_forwards ADD COLUMN strategy_fingerprint TEXT;`
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

/** Who runs a job and resumes it: the app's strategy worker, or the command line that started it. */
export type JobOrigin = 'app' | 'cli'

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

  /** A sweep and all its points, pending; `status` queued waits for the job runner, running starts now. */
  createSweep(
    spec: SweepSpec,
    points: readonly ParamValues[],
    at: number,
    options: { status?: 'queued' | 'running'; walkForwardId?: number; origin?: JobOrigin; fingerprint?: string; strategyFingerprint?: string } = {}
  ): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare('INSERT INTO sweeps (created_at, spec, status, total, walk_forward_id, origin, data_fingerprint, strategy_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(
            at,
            JSON.stringify(spec),
            options.status ?? 'running',
            points.length,
            options.walkForwardId ?? null,
            options.origin ?? 'cli',
            options.fingerprint ?? null,
            options.strategyFingerprint ?? null
          ).lastInsertRowid
      )
      const insert = this.db.prepare("INSERT INTO sweep_points (sweep_id, idx, params, status) VALUES (?, ?, ?, 'pending')")
      points.forEach((params, idx) => insert.run(id, idx, JSON.stringify(params)))
      return id
    })()
  }

  /** A sweep stored without a checkable strategy fingerprint (none, or a built-in's without its version) takes the one it is resumed with, so the next resume is checked. */
  adoptStrategyFingerprint(id: number, fingerprint: string, replaced: string | null): void {
    // Compare-and-set: only the fingerprint that could not be checked is replaced.
    this.db.prepare('UPDATE sweeps SET strategy_fingerprint = ? WHERE id = ? AND strategy_fingerprint IS ?').run(fingerprint, id, replaced)
  }

  /** fingerprint, strategyFingerprint: null for a sweep stored before they were kept (its data, or its code, cannot be checked). */
  sweep(id: number): { spec: SweepSpec; status: string; total: number; fingerprint: string | null; strategyFingerprint: string | null } | undefined {
    const row = this.db.prepare('SELECT spec, status, total, data_fingerprint, strategy_fingerprint FROM sweeps WHERE id = ?').get(id) as
      | { spec: string; status: string; total: number; data_fingerprint: string | null; strategy_fingerprint: string | null }
      | undefined
    return (
      row && {
        spec: SweepSpec.parse(JSON.parse(row.spec)),
        status: row.status,
        total: row.total,
        fingerprint: row.data_fingerprint,
        strategyFingerprint: row.strategy_fingerprint
      }
    )
  }

  /** Points not finished yet, in order. */
  pendingPoints(id: number): { index: number; params: ParamValues }[] {
    const rows = this.db.prepare("SELECT idx, params FROM sweep_points WHERE sweep_id = ? AND status = 'pending' ORDER BY idx").all(id) as { idx: number; params: string }[]
    return rows.map((r) => ({ index: r.idx, params: JSON.parse(r.params) as ParamValues }))
  }

  /** One point's outcome, durable before the next is counted as done. */
  finishPoint(id: number, result: SweepPointResult, at = Date.now()): void {
    this.db.transaction(() => {
      const changed = this.db
        .prepare("UPDATE sweep_points SET status = ?, metrics = ?, error = ?, finished_at = ? WHERE sweep_id = ? AND idx = ? AND status = 'pending'")
        .run(result.metrics ? 'done' : 'failed', result.metrics ? JSON.stringify(result.metrics) : null, result.error ?? null, at, id, result.index).changes
      if (changed === 0) return
      this.db.prepare(`UPDATE sweeps SET ${result.metrics ? 'done_points = done_points' : 'failed_points = failed_points'} + 1 WHERE id = ?`).run(id)
    })()
  }

  setSweepStatus(id: number, status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed', error: string | null = null): void {
    this.db.prepare('UPDATE sweeps SET status = ?, error = ? WHERE id = ?').run(status, error, id)
  }

  sweepPoints(id: number): SweepPointResult[] {
    const rows = this.db.prepare('SELECT idx, params, metrics, error FROM sweep_points WHERE sweep_id = ? ORDER BY idx').all(id) as {
      idx: number
      params: string
      metrics: string | null
      error: string | null
    }[]
    return rows.map((r) => ({
      index: r.idx,
      params: JSON.parse(r.params) as ParamValues,
      metrics: r.metrics === null ? null : BacktestMetrics.parse(JSON.parse(r.metrics)),
      ...(r.error === null ? {} : { error: r.error })
    }))
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
