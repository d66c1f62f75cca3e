import type { LlmSettings } from '../../../shared/ai'
import { KeelError } from '../../../shared/errors'
import type { Timeframe } from '../../../shared/market-data'
import type { TaskStore } from '../../storage/ai/task-store'

export interface ScheduleOptions {
  store: Pick<TaskStore, 'lastCreatedAt' | 'openSymbols'>
  /** Gathers the market context and queues one analysis at 'scheduled' priority (throws the refusal). */
  submit(exchange: string, symbol: string, timeframe: Timeframe): Promise<unknown>
  log: { info(...args: unknown[]): void; warn(...args: unknown[]): void }
  now?: () => number
}

export interface Watch {
  exchange: string
  symbols: readonly string[]
}

/** When the next round is due: N minutes after the last one (ai.db remembers it across restarts), never in the past. */
export function nextRoundAt(lastRound: number | null, minutes: number, now: number): number {
  return lastRound === null ? now : Math.max(now, lastRound + minutes * 60_000)
}

/**
 * "Analyze watched symbols every N minutes": each round queues one analysis per watched symbol
 * at 'scheduled' priority, so a user's request still goes first. A symbol whose scheduled
 * analysis is still queued is skipped (no pile-up behind a slow provider), and a round stops
 * at the first budget refusal (the refused task stays in the queue's history with the reason).
 */
export class AnalysisSchedule {
  private settings: LlmSettings | undefined
  private watch: Watch = { exchange: 'demo', symbols: [] }
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  /** The last round this process ran (it may have queued nothing, so ai.db does not show it). */
  private lastRound: number | null = null
  private stopped = false
  private readonly now: () => number

  constructor(private readonly options: ScheduleOptions) {
    this.now = options.now ?? Date.now
  }

  configure(settings: LlmSettings, watch: Watch): void {
    this.settings = settings
    this.watch = watch
    this.arm()
  }

  /** No more timed rounds (runRound still works). */
  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** One round now (the timer's work); resolves when every watched symbol has been queued or skipped. */
  async runRound(): Promise<number> {
    const settings = this.settings
    if (!settings?.enabled || settings.scheduleMinutes === 0) return 0
    const open = this.options.store.openSymbols('scheduled')
    let queued = 0
    for (const symbol of this.watch.symbols) {
      if (open.has(symbol)) continue
      try {
        await this.options.submit(this.watch.exchange, symbol, settings.scheduleTimeframe)
        queued++
      } catch (err) {
        const error = KeelError.from(err)
        this.options.log.warn(`scheduled analysis of ${symbol} not queued: ${error.message}`)
        if (error.code === 'rejected') break
      }
    }
    return queued
  }

  private arm(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const settings = this.settings
    if (this.stopped || !settings?.enabled || settings.scheduleMinutes === 0 || this.watch.symbols.length === 0) return
    const stored = this.options.store.lastCreatedAt('scheduled')
    const last = stored === null ? this.lastRound : Math.max(stored, this.lastRound ?? stored)
    const at = nextRoundAt(last, settings.scheduleMinutes, this.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.running ??= this.runRound()
        .then(
          (n) => this.options.log.info(`scheduled analyses: ${n} queued`),
          (err: unknown) => this.options.log.warn('scheduled analyses failed', err)
        )
        .finally(() => {
          this.running = undefined
          // The next round counts from this one; a round that queued nothing waits a full period too.
          this.lastRound = this.now()
          this.arm()
        })
    }, Math.max(0, at - this.now()))
    this.timer.unref?.()
  }
}
