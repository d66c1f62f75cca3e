import type Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { ModelInfo, TrainModelParams, TrainingRun, type LiveRecord } from '../../../shared/ai'
import { FittedModelSchema, type FittedModel } from '../../ai/model'

interface RunRow {
  id: string
  state: string
  request: string
  attempts: number
  progress: number
  phase: string
  error: string | null
  model_id: string | null
  created_at: number
  updated_at: number
}

interface ModelRow {
  id: string
  run_id: string
  algorithm: string
  exchange: string
  symbol: string
  timeframe: string
  features: string
  params: string
  horizon: number
  band: number
  embargo: number
  train_from: number
  train_to: number
  samples: number
  metrics: string
  model: string
  created_at: number
}

/** What a finished training run stores, in one transaction with the run's completion. */
export type NewModel = Omit<ModelInfo, 'id' | 'live' | 'createdAt'> & { fitted: FittedModel }

/**
 * Training runs, models and live predictions in ai.db. A run's completion and its model are
 * one transaction: after a SIGKILL there is either a done run with its model or a run still
 * marked running (resumed or failed at the next start), never a half-written model.
 */
export class ModelStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now
  ) {}

  createRun(request: TrainModelParams): TrainingRun {
    const id = `run-${randomUUID()}`
    const t = this.now()
    this.db.prepare('INSERT INTO training_runs (id, state, request, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, 'queued', JSON.stringify(request), t, t)
    return this.run(id)!
  }

  run(id: string): TrainingRun | undefined {
    const row = this.db.prepare('SELECT * FROM training_runs WHERE id = ?').get(id) as RunRow | undefined
    return row && toRun(row)
  }

  runs(limit = 50): TrainingRun[] {
    return (this.db.prepare('SELECT * FROM training_runs ORDER BY created_at DESC LIMIT ?').all(limit) as RunRow[]).map(toRun)
  }

  /** Runs a previous process left unfinished, oldest first. */
  unfinishedRuns(): TrainingRun[] {
    return (this.db.prepare("SELECT * FROM training_runs WHERE state IN ('queued', 'running') ORDER BY created_at").all() as RunRow[]).map(toRun)
  }

  startRun(id: string): TrainingRun {
    this.db.prepare("UPDATE training_runs SET state = 'running', attempts = attempts + 1, progress = 0, phase = 'starting', error = NULL, updated_at = ? WHERE id = ?").run(this.now(), id)
    return this.run(id)!
  }

  progress(id: string, progress: number, phase: string): TrainingRun {
    this.db.prepare('UPDATE training_runs SET progress = ?, phase = ?, updated_at = ? WHERE id = ?').run(progress, phase, this.now(), id)
    return this.run(id)!
  }

  failRun(id: string, error: string): TrainingRun {
    this.db.prepare("UPDATE training_runs SET state = 'failed', error = ?, phase = 'failed', updated_at = ? WHERE id = ?").run(error, this.now(), id)
    return this.run(id)!
  }

  /** The model and the run's completion, atomically. */
  completeRun(id: string, model: NewModel): { run: TrainingRun; model: ModelInfo } {
    const modelId = `model-${randomUUID()}`
    const t = this.now()
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO models (id, run_id, algorithm, exchange, symbol, timeframe, features, params, horizon, band, embargo, train_from, train_to, samples, metrics, model, created_at)
           VALUES (@id, @run_id, @algorithm, @exchange, @symbol, @timeframe, @features, @params, @horizon, @band, @embargo, @train_from, @train_to, @samples, @metrics, @model, @created_at)`
        )
        .run({
          id: modelId,
          run_id: id,
          algorithm: model.algorithm,
          exchange: model.exchange,
          symbol: model.symbol,
          timeframe: model.timeframe,
          features: JSON.stringify(model.features),
          params: JSON.stringify(model.params),
          horizon: model.horizon,
          band: model.band,
          embargo: model.embargo,
          train_from: model.trainFrom,
          train_to: model.trainTo,
          samples: model.samples,
          metrics: JSON.stringify({ quality: model.quality, folds: model.folds }),
          model: JSON.stringify(model.fitted),
          created_at: t
        })
      this.db.prepare("UPDATE training_runs SET state = 'done', progress = 1, phase = 'done', model_id = ?, updated_at = ? WHERE id = ?").run(modelId, t, id)
    })()
    return { run: this.run(id)!, model: this.model(modelId)! }
  }

  model(id: string): ModelInfo | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined
    return row && this.toModel(row)
  }

  models(symbol?: string): ModelInfo[] {
    const rows = (symbol ? this.db.prepare('SELECT * FROM models WHERE symbol = ? ORDER BY created_at DESC').all(symbol) : this.db.prepare('SELECT * FROM models ORDER BY created_at DESC').all()) as ModelRow[]
    return rows.map((r) => this.toModel(r))
  }

  /** The newest model of each series, with its fitted parameters (checked: disks get damaged). */
  latestPerSeries(): Array<{ info: ModelInfo; fitted: FittedModel }> {
    const rows = this.db
      .prepare('SELECT m.* FROM models m WHERE m.created_at = (SELECT MAX(created_at) FROM models n WHERE n.exchange = m.exchange AND n.symbol = m.symbol AND n.timeframe = m.timeframe)')
      .all() as ModelRow[]
    return rows.flatMap((row) => {
      const fitted = FittedModelSchema.safeParse(JSON.parse(row.model))
      return fitted.success ? [{ info: this.toModel(row), fitted: fitted.data }] : []
    })
  }

  /** One prediction per model and candle (a replayed candle does not count twice). */
  recordPrediction(p: { modelId: string; candleTime: number; resolveTime: number; close: number; probUp: number }): void {
    this.db
      .prepare('INSERT OR IGNORE INTO predictions (model_id, candle_time, resolve_time, close, prob_up, predicted) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.modelId, p.candleTime, p.resolveTime, p.close, p.probUp, p.probUp >= 0.5 ? 1 : 0)
  }

  /**
   * Resolves the model's predictions due by `time` against `close`: 1 a hit, 0 a miss, -1 the
   * move stayed inside the no-trade band (not counted either way).
   */
  resolvePredictions(modelId: string, time: number, close: number, band: number): number {
    const due = this.db.prepare('SELECT seq, close, predicted FROM predictions WHERE model_id = ? AND outcome IS NULL AND resolve_time <= ?').all(modelId, time) as Array<{ seq: number; close: number; predicted: number }>
    const update = this.db.prepare('UPDATE predictions SET outcome = ?, resolved_at = ? WHERE seq = ?')
    const at = this.now()
    this.db.transaction(() => {
      for (const p of due) {
        const r = close / p.close - 1
        const actual = r > band ? 1 : r < -band ? 0 : -1
        update.run(actual === -1 ? -1 : actual === p.predicted ? 1 : 0, at, p.seq)
      }
    })()
    return due.length
  }

  live(modelId: string): LiveRecord {
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(outcome), 0) AS hits FROM predictions WHERE model_id = ? AND outcome IN (0, 1)').get(modelId) as { n: number; hits: number }
    return { n: row.n, hits: row.hits, hitRate: row.n ? row.hits / row.n : null }
  }

  private toModel(row: ModelRow): ModelInfo {
    const metrics = JSON.parse(row.metrics) as { quality: unknown; folds: unknown }
    return ModelInfo.parse({
      id: row.id,
      runId: row.run_id,
      algorithm: row.algorithm,
      exchange: row.exchange,
      symbol: row.symbol,
      timeframe: row.timeframe,
      features: JSON.parse(row.features),
      params: JSON.parse(row.params),
      horizon: row.horizon,
      band: row.band,
      embargo: row.embargo,
      trainFrom: row.train_from,
      trainTo: row.train_to,
      samples: row.samples,
      quality: metrics.quality,
      folds: metrics.folds,
      live: this.live(row.id),
      createdAt: row.created_at
    })
  }
}

function toRun(row: RunRow): TrainingRun {
  return TrainingRun.parse({
    id: row.id,
    state: row.state,
    progress: row.progress,
    phase: row.phase,
    attempts: row.attempts,
    request: TrainModelParams.parse(JSON.parse(row.request)),
    error: row.error,
    modelId: row.model_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  })
}
