import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_LLM_SETTINGS, type AiTask, type LlmSettings } from '../../../src/shared/ai'
import { OpenAiProvider } from '../../../src/core/ai/llm/openai-provider'
import { AnalysisSchedule, nextRoundAt } from '../../../src/core/ai/tasks/schedule'
import { TaskManager, type AnalysisRequest } from '../../../src/core/ai/tasks/task-manager'
import { openAiDb } from '../../../src/core/storage/ai/open'
import { TaskStore } from '../../../src/core/storage/ai/task-store'
import { FakeOpenAi } from '../../support/fake-openai/server'

// Prices high enough that one fake call (400 prompt + 60 completion tokens) costs
// 400 * 1000 / 1e6 + 60 * 2000 / 1e6 = $0.52, computed here by hand.
const CALL_COST = 0.52

let dir: string
let db: Database.Database
let fake: FakeOpenAi
let manager: TaskManager
let store: TaskStore
let settingsUsed: LlmSettings
const KEY = { key: 'sk-test', source: 'stored' as const }

/** When each call was handed to the provider (arrivals at the fake also carry HTTP and SDK-loading lag). */
let callStarts: number[] = []

class TimedProvider extends OpenAiProvider {
  override complete(request: Parameters<OpenAiProvider['complete']>[0]): ReturnType<OpenAiProvider['complete']> {
    // The manager's own clock (Date.now): the gate admits a call only once it reads the slot's time.
    callStarts.push(Date.now())
    return super.complete(request)
  }
}

async function setup(settings: Partial<LlmSettings> = {}): Promise<void> {
  const baseUrl = await fake.start()
  store = new TaskStore(db)
  callStarts = []
  manager = new TaskManager({ store, provider: new TimedProvider(), onTask: () => {}, random: () => 0 })
  settingsUsed = { ...DEFAULT_LLM_SETTINGS, enabled: true, baseUrl, model: 'fake-model', inputPricePerMTok: 1000, outputPricePerMTok: 2000, dailyBudgetUsd: 100, monthlyBudgetUsd: 1000, requestsPerMinute: 6000, concurrency: 2, timeoutMs: 5000, maxRetries: 3, maxTokens: 100, ...settings }
  manager.configure(settingsUsed, KEY)
  manager.start()
}

const request = (symbol = 'BTC/USDT', priority: AnalysisRequest['priority'] = 'user'): AnalysisRequest => ({ priority, symbol, timeframe: '1h', system: 'system prompt', user: `read ${symbol}`, input: { symbol } })

