import type Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { AiTask, Analysis, TaskPriority, type TaskState } from '../../../shared/ai'
import type { Timeframe } from '../../../shared/market-data'

interface TaskRow {
  id: string
  kind: string
  priority: number
  state: string
  provider: string
  model: string
  symbol: string
  timeframe: string
  cache_key: string
  input: string
  prompt: string
  raw_answer: string | null
  answer: string | null
  error: string | null
  attempts: number
  next_at: number | null
  prompt_tokens: number
  completion_tokens: number
  cost_usd: number
  cached: number
  created_at: number
  updated_at: number
  done_at: number | null
}

export interface NewTask {
  priority: TaskPriority
  provider: string
  model: string
  symbol: string
  timeframe: Timeframe
  cacheKey: string
  input: unknown
  prompt: string
}

/** Lower sorts first: user requests before scheduled ones before background work. */
const PRIORITY_RANK: Record<TaskPriority, number> = { user: 0, scheduled: 1, background: 2 }

/**
 * The LLM task queue and its spend ledger in ai.db (the settings are the host's). Every prompt, input and
 * raw answer stays in the row for audit; spend is one row per call that reported usage.
 */
export class TaskStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now
  ) {}

  insert(task: NewTask, state: TaskState, fields: Partial<{ error: string; answer: unknown; rawAnswer: string; cached: boolean }> = {}): AiTask {
    const id = `task-${randomUUID()}`
    const t = this.now()
    const finished = state === 'done' || state === 'refused'
    this.db
      .prepare(
        `INSERT INTO tasks (id, kind, priority, state, provider, model, symbol, timeframe, cache_key, input, prompt, raw_answer, answer, error, cached, created_at, updated_at, done_at)
         VALUES (?, 'analysis', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(id, PRIORITY_RANK[task.priority], state, task.provider, task.model, task.symbol, task.timeframe, task.cacheKey, JSON.stringify(task.input), task.prompt, fields.rawAnswer ?? null, fields.answer === undefined ? null : JSON.stringify(fields.answer), fields.error ?? null, fields.cached ? 1 : 0, t, t, finished ? t : null)
    return this.get(id)!
  }

  get(id: string): AiTask | undefined {
    const row = this.row(id)
    return row && toTask(row)
  }

  audit(id: string): { task: AiTask; input: unknown; prompt: string; rawAnswer: string | null } | undefined {
    const row = this.row(id)
    return row && { task: toTask(row), input: JSON.parse(row.input), prompt: row.prompt, rawAnswer: row.raw_answer }
  }

  list(state: TaskState | undefined, limit: number): AiTask[] {
    const rows = (state ? this.db.prepare('SELECT * FROM tasks WHERE state = ? ORDER BY created_at DESC LIMIT ?').all(state, limit) : this.db.prepare('SELECT * FROM tasks ORDER BY created_at DESC LIMIT ?').all(limit)) as TaskRow[]
    return rows.map(toTask)
  }

  /** Pending tasks due by `now`, most urgent first. */
  due(now: number, limit: number): AiTask[] {
    return (this.db.prepare("SELECT * FROM tasks WHERE state = 'pending' AND (next_at IS NULL OR next_at <= ?) ORDER BY priority, created_at LIMIT ?").all(now, limit) as TaskRow[]).map(toTask)
  }

  /** When the next pending task falls due (null: none waiting). */
  nextDueAt(): number | null {
    const row = this.db.prepare("SELECT MIN(COALESCE(next_at, 0)) AS at FROM tasks WHERE state = 'pending'").get() as { at: number | null }
    return row.at
  }

  /** The prompt stored with the task (what is sent, exactly as audited). */
  /** When the newest task of this priority was queued (null: never). */
  lastCreatedAt(priority: TaskPriority): number | null {
    const row = this.db.prepare('SELECT MAX(created_at) AS at FROM tasks WHERE priority = ?').get(PRIORITY_RANK[priority]) as { at: number | null }
    return row.at
  }

  /** Symbols with a task of this priority still waiting or running. */
  openSymbols(priority: TaskPriority): Set<string> {
    const rows = this.db.prepare("SELECT DISTINCT symbol FROM tasks WHERE priority = ? AND state IN ('pending', 'running')").all(PRIORITY_RANK[priority]) as Array<{ symbol: string }>
    return new Set(rows.map((r) => r.symbol))
  }

  prompt(id: string): { input: unknown; prompt: string } {
    const row = this.row(id)!
    return { input: JSON.parse(row.input), prompt: row.prompt }
  }

  /** A recent answer to the same prompt and model, within the TTL. */
  cachedAnswer(cacheKey: string, ttlMs: number): { answer: unknown; rawAnswer: string | null } | undefined {
    const row = this.db.prepare("SELECT answer, raw_answer FROM tasks WHERE cache_key = ? AND state = 'done' AND answer IS NOT NULL AND done_at >= ? ORDER BY done_at DESC LIMIT 1").get(cacheKey, this.now() - ttlMs) as
      | { answer: string; raw_answer: string | null }
      | undefined
    return row && { answer: JSON.parse(row.answer), rawAnswer: row.raw_answer }
  }

  /** Tasks a killed worker left running go back to the queue (at-least-once; the provider may see a call twice). */
  requeueRunning(): number {
    return this.db.prepare("UPDATE tasks SET state = 'pending', updated_at = ? WHERE state = 'running'").run(this.now()).changes
  }

  markRunning(id: string): AiTask {
    this.db.prepare("UPDATE tasks SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?").run(this.now(), id)
    return this.get(id)!
  }

  /** A call's usage is spent whatever became of its answer; recorded with the task's totals, atomically. */
  recordUsage(id: string, usage: { promptTokens: number; completionTokens: number }, cost: number): void {
    const t = this.now()
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO spend (at, task_id, prompt_tokens, completion_tokens, cost_usd) VALUES (?, ?, ?, ?, ?)').run(t, id, usage.promptTokens, usage.completionTokens, cost)
      this.db
        .prepare('UPDATE tasks SET prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?, cost_usd = cost_usd + ?, updated_at = ? WHERE id = ?')
        .run(usage.promptTokens, usage.completionTokens, cost, t, id)
    })()
  }

  finish(id: string, state: 'done' | 'dead' | 'refused', fields: { answer?: unknown; rawAnswer?: string | null; error?: string | null }): AiTask {
    const t = this.now()
    this.db
      .prepare('UPDATE tasks SET state = ?, answer = COALESCE(?, answer), raw_answer = COALESCE(?, raw_answer), error = ?, next_at = NULL, updated_at = ?, done_at = ? WHERE id = ?')
      .run(state, fields.answer === undefined ? null : JSON.stringify(fields.answer), fields.rawAnswer ?? null, fields.error ?? null, t, t, id)
    return this.get(id)!
  }

  retryLater(id: string, at: number, error: string, rawAnswer: string | null = null): AiTask {
    this.db.prepare("UPDATE tasks SET state = 'pending', next_at = ?, error = ?, raw_answer = COALESCE(?, raw_answer), updated_at = ? WHERE id = ?").run(at, error, rawAnswer, this.now(), id)
    return this.get(id)!
  }

  /** Dead letter → queue again, attempts from zero. */
  revive(id: string): AiTask | undefined {
    const changed = this.db.prepare("UPDATE tasks SET state = 'pending', attempts = 0, next_at = NULL, error = NULL, updated_at = ?, done_at = NULL WHERE id = ? AND state IN ('dead', 'refused')").run(this.now(), id).changes
    return changed ? this.get(id) : undefined
  }

  discard(id: string): AiTask | undefined {
    const changed = this.db.prepare("UPDATE tasks SET state = 'discarded', next_at = NULL, updated_at = ? WHERE id = ? AND state IN ('dead', 'pending', 'refused')").run(this.now(), id).changes
    return changed ? this.get(id) : undefined
  }

  spentSince(since: number): { usd: number; calls: number } {
    const row = this.db.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS usd, COUNT(*) AS calls FROM spend WHERE at >= ?').get(since) as { usd: number; calls: number }
    return row
  }

  private row(id: string): TaskRow | undefined {
    return this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined
  }
}

function toTask(row: TaskRow): AiTask {
  const answer = row.answer ? Analysis.safeParse(JSON.parse(row.answer)) : undefined
  return AiTask.parse({
    id: row.id,
    kind: 'analysis',
    priority: TaskPriority.options[row.priority],
    state: row.state,
    provider: row.provider,
    model: row.model,
    symbol: row.symbol,
    timeframe: row.timeframe,
    attempts: row.attempts,
    nextAttemptAt: row.next_at,
    error: row.error,
    costUsd: row.cost_usd,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cached: row.cached === 1,
    answer: answer?.success ? answer.data : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  })
}
