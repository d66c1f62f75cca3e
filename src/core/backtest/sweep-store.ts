import { SweepSpec, WalkForwardSpec } from '../../shared/backtest'
import { StoredWindow, type BestPoint, type JobState, type SweepSummary, type WalkForwardSummary } from '../../shared/optimization'
import type { ParamValues } from '../strategy/contract'
import type { BacktestStore, JobOrigin } from './store'

/**
 * Sweeps and walk-forwards as jobs in backtests.db (tables from BACKTEST_MIGRATIONS): listing,
 * their best point, walk-forward windows, and which job runs next. The points themselves are
 * written by BacktestStore (createSweep, finishPoint) as the sweep runs.
 */

interface SweepRow {
  id: number
  created_at: number
  spec: string
  status: string
  total: number
  done_points: number
  failed_points: number
  best_idx: number | null
  best_value: number | null
  error: string | null
}

interface WalkForwardRow {
  id: number
  created_at: number
  spec: string
  status: string
  windows: number
  trials: number
  error: string | null
  data_fingerprint: string | null
  strategy_fingerprint: string | null
}

/** What a job was planned on: its candles' and its strategy's fingerprints. */
export interface JobFingerprints {
  fingerprint: string
  strategyFingerprint: string
}

export type JobRef = { kind: 'sweep' | 'walkForward'; id: number }

export class SweepJobs {
  constructor(private readonly store: BacktestStore) {}

  private get db() {
    return this.store.db
  }

