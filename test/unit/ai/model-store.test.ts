import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TrainModelParams } from '../../../src/shared/ai'
import { ModelStore } from '../../../src/core/storage/ai/model-store'
import { openAiDb } from '../../../src/core/storage/ai/open'
import { MAX_RUN_ATTEMPTS, TrainingJobs } from '../../../workers/ai-training'

let dir: string
let db: Database.Database
let store: ModelStore
const request = TrainModelParams.parse({ symbol: 'BTC/USDT', timeframe: '1h', algorithm: 'logistic' })
const quality = { n: 10, hits: 6, hitRate: 0.6, interval: { lower: 0.3, upper: 0.85 }, baselines: { majorityClass: 0.5, alwaysLong: 0.5 }, baseline: 0.5, pValue: 0.3, edge: false }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-ai-store-'))
  db = openAiDb(join(dir, 'ai.db'))
  store = new ModelStore(db)
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function saveModel(band = 0.001): string {
  const run = store.createRun(request)
  const fitted = { kind: 'logistic' as const, mean: [0], scale: [1], weights: [1], bias: 0 }
  const { model } = store.completeRun(run.id, { runId: run.id, algorithm: 'logistic', exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1h', features: ['ret_1'], params: { l2: 1 }, horizon: 1, band, embargo: 1, trainFrom: 0, trainTo: 1, samples: 10, quality, folds: [], fitted })
  return model.id
}

describe('live predictions', () => {
  it('resolve against the close at their horizon: hits, misses, and moves inside the band', () => {
    const id = saveModel(0.001)
    // Predicted up at 100 (p 0.7), down at 100 (p 0.2), up at 100 (p 0.6); all resolve at t = 2.
    store.recordPrediction({ modelId: id, candleTime: 0, resolveTime: 2, close: 100, probUp: 0.7 })
    store.recordPrediction({ modelId: id, candleTime: 0, resolveTime: 2, close: 100, probUp: 0.1 }) // duplicate candle: ignored
    store.recordPrediction({ modelId: id, candleTime: 1, resolveTime: 2, close: 100.5, probUp: 0.2 })
    store.recordPrediction({ modelId: id, candleTime: 3, resolveTime: 5, close: 100, probUp: 0.6 })
    expect(store.resolvePredictions(id, 2, 100.05, 0.001)).toBe(2)
    // t0: +0.05 % is inside the 0.1 % band (not counted); t1: 100.5 → 100.05 is −0.45 %, down as predicted.
    expect(store.live(id)).toEqual({ n: 1, hits: 1, hitRate: 1 })
    expect(store.resolvePredictions(id, 5, 99, 0.001)).toBe(1) // up predicted, fell 1 %: a miss
    expect(store.live(id)).toEqual({ n: 2, hits: 1, hitRate: 0.5 })
  })
})

describe('training runs after a crash', () => {
  const silent = { warn: () => {}, error: () => {} }

  it(`fail a run that was interrupted ${MAX_RUN_ATTEMPTS} times, with the reason`, () => {
    const run = store.createRun(request)
    for (let i = 0; i < MAX_RUN_ATTEMPTS; i++) store.startRun(run.id)
    const seen: string[] = []
    const jobs = new TrainingJobs({ store, call: () => Promise.reject(new Error('unused')), threadDir: dir, onProgress: (r) => seen.push(r.state), onModel: () => {}, log: silent })
    jobs.resumeUnfinished()
    expect(store.run(run.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/interrupted 3 times/) })
    expect(seen).toEqual(['failed'])
  })

  it('resume a run interrupted fewer times (here its history is unavailable, so it fails with that reason)', async () => {
    const run = store.createRun(request)
    store.startRun(run.id)
    const jobs = new TrainingJobs({ store, call: () => Promise.reject(new Error('market is down')), threadDir: dir, onProgress: () => {}, onModel: () => {}, log: silent })
    jobs.resumeUnfinished()
    await expect.poll(() => store.run(run.id)?.state).toBe('failed')
    expect(store.run(run.id)).toMatchObject({ attempts: 2, error: 'market is down' })
  })

  it('never leave a model without its done run', () => {
    const id = saveModel()
    const row = db.prepare('SELECT r.state, r.model_id FROM models m JOIN training_runs r ON r.id = m.run_id WHERE m.id = ?').get(id)
    expect(row).toEqual({ state: 'done', model_id: id })
  })
})