async function settled(id: string, timeoutMs = 30_000): Promise<AiTask> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const task = store.get(id)!
    if (task.state !== 'pending' && task.state !== 'running') return task
    if (Date.now() > until) throw new Error(`task ${id} still ${task.state}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-ai-tasks-'))
  db = openAiDb(join(dir, 'ai.db'))
  fake = new FakeOpenAi()
})

afterEach(async () => {
  manager?.stop()
  await fake.stop()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('AI task manager against a loopback OpenAI', () => {
  it('answers, sends the key, and charges the reported usage', async () => {
    await setup()
    const task = await settled(manager.submit(request()).id)
    expect(task.state).toBe('done')
    expect(task.answer).toEqual({ stance: 'bullish', confidence: 0.62, rationale: 'Higher highs on rising volume.', risks: ['a reversal at resistance'] })
    expect(task.costUsd).toBeCloseTo(CALL_COST, 10)
    expect([task.promptTokens, task.completionTokens]).toEqual([400, 60])
    expect(fake.requests[0]!.authorization).toBe('Bearer sk-test')
    expect(fake.requests[0]!.body.model).toBe('fake-model')
    expect(manager.budget().spentTodayUsd).toBeCloseTo(CALL_COST, 10)
    const audit = store.audit(task.id)!
    expect(audit.prompt).toContain('read BTC/USDT')
    expect(audit.rawAnswer).toContain('Higher highs')
  })

  it('retries a 500 and a timeout, then succeeds', async () => {
    await setup({ timeoutMs: 400 })
    fake.enqueue({ kind: 'status', status: 500 }, { kind: 'hang' })
    const task = await settled(manager.submit(request()).id)
    expect(task.state).toBe('done')
    expect(task.attempts).toBe(3)
    expect(fake.requests).toHaveLength(3)
  })

  it('honours retry-after on a 429', async () => {
    await setup()
    fake.enqueue({ kind: 'status', status: 429, retryAfter: '1' })
    const task = await settled(manager.submit(request()).id)
    expect(task.state).toBe('done')
    expect(fake.requests).toHaveLength(2)
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950)
  })

  it('gives up after maxRetries and dead-letters the task; retry puts it back', async () => {
    await setup({ maxRetries: 1 })
    fake.enqueue({ kind: 'status', status: 503 }, { kind: 'status', status: 503 })
    const dead = await settled(manager.submit(request()).id)
    expect(dead.state).toBe('dead')
    expect(dead.error).toMatch(/gave up after 2 attempts/)
    expect(fake.requests).toHaveLength(2)
    manager.retry(dead.id)
    expect((await settled(dead.id)).state).toBe('done')
    expect(fake.requests).toHaveLength(3)
  })

  it('sends malformed JSON, a 400 and an off-schema answer to the dead-letter queue without retrying', async () => {
    await setup()
    fake.enqueue({ kind: 'malformed-json' })
    const malformed = await settled(manager.submit(request('BTC/USDT')).id)
    fake.enqueue({ kind: 'status', status: 400, message: 'bad model' })
    const rejected = await settled(manager.submit(request('ETH/USDT')).id)
    fake.enqueue({ kind: 'ok', content: 'I think it goes up.' })
    const offSchema = await settled(manager.submit(request('SOL/USDT')).id)
    expect([malformed.state, rejected.state, offSchema.state]).toEqual(['dead', 'dead', 'dead'])
    expect(fake.requests).toHaveLength(3)
    expect(rejected.error).toMatch(/400/)
    expect(offSchema.error).toMatch(/no JSON object/)
    // The off-schema call still cost its tokens.
    expect(offSchema.costUsd).toBeCloseTo(CALL_COST, 10)
    expect(store.list('dead', 10)).toHaveLength(3)
    expect(manager.discard(offSchema.id).state).toBe('discarded')
    expect(store.list('dead', 10)).toHaveLength(2)
  })

  it('refuses a task that could exceed the daily budget before calling', async () => {
    // Worst case of a call here: ~60 prompt chars / 3 * $0.001 + 100 tokens * $0.002 ≈ $0.22.
    await setup({ dailyBudgetUsd: 0.7 })
    expect((await settled(manager.submit(request()).id)).state).toBe('done')
    expect(() => manager.submit(request('ETH/USDT'))).toThrow(/refused before the call.*daily budget/)
    expect(fake.requests).toHaveLength(1)
    const refused = store.list('refused', 10)
    expect(refused).toHaveLength(1)
    expect(refused[0]!.error).toMatch(/daily budget of \$0\.7000/)
  })

  it('spaces calls by the rate limit', async () => {
    await setup({ requestsPerMinute: 120, concurrency: 4 })
    const ids = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'].map((s) => manager.submit(request(s)).id)
    for (const id of ids) expect((await settled(id)).state).toBe('done')
    expect(fake.requests).toHaveLength(3)
    // Admitted 500 ms apart at 120/min (the exact spacing is ProviderGate's unit test). A call
    // reaches the provider after the admission's own SQLite writes, which can lag by tens of ms
    // under load; without the limit all three would start together (gaps near 0).
    expect(callStarts).toHaveLength(3)
    expect(callStarts[1]! - callStarts[0]!).toBeGreaterThanOrEqual(300)
    expect(callStarts[2]! - callStarts[1]!).toBeGreaterThanOrEqual(300)
    expect(callStarts[2]! - callStarts[0]!).toBeGreaterThanOrEqual(800)
  })

  it('runs user requests before background ones', async () => {
    await setup({ concurrency: 1 })
    fake.enqueue({ kind: 'ok', delayMs: 300 })
    const first = manager.submit(request('BTC/USDT', 'scheduled')).id
    const background = manager.submit(request('ETH/USDT', 'background')).id
    const user = manager.submit(request('SOL/USDT', 'user')).id
    for (const id of [first, background, user]) await settled(id)
    expect(fake.requests.map((r) => r.body.messages?.[1]?.content)).toEqual(['read BTC/USDT', 'read SOL/USDT', 'read ETH/USDT'])
  })

  it('answers a repeated prompt from the cache within the TTL, at no cost', async () => {
    await setup()
    await settled(manager.submit(request()).id)
    const again = manager.submit(request())
    expect(again.state).toBe('done')
    expect(again.cached).toBe(true)
    expect(again.costUsd).toBe(0)
    expect(fake.requests).toHaveLength(1)
  })

  it('is off by default', async () => {
    store = new TaskStore(db)
    manager = new TaskManager({ store, provider: new OpenAiProvider(), onTask: () => {} })
    expect(manager.settingsView().enabled).toBe(false)
    expect(() => manager.submit(request())).toThrow(/analyst is off/)
  })

  it('queues a task a killed worker left running again', async () => {
    await setup()
    manager.stop()
    const task = store.insert({ priority: 'user', provider: 'x', model: 'fake-model', symbol: 'BTC/USDT', timeframe: '1h', cacheKey: 'k', input: {}, prompt: JSON.stringify({ system: 's', user: 'u' }) }, 'pending')
    store.markRunning(task.id)
    manager = new TaskManager({ store, provider: new OpenAiProvider(), onTask: () => {} })
    manager.start()
    // Nothing runs before the host's settings arrive (the analyst is off until then).
    await new Promise((r) => setTimeout(r, 200))
    expect(store.get(task.id)!.state).toBe('pending')
    expect(fake.requests).toHaveLength(0)
    manager.configure(settingsUsed, KEY)
    expect((await settled(task.id)).state).toBe('done')
  })
})

describe('scheduled analyses', () => {
  const quiet = { info: () => {}, warn: () => {} }
  const WATCH = { exchange: 'demo', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] }
  const scheduleOf = (submitted: string[] = []) =>
    new AnalysisSchedule({
      store,
      submit: async (_exchange, symbol, timeframe) => {
        submitted.push(`${symbol} ${timeframe}`)
        return manager.submit({ ...request(symbol, 'scheduled'), timeframe })
      },
      log: quiet
    })

  it('is off by default, and a round queues each watched symbol at scheduled priority', async () => {
    expect(DEFAULT_LLM_SETTINGS.scheduleMinutes).toBe(0)
    await setup({ concurrency: 1 })
    const schedule = scheduleOf()
    schedule.configure({ ...settingsUsed, scheduleMinutes: 0 }, WATCH)
    expect(await schedule.runRound()).toBe(0)
    const submitted: string[] = []
    const on = scheduleOf(submitted)
    on.configure({ ...settingsUsed, scheduleMinutes: 15, scheduleTimeframe: '4h' }, WATCH)
    // Never analyzed before: the first round is due at once.
    await waitUntil(() => store.list(undefined, 10).length === 3)
    on.stop()
    expect(submitted).toEqual(['BTC/USDT 4h', 'ETH/USDT 4h', 'SOL/USDT 4h'])
    expect(store.list(undefined, 10).every((t) => t.priority === 'scheduled')).toBe(true)
    for (const t of store.list(undefined, 10)) await settled(t.id)
  })

  it('a user request overtakes the queued scheduled ones', async () => {
    await setup({ concurrency: 1, scheduleMinutes: 5 })
    fake.enqueue({ kind: 'ok', delayMs: 400 })
    const schedule = scheduleOf()
    schedule.configure(settingsUsed, { exchange: 'demo', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'] })
    await waitUntil(() => fake.requests.length === 1 && store.list('pending', 10).length === 3)
    schedule.stop()
    const user = manager.submit(request('ADA/USDT', 'user')).id
    await settled(user)
    for (const t of store.list(undefined, 10)) await settled(t.id)
    expect(fake.requests.map((r) => r.body.messages?.[1]?.content)).toEqual(['read BTC/USDT', 'read ADA/USDT', 'read ETH/USDT', 'read SOL/USDT', 'read XRP/USDT'])
  })

  it('skips a symbol whose scheduled analysis is still queued', async () => {
    await setup({ concurrency: 1, scheduleMinutes: 5 })
    fake.enqueue({ kind: 'ok', delayMs: 1_000 })
    const schedule = scheduleOf()
    schedule.configure(settingsUsed, WATCH)
    await waitUntil(() => store.list(undefined, 10).length === 3)
    schedule.stop()
    expect(await schedule.runRound()).toBe(0)
    expect(store.list(undefined, 10)).toHaveLength(3)
    for (const t of store.list(undefined, 10)) await settled(t.id)
    // Answered: the next round queues them again.
    expect(await schedule.runRound()).toBe(3)
    for (const t of store.list(undefined, 10)) await settled(t.id)
  })

  it('a round past the budget queues nothing and calls no provider', async () => {
    await setup({ dailyBudgetUsd: 0.01, scheduleMinutes: 5 })
    const submitted: string[] = []
    const schedule = scheduleOf(submitted)
    schedule.configure(settingsUsed, WATCH)
    await waitUntil(() => submitted.length > 0)
    schedule.stop()
    await new Promise((r) => setTimeout(r, 100))
    expect(submitted).toEqual(['BTC/USDT 1h']) // the first refusal ends the round
    expect(store.list(undefined, 10).map((t) => t.state)).toEqual(['refused'])
    expect(fake.requests).toHaveLength(0)
  })

  it('the next round is due N minutes after the last one, never in the past', () => {
    expect(nextRoundAt(null, 15, 1_000)).toBe(1_000)
    expect(nextRoundAt(0, 15, 1_000)).toBe(900_000)
    expect(nextRoundAt(0, 15, 2_000_000)).toBe(2_000_000)
  })
})

async function waitUntil(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!probe()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}
