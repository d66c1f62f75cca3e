import Database from 'better-sqlite3'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AiTask, ListModelsResult, LlmSettingsView, TrainingRun, type TrainModelParams } from '../../../src/shared/ai'
import { HealthReport } from '../../../src/shared/health'
import { SettingsView } from '../../../src/shared/settings'
import { FakeOpenAi } from '../../support/fake-openai/server'
import { isAlive, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// The AI worker inside a real `keel serve`: real processes, a real ai.db, SIGKILL at the worst moment.

let serve: ServeProcess | undefined
let dir: ReturnType<typeof tempDir> | undefined
let fake: FakeOpenAi | undefined

async function start(): Promise<ServeProcess> {
  dir = tempDir('keel-ai-')
  serve = await startServe(dir.path)
  await waitFor('all workers running', async () => HealthReport.parse((await serve!.call('health')).body).workers.every((w) => w.state === 'running'), 20_000)
  return serve
}

async function aiWorker(s: ServeProcess) {
  return HealthReport.parse((await s.call('health')).body).workers.find((w) => w.name === 'ai')!
}

/** Child pids of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
  } catch {
    return []
  }
}

async function run(s: ServeProcess, id: string): Promise<TrainingRun> {
  const { runs } = ListModelsResult.parse((await s.call('listModels')).body)
  return runs.find((r) => r.id === id)!
}

// Long enough to be caught in the middle on a loaded machine: 20,000 hourly candles, 300 rounds.
const LONG_TRAINING: Partial<TrainModelParams> = { symbol: 'BTC/USDT', timeframe: '1h', algorithm: 'gbt', candles: 20_000, gbt: { rounds: 300 } }

afterEach(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  serve = undefined
  await fake?.stop()
  fake = undefined
  dir?.remove()
})

describe('AI worker under keel serve', () => {
  it('trains a model with progress while its event loop keeps beating (no freeze restart)', async () => {
    const s = await start()
    const { status, body } = await s.call('trainModel', LONG_TRAINING)
    expect(status).toBe(200)
    const id = TrainingRun.parse(body).id
    const seen = new Set<number>()
    const done = await waitFor(
      'the training run to finish',
      async () => {
        const r = await run(s, id)
        seen.add(r.progress)
        // The worker answers other requests meanwhile.
        expect((await s.call('aiSignals', { symbol: 'BTC/USDT' })).status).toBe(200)
        return r.state === 'done' || r.state === 'failed' ? r : undefined
      },
      240_000,
      200
    )
    expect(done.state).toBe('done')
    expect([...seen].some((p) => p > 0 && p < 1)).toBe(true)
    const ai = await aiWorker(s)
    expect(ai.restarts).toBe(0)
    const crashes = HealthReport.parse((await s.call('health')).body).crashes.filter((c) => c.worker === 'ai')
    expect(crashes).toEqual([])
    const { models } = ListModelsResult.parse((await s.call('listModels')).body)
    expect(models).toHaveLength(1)
    expect(models[0]!.samples).toBeGreaterThan(19_000)
    expect(models[0]!.quality.n).toBeGreaterThan(10_000)
    // The new model's prediction rides on the series' signal.
    const signals = (await s.call('aiSignals', { symbol: 'BTC/USDT', timeframe: '1h' })).body as Array<{ model: { modelId: string } | null }>
    expect(signals[0]?.model?.modelId).toBe(models[0]!.id)
  })

  it('SIGKILL mid-training leaves ai.db consistent and the run resumed to completion', async () => {
    const s = await start()
    const id = TrainingRun.parse((await s.call('trainModel', LONG_TRAINING)).body).id
    await waitFor('training under way', async () => (await run(s, id)).progress > 0.2, 120_000, 50)
    const victim = (await aiWorker(s)).pid!
    // The fit runs in a child process of the AI worker: it must not outlive it.
    const trainer = await waitFor('the training process', () => childrenOf(victim)[0], 10_000, 50)
    process.kill(victim, 'SIGKILL')
    await waitFor('the killed AI worker to be gone', () => !isAlive(victim), 10_000)
    await waitFor('its training process to be gone', () => !isAlive(trainer), 30_000, 100)
    await waitFor('a new AI worker', async () => {
      const ai = await aiWorker(s)
      return ai.state === 'running' && ai.pid !== victim
    }, 30_000)
    const done = await waitFor('the resumed run to finish', async () => {
      const r = await run(s, id)
      return r.state === 'done' || r.state === 'failed' ? r : undefined
    }, 240_000, 200)
    expect(done.state).toBe('done')
    expect(done.attempts).toBe(2)
    await stopProcess(s.child, 'SIGTERM')
    serve = undefined
    const db = new Database(join(dir!.path, 'ai.db'), { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const models = db.prepare('SELECT id, run_id FROM models').all() as Array<{ id: string; run_id: string }>
      expect(models).toHaveLength(1)
      const runs = db.prepare('SELECT id, state, model_id FROM training_runs').all() as Array<{ id: string; state: string; model_id: string | null }>
      expect(runs).toEqual([{ id, state: 'done', model_id: models[0]!.id }])
      expect(models[0]!.run_id).toBe(id)
    } finally {
      db.close()
    }
  })

  it('runs an analysis through the queue against an OpenAI-compatible endpoint, never exposing the key', async () => {
    fake = new FakeOpenAi()
    const baseUrl = await fake.start()
    const s = await start()
    const off = await s.call('analyze', { symbol: 'ETH/USDT' })
    expect(off.status).toBe(422)
    expect(JSON.stringify(off.body)).toMatch(/analyst is off/)
    const key = 'sk-secret-0123456789'
    const set = await s.call('aiSetLlmSettings', { enabled: true, baseUrl, model: 'fake-model', apiKey: key })
    expect(set.status).toBe(200)
    expect(LlmSettingsView.parse(set.body).hasKey).toBe(true)
    expect(JSON.stringify(set.body)).not.toContain(key)
    const view = await s.call('aiLlmSettings')
    expect(JSON.stringify(view.body)).not.toContain(key)
    expect(statSync(join(dir!.path, 'secrets', 'llm-api-key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir!.path, 'settings.json'), 'utf8')).not.toContain(key)
    const queued = await s.call('analyze', { symbol: 'ETH/USDT', timeframe: '1h' })
    expect(queued.status).toBe(200)
    const task = await waitFor('the analysis', async () => {
      const tasks = AiTask.array().parse((await s.call('aiTasks')).body)
      const t = tasks.find((x) => x.id === AiTask.parse(queued.body).id)
      return t && t.state !== 'pending' && t.state !== 'running' ? t : undefined
    }, 30_000, 50)
    expect(task.state).toBe('done')
    expect(task.answer?.stance).toBe('bullish')
    expect(fake.requests[0]!.authorization).toBe(`Bearer ${key}`)
    // The prompt carries the market context: the candles summary and the live signal.
    const prompt = fake.requests[0]!.body.messages!.map((m) => m.content).join('\n')
    expect(prompt).toContain('"symbol":"ETH/USDT"')
    expect(prompt).toContain('recentCloses')
    // The key survives a restart of the AI worker (the host hands it over again).
    const victim = (await aiWorker(s)).pid!
    process.kill(victim, 'SIGKILL')
    await waitFor('a new AI worker', async () => {
      const ai = await aiWorker(s)
      return ai.state === 'running' && ai.pid !== victim
    }, 30_000)
    expect(LlmSettingsView.parse((await s.call('aiLlmSettings')).body).hasKey).toBe(true)
    expect(s.stderr()).not.toContain(key)
  })

  it('takes the LLM settings from settings.json: set through updateSettings, kept across an AI worker restart', async () => {
    fake = new FakeOpenAi()
    const baseUrl = await fake.start()
    const s = await start()
    const changed = await s.call('updateSettings', { llm: { enabled: true, baseUrl, model: 'settings-model', inputPricePerMTok: 1000, outputPricePerMTok: 2000, dailyBudgetUsd: 50 } })
    expect(changed.status).toBe(200)
    // One schema, one copy: the AI methods show what the Settings API wrote, and write the same section.
    const view = LlmSettingsView.parse((await s.call('aiLlmSettings')).body)
    expect(view).toMatchObject({ enabled: true, baseUrl, model: 'settings-model', dailyBudgetUsd: 50, hasKey: false })
    expect(LlmSettingsView.parse((await s.call('aiSetLlmSettings', { maxTokens: 200 })).body).maxTokens).toBe(200)
    const settings = SettingsView.parse((await s.call('getSettings')).body).settings.llm
    expect(settings).toMatchObject({ model: 'settings-model', maxTokens: 200 })
    expect(JSON.parse(readFileSync(join(dir!.path, 'settings.json'), 'utf8')).llm).toMatchObject({ baseUrl, model: 'settings-model', maxTokens: 200 })

    // The AI worker restarted from scratch gets them again from the host.
    const victim = (await aiWorker(s)).pid!
    process.kill(victim, 'SIGKILL')
    await waitFor('a new AI worker', async () => {
      const ai = await aiWorker(s)
      return ai.state === 'running' && ai.pid !== victim
    }, 30_000)
    const queued = await s.call('analyze', { symbol: 'BTC/USDT', timeframe: '1h' })
    expect(queued.status).toBe(200)
    const task = await waitFor('the analysis', async () => {
      const t = AiTask.array().parse((await s.call('aiTasks')).body).find((x) => x.id === AiTask.parse(queued.body).id)
      return t && t.state !== 'pending' && t.state !== 'running' ? t : undefined
    }, 30_000, 50)
    expect(task).toMatchObject({ state: 'done', provider: baseUrl, model: 'settings-model' })
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]!.body.model).toBe('settings-model')
    expect(fake.requests[0]!.body.max_tokens).toBe(200)
    // Cost from the fake's reported usage (400 + 60 tokens) at the prices set through updateSettings: 0.4 + 0.12.
    expect(task.costUsd).toBeCloseTo(0.52, 9)

    // The schedule, switched on through the same section: one analysis per watched symbol at 'scheduled' priority, the first round at once.
    expect((await s.call('updateSettings', { llm: { scheduleMinutes: 60, scheduleTimeframe: '4h' } })).status).toBe(200)
    const scheduled = await waitFor('a scheduled round', async () => {
      const tasks = AiTask.array().parse((await s.call('aiTasks')).body).filter((t) => t.priority === 'scheduled')
      return tasks.length === 3 && tasks.every((t) => t.state === 'done') ? tasks : undefined
    }, 60_000, 100)
    expect(scheduled.map((t) => `${t.symbol} ${t.timeframe}`).sort()).toEqual(['BTC/USDT 4h', 'ETH/USDT 4h', 'SOL/USDT 4h'])
    expect(fake.requests).toHaveLength(4)

    // Turned off through the Settings API: the analyst refuses at once.
    expect((await s.call('updateSettings', { llm: { enabled: false } })).status).toBe(200)
    const off = await s.call('analyze', { symbol: 'BTC/USDT' })
    expect(off.status).toBe(422)
  })

  it('refuses bad training requests with a reason', async () => {
    const s = await start()
    const bad = await s.call('trainModel', { symbol: 'BTC/USDT', timeframe: '1h', algorithm: 'gbt', horizon: 5, embargo: 2 })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toMatch(/embargo/)
    expect((await s.call('trainModel', { symbol: 'BTC/USDT', timeframe: '1h', algorithm: 'forest' })).status).toBe(400)
  })
})
