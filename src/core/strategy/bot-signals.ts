import { AiSignalsResult, type AiSignal } from '../../shared/ai'
import type { Timeframe } from '../../shared/market-data'
import type { HostCall } from './account-view'
import type { StrategySignals } from './contract'
import { strategySignalsOf } from './signals'

export interface BotSignalsTiming {
  /** One aiSignals call longer than this counts as the AI worker being unavailable. */
  callTimeoutMs: number
  /** How long to wait for the AI worker to catch up with a candle it has not processed yet. */
  catchUpMs: number
  retryMs: number
  /** After a failed call, candles get no signal (and no call) for this long. */
  quietMs: number
}

const TIMING: BotSignalsTiming = { callTimeoutMs: 1_500, catchUpMs: 1_000, retryMs: 100, quietMs: 5_000 }

/**
 * What a bot's ctx.signals holds: the AI worker's signal on the very candle the bot is about
 * to see, fetched from the host before each onCandle (the strategy reads it synchronously).
 * An AI worker one candle behind is waited for, briefly; a replayed candle older than the latest
 * signal gets none (a later signal would be look-ahead); an AI worker that is down, slow or has
 * no signal for the series costs the bot at most one short wait and leaves ctx.signals
 * undefined, never an error.
 */
export class BotSignals {
  private cached: { key: string; signals: StrategySignals | undefined } | undefined
  private quietUntil = 0

  constructor(
    private readonly call: HostCall,
    /** The bot's series now (a settings change may move the bot to another one). */
    private readonly series: () => { exchange: string; symbol: string; timeframe: Timeframe },
    private readonly timing: BotSignalsTiming = TIMING,
    private readonly clock: () => number = () => performance.now()
  ) {}

  /** The signal computed on the closed candle that opened at `candleTime`, or undefined. */
  async forCandle(candleTime: number): Promise<StrategySignals | undefined> {
    const { exchange, symbol, timeframe } = this.series()
    const key = `${exchange}|${symbol}|${timeframe}|${candleTime}`
    if (this.cached?.key === key) return this.cached.signals
    const signals = await this.fetch({ exchange, symbol, timeframe }, candleTime)
    this.cached = { key, signals }
    return signals
  }

  private async fetch(series: { exchange: string; symbol: string; timeframe: Timeframe }, candleTime: number): Promise<StrategySignals | undefined> {
    if (this.clock() < this.quietUntil) return undefined
    const giveUpAt = this.clock() + this.timing.catchUpMs
    for (;;) {
      const latest = await this.latest(series)
      // Down, or not following the series yet (it starts when the series' candles reach it): no wait.
      if (!latest) return undefined
      if (latest.time === candleTime) return strategySignalsOf(latest)
      if (latest.time > candleTime) return undefined
      if (this.clock() >= giveUpAt) return undefined
      await new Promise((resolve) => setTimeout(resolve, this.timing.retryMs))
    }
  }

  /** The series' newest signal, undefined when the AI worker has none yet, null when it cannot be asked. */
  private async latest(series: { exchange: string; symbol: string; timeframe: Timeframe }): Promise<AiSignal | undefined | null> {
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('aiSignals timed out')), this.timing.callTimeoutMs)
      })
      const raw = await Promise.race([this.call('aiSignals', series), timeout])
      const parsed = AiSignalsResult.safeParse(raw)
      if (!parsed.success) throw new Error('aiSignals answered something else than signals')
      return parsed.data.find((s) => s.exchange === series.exchange && s.symbol === series.symbol && s.timeframe === series.timeframe)
    } catch {
      this.quietUntil = this.clock() + this.timing.quietMs
      return null
    } finally {
      clearTimeout(timer)
    }
  }
}
