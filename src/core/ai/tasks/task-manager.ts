import { createHash } from 'node:crypto'
import { z } from 'zod'
import { DEFAULT_LLM_SETTINGS, type LlmSettings, type AiBudget, type AiTask, type LlmKeyNotice, type LlmSettingsView, type TaskPriority, type TaskState } from '../../../shared/ai'
import { KeelError } from '../../../shared/errors'
import type { Timeframe } from '../../../shared/market-data'
import type { TaskStore } from '../../storage/ai/task-store'
import { parseAnalysis } from '../llm/answer'
import { ProviderError, type LlmProvider } from '../llm/provider'
import { budgetRefusal, costUsd, estimateCostUsd, periodStarts } from './budget'
import { ProviderGate } from './provider-gate'

export interface AnalysisRequest {
  priority: TaskPriority
  symbol: string
  timeframe: Timeframe
  system: string
  user: string
  input: unknown
}

export interface TaskManagerOptions {
  store: TaskStore
  provider: LlmProvider
  onTask(task: AiTask): void
  now?: () => number
  random?: () => number
}

const StoredPrompt = z.object({ system: z.string(), user: z.string() })
const BACKOFF_INITIAL_MS = 500
const BACKOFF_MAX_MS = 30_000

/**
 * The LLM task queue: every request is a row in ai.db before anything is sent. Tasks run by
 * priority (user > scheduled > background) under each provider's concurrency, rate limit and
 * retry-after; the budget is checked before each call (a task that could exceed it is refused
 * with the reason); 429s, 5xx and timeouts retry with backoff, anything else — an error the
 * provider will repeat, or an answer that fails the schema — is a dead letter to retry or
 * discard. Identical prompts within the cache TTL are answered from ai.db at no cost.
 */
export class TaskManager {
  private key: z.infer<typeof LlmKeyNotice> = { key: null, source: 'none' }
  /** The host's settings (settings.json `llm`); until they arrive the analyst is off and nothing runs. */
  private settings: LlmSettings | undefined
  private readonly gates = new Map<string, ProviderGate>()
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private stopped = false
  private readonly now: () => number
  private readonly random: () => number

  constructor(private readonly options: TaskManagerOptions) {
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
  }