  /** Top-level sweeps (not a walk-forward window's), newest first. */
  listSweeps(limit: number, before?: number): SweepSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM sweeps WHERE walk_forward_id IS NULL AND id < ? ORDER BY id DESC LIMIT ?')
      .all(before ?? Number.MAX_SAFE_INTEGER, limit) as SweepRow[]
    return rows.map((row) => this.sweepSummary(row))
  }

  sweepSummaryById(id: number): SweepSummary | undefined {
    const row = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepRow | undefined
    return row && this.sweepSummary(row)
  }

  private sweepSummary(row: SweepRow): SweepSummary {
    const spec = SweepSpec.parse(JSON.parse(row.spec))
    let best: BestPoint | null = null
    if (row.best_idx !== null && row.best_value !== null) {
      const point = this.db.prepare('SELECT params FROM sweep_points WHERE sweep_id = ? AND idx = ?').get(row.id, row.best_idx) as { params: string } | undefined
      if (point) best = { index: row.best_idx, params: JSON.parse(point.params) as ParamValues, value: row.best_value }
    }
    return {
      id: row.id,
      createdAt: row.created_at,
      state: row.status as JobState,
      strategy: spec.base.strategy,
      data: spec.base.data,
      mode: spec.mode,
      objective: spec.objective,
      axes: Object.keys(spec.axes),
      done: row.done_points,
      failed: row.failed_points,
      total: row.total,
      best,
      error: row.error
    }
  }

  setBest(id: number, best: BestPoint | null): void {
    this.db.prepare('UPDATE sweeps SET best_idx = ?, best_value = ? WHERE id = ?').run(best?.index ?? null, best?.value ?? null, id)
  }

  createWalkForward(spec: WalkForwardSpec, windows: number, trials: number, at: number, origin: JobOrigin, planned: JobFingerprints): number {
    return Number(
      this.db
        .prepare("INSERT INTO walk_forwards (created_at, spec, status, windows, trials, origin, data_fingerprint, strategy_fingerprint) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)")
        .run(at, JSON.stringify(spec), windows, trials, origin, planned.fingerprint, planned.strategyFingerprint).lastInsertRowid
    )
  }

  /** A walk-forward stored before strategy fingerprints were kept takes the one it is resumed with. */
  adoptStrategyFingerprint(id: number, fingerprint: string, replaced: string | null): void {
    // Compare-and-set: only the fingerprint that could not be checked is replaced.
    this.db.prepare('UPDATE walk_forwards SET strategy_fingerprint = ? WHERE id = ? AND strategy_fingerprint IS ?').run(fingerprint, id, replaced)
  }

  walkForward(
    id: number
  ): { spec: WalkForwardSpec; status: JobState; windows: number; trials: number; fingerprint: string | null; strategyFingerprint: string | null } | undefined {
    const row = this.db.prepare('SELECT * FROM walk_forwards WHERE id = ?').get(id) as WalkForwardRow | undefined
    return (
      row && {
        spec: WalkForwardSpec.parse(JSON.parse(row.spec)),
        status: row.status as JobState,
        windows: row.windows,
        trials: row.trials,
        fingerprint: row.data_fingerprint,
        strategyFingerprint: row.strategy_fingerprint
      }
    )
  }

  /** The walk-forward a sweep is a window of, if it is one. */
  sweepWalkForward(id: number): number | null {
    const row = this.db.prepare('SELECT walk_forward_id FROM sweeps WHERE id = ?').get(id) as { walk_forward_id: number | null } | undefined
    return row?.walk_forward_id ?? null
  }

  /** Hands a stopped job back to the app's job runner: queued, its error cleared, the strategy worker's to run. */
  requeue(job: JobRef): void {
    const table = job.kind === 'sweep' ? 'sweeps' : 'walk_forwards'
    this.db.prepare(`UPDATE ${table} SET status = 'queued', error = NULL, origin = 'app' WHERE id = ?`).run(job.id)
  }

  /** A walk-forward that ends early takes its window sweep under way with it (it shows cancelled or failed too, not running). */
  setWalkForwardStatus(id: number, status: JobState, error: string | null = null): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE walk_forwards SET status = ?, error = ? WHERE id = ?').run(status, error, id)
      if (status === 'cancelled' || status === 'failed') {
        this.db.prepare("UPDATE sweeps SET status = ? WHERE walk_forward_id = ? AND status IN ('queued', 'running')").run(status, id)
      }
    })()
  }

  /** The window's in-sample sweep, if one was started (a resumed walk-forward carries it on). */
  windowSweep(id: number, index: number): number | undefined {
    const row = this.db.prepare('SELECT sweep_id FROM walk_forward_windows WHERE walk_forward_id = ? AND idx = ?').get(id, index) as { sweep_id: number } | undefined
    return row?.sweep_id
  }

  /** Starts a window: its sweep and the row that ties them, in one transaction. */
  startWindow(id: number, index: number, createSweep: () => number): number {
    return this.db.transaction(() => {
      const sweepId = createSweep()
      this.db.prepare('INSERT INTO walk_forward_windows (walk_forward_id, idx, sweep_id) VALUES (?, ?, ?)').run(id, index, sweepId)
      return sweepId
    })()
  }

  finishWindow(id: number, window: StoredWindow): void {
    this.db.prepare('UPDATE walk_forward_windows SET result = ? WHERE walk_forward_id = ? AND idx = ?').run(JSON.stringify(window), id, window.index)
  }

  windows(id: number): StoredWindow[] {
    const rows = this.db.prepare('SELECT result FROM walk_forward_windows WHERE walk_forward_id = ? AND result IS NOT NULL ORDER BY idx').all(id) as { result: string }[]
    return rows.map((r) => StoredWindow.parse(JSON.parse(r.result)))
  }

  listWalkForwards(limit: number, before?: number): WalkForwardSummary[] {
    const rows = this.db.prepare('SELECT * FROM walk_forwards WHERE id < ? ORDER BY id DESC LIMIT ?').all(before ?? Number.MAX_SAFE_INTEGER, limit) as WalkForwardRow[]
    return rows.map((row) => this.walkForwardSummary(row))
  }

  walkForwardSummaryById(id: number): WalkForwardSummary | undefined {
    const row = this.db.prepare('SELECT * FROM walk_forwards WHERE id = ?').get(id) as WalkForwardRow | undefined
    return row && this.walkForwardSummary(row)
  }

  private walkForwardSummary(row: WalkForwardRow): WalkForwardSummary {
    const spec = WalkForwardSpec.parse(JSON.parse(row.spec))
    const windows = this.windows(row.id)
    return {
      id: row.id,
      createdAt: row.created_at,
      state: row.status as JobState,
      strategy: spec.sweep.base.strategy,
      data: spec.sweep.base.data,
      scheme: spec.scheme,
      objective: spec.sweep.objective,
      windows: row.windows,
      windowsDone: windows.length,
      trialsTotal: row.trials,
      overfitWindows: windows.filter((w) => w.overfit).length,
      error: row.error
    }
  }

  /** The app's job to run next: one interrupted while running first, then the oldest queued. */
  nextJob(): JobRef | undefined {
    const row = this.db
      .prepare(
        `SELECT kind, id FROM (
           SELECT 'sweep' AS kind, id, status, created_at FROM sweeps WHERE walk_forward_id IS NULL AND origin = 'app' AND status IN ('queued', 'running')
           UNION ALL
           SELECT 'walkForward' AS kind, id, status, created_at FROM walk_forwards WHERE origin = 'app' AND status IN ('queued', 'running')
         ) ORDER BY status = 'running' DESC, created_at, id LIMIT 1`
      )
      .get() as JobRef | undefined
    return row
  }
}