  /** After a restart: what was running is queued again, then the queue resumes. */
  start(): void {
    this.options.store.requeueRunning()
    this.pump()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /** The whole llm section and the key, as the host sends them at start and on every change. */
  configure(settings: LlmSettings, key: z.infer<typeof LlmKeyNotice>): LlmSettingsView {
    this.settings = settings
    this.key = key
    this.gates.get(settings.baseUrl)?.configure(settings)
    this.pump()
    return this.settingsView()
  }

  get current(): LlmSettings {
    return this.settings ?? DEFAULT_LLM_SETTINGS
  }

  settingsView(): LlmSettingsView {
    return { ...this.current, hasKey: this.key.key !== null, keySource: this.key.source }
  }

  budget(): AiBudget {
    const settings = this.current
    const { today, month, callsToday } = this.spent()
    return { dailyLimitUsd: settings.dailyBudgetUsd, monthlyLimitUsd: settings.monthlyBudgetUsd, spentTodayUsd: today, spentMonthUsd: month, callsToday }
  }

  /** Throws the reason the analyst cannot take tasks (it is off), before any context is gathered. */
  assertEnabled(): void {
    if (!this.current.enabled) throw new KeelError('rejected', 'the LLM analyst is off: enable it in the AI settings (endpoint, model, key, budget)')
  }

  list(state: TaskState | undefined, limit: number): AiTask[] {
    return this.options.store.list(state, limit)
  }

  audit(id: string): NonNullable<ReturnType<TaskStore['audit']>> {
    const audit = this.options.store.audit(id)
    if (!audit) throw new KeelError('not_found', `no task ${id}`)
    return audit
  }

  submit(request: AnalysisRequest): AiTask {
    this.assertEnabled()
    const settings = this.current
    const prompt = JSON.stringify({ system: request.system, user: request.user })
    const cacheKey = createHash('sha256').update(`${settings.baseUrl}\n${settings.model}\n${prompt}`).digest('hex')
    const task = { priority: request.priority, provider: settings.baseUrl, model: settings.model, symbol: request.symbol, timeframe: request.timeframe, cacheKey, input: request.input, prompt }
    const hit = settings.cacheTtlMs > 0 ? this.options.store.cachedAnswer(cacheKey, settings.cacheTtlMs) : undefined
    if (hit) return this.announce(this.options.store.insert(task, 'done', { answer: hit.answer, rawAnswer: hit.rawAnswer ?? undefined, cached: true }))
    const refusal = this.refusal(prompt.length)
    if (refusal) {
      this.announce(this.options.store.insert(task, 'refused', { error: refusal }))
      throw new KeelError('rejected', refusal)
    }
    const queued = this.announce(this.options.store.insert(task, 'pending'))
    this.pump()
    return queued
  }

  retry(id: string): AiTask {
    const task = this.options.store.revive(id)
    if (!task) throw new KeelError('not_found', `no dead-letter or refused task ${id}`)
    this.announce(task)
    this.pump()
    return task
  }

  discard(id: string): AiTask {
    const task = this.options.store.discard(id)
    if (!task) throw new KeelError('not_found', `no pending, refused or dead-letter task ${id}`)
    return this.announce(task)
  }

  /** Starts every task the gates allow now, and sets one timer for the next that becomes possible. */
  private pump(): void {
    if (this.stopped || !this.settings) return
    const settings = this.settings
    const gate = this.gateFor(settings)
    for (;;) {
      const now = this.now()
      const wait = gate.waitMs(now)
      if (wait === Infinity) return // a finishing call pumps again
      const [task] = this.options.store.due(now, 1)
      if (!task) {
        const at = this.options.store.nextDueAt()
        if (at !== null) this.wakeAt(Math.max(at, now + wait))
        return
      }
      if (wait > 0) return this.wakeAt(now + wait)
      gate.start(now)
      void this.run(task.id, settings, gate)
    }
  }

  private async run(id: string, settings: LlmSettings, gate: ProviderGate): Promise<void> {
    const { store } = this.options
    try {
      const { prompt } = store.prompt(id)
      const refusal = this.refusal(prompt.length)
      if (refusal) return void this.announce(store.finish(id, 'refused', { error: refusal }))
      const task = this.announce(store.markRunning(id))
      const { system, user } = StoredPrompt.parse(JSON.parse(prompt))
      let text: string
      try {
        const completion = await this.options.provider.complete({ baseUrl: settings.baseUrl, apiKey: this.key.key, model: settings.model, system, user, maxTokens: settings.maxTokens, timeoutMs: settings.timeoutMs })
        // Stopped meanwhile (shutdown: ai.db may be closed): the task stays running and is queued again at the next start.
        if (this.stopped) return
        store.recordUsage(id, completion, costUsd(completion, settings))
        text = completion.text
      } catch (err) {
        if (this.stopped) return
        const failure = err instanceof ProviderError ? err : new ProviderError('malformed', err instanceof Error ? err.message : String(err))
        if (failure.usage) store.recordUsage(id, failure.usage, costUsd(failure.usage, settings))
        if (!failure.retryable || task.attempts > settings.maxRetries) {
          const reason = failure.retryable ? `gave up after ${task.attempts} attempts: ${failure.message}` : failure.message
          return void this.announce(store.finish(id, 'dead', { error: reason }))
        }
        const delay = failure.retryAfterMs ?? this.backoffMs(task.attempts)
        if (failure.retryAfterMs !== null) gate.pause(this.now() + failure.retryAfterMs)
        return void this.announce(store.retryLater(id, this.now() + delay, failure.message))
      }
      try {
        this.announce(store.finish(id, 'done', { answer: parseAnalysis(text), rawAnswer: text, error: null }))
      } catch (err) {
        this.announce(store.finish(id, 'dead', { rawAnswer: text, error: err instanceof Error ? err.message : String(err) }))
      }
    } finally {
      gate.finish()
      this.pump()
    }
  }

  private refusal(promptChars: number): string | null {
    const settings = this.current
    const { today, month } = this.spent()
    return budgetRefusal({ today, month }, estimateCostUsd(promptChars, settings), settings)
  }

  private spent(): { today: number; month: number; callsToday: number } {
    const starts = periodStarts(this.now())
    const day = this.options.store.spentSince(starts.day)
    return { today: day.usd, month: this.options.store.spentSince(starts.month).usd, callsToday: day.calls }
  }

  private backoffMs(attempt: number): number {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.max(0, attempt - 1))
    return Math.round(base * (0.5 + 0.5 * this.random()))
  }

  private gateFor(settings: LlmSettings): ProviderGate {
    let gate = this.gates.get(settings.baseUrl)
    if (!gate) this.gates.set(settings.baseUrl, (gate = new ProviderGate(settings)))
    return gate
  }

  private wakeAt(at: number): void {
    if (this.timer && at >= this.timerAt) return
    clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Infinity
      this.pump()
    }, Math.max(0, at - this.now()))
  }

  private announce(task: AiTask): AiTask {
    this.options.onTask(task)
    return task
  }
}
