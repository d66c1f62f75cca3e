import { type AiSignal, type ModelInfo, type ModelSignal } from '../src/shared/ai'
import { TIMEFRAME_MS, type Candle, type Timeframe } from '../src/shared/market-data'
import type { CandleEvent } from '../src/shared/market'
import { predictUp, type FittedModel } from '../src/core/ai/model'
import { SeriesSignals, type SeriesStep } from '../src/core/ai/series-signals'
import type { ModelStore } from '../src/core/storage/ai/model-store'
import { closedCandles, type HostCall } from './ai-history'

/** History fed to a series before its first live candle (indicators, features and the ensemble's record). */
export const WARMUP_CANDLES = 1000
/**
 * Waits before asking again when a history request fails (the market worker restarting, a busy
 * host): a 1h series that gave up at once would show nothing until its next close, an hour on.
 */
const WARM_RETRY_MS = [1_000, 3_000, 10_000, 30_000]

interface Series {
  exchange: string
  symbol: string
  timeframe: Timeframe
  signals: SeriesSignals
  /** Live candles that arrived while the history was loading, applied after it. */
  backlog: Candle[] | undefined
  latest: AiSignal | undefined
  lastStep: SeriesStep | undefined
}

export interface SignalServiceOptions {
  store: ModelStore
  call: HostCall
  emit(signal: AiSignal): void
  log: { warn(...args: unknown[]): void }
}

const keyOf = (s: { exchange: string; symbol: string; timeframe: string }): string => `${s.exchange}|${s.symbol}|${s.timeframe}`

/**
 * Live signals per series: warmed from history, then advanced by every closed candle the host
 * relays. Each step also asks the series' newest model for a prediction, records it in ai.db
 * and resolves the predictions that came due, so the live hit rate grows as candles close.
 */
export class SignalService {
  private readonly series = new Map<string, Series>()
  private readonly models = new Map<string, { info: ModelInfo; fitted: FittedModel }>()
  /** Warm-ups run one after another: each is a history request the market worker answers in one go. */
  private warming: Promise<void> = Promise.resolve()

  constructor(private readonly options: SignalServiceOptions) {
    for (const model of options.store.latestPerSeries()) this.models.set(keyOf(model.info), model)
  }

  /** Starts tracking a series (idempotent): loads its history, then follows live candles. */
  track(exchange: string, symbol: string, timeframe: Timeframe): void {
    const key = keyOf({ exchange, symbol, timeframe })
    if (this.series.has(key)) return
    const series: Series = { exchange, symbol, timeframe, signals: new SeriesSignals(), backlog: [], latest: undefined, lastStep: undefined }
    this.series.set(key, series)
    this.warming = this.warming.then(() => this.warm(series))
  }

  onCandle(event: CandleEvent): void {
    this.track(event.exchange, event.symbol, event.timeframe)
    const series = this.series.get(keyOf(event))!
    if (series.backlog) series.backlog.push(event.candle)
    else this.step(series, event.candle, true)
  }

  useModel(info: ModelInfo, fitted: FittedModel): void {
    this.models.set(keyOf(info), { info, fitted })
    this.track(info.exchange, info.symbol, info.timeframe)
    // The new model speaks at once on the last closed candle (its first recorded prediction waits for the next).
    const series = this.series.get(keyOf(info))!
    if (series.lastStep) {
      series.latest = this.signalOf(series, series.lastStep, false)
      this.options.emit(series.latest)
    }
  }

  signals(filter: { exchange?: string; symbol?: string; timeframe?: Timeframe }): AiSignal[] {
    return [...this.series.values()]
      .filter((s) => (!filter.exchange || s.exchange === filter.exchange) && (!filter.symbol || s.symbol === filter.symbol) && (!filter.timeframe || s.timeframe === filter.timeframe))
      .flatMap((s) => (s.latest ? [s.latest] : []))
  }

  private async warm(series: Series, attempt = 0): Promise<void> {
    let history: Candle[] = []
    try {
      history = await closedCandles(this.options.call, series, WARMUP_CANDLES)
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      const delay = WARM_RETRY_MS[attempt]
      if (delay !== undefined) {
        // Live candles keep collecting in the backlog meanwhile; the retry queues behind other warm-ups.
        this.options.log.warn(`history for ${keyOf(series)} failed (${reason}); asking again in ${delay} ms`)
        setTimeout(() => {
          this.warming = this.warming.then(() => this.warm(series, attempt + 1))
        }, delay).unref()
        return
      }
      this.options.log.warn(`no history for ${keyOf(series)}; signals start from live candles:`, reason)
    }
    const last = series.signals.warm(history)
    if (last) {
      series.lastStep = last
      series.latest = this.signalOf(series, last, false)
      this.options.emit(series.latest)
    }
    const backlog = series.backlog ?? []
    series.backlog = undefined
    for (const candle of backlog) this.step(series, candle, true)
  }

  private step(series: Series, candle: Candle, live: boolean): void {
    const step = series.signals.update(candle)
    if (!step) return
    series.lastStep = step
    series.latest = this.signalOf(series, step, live)
    this.options.emit(series.latest)
  }

  private signalOf(series: Series, step: SeriesStep, live: boolean): AiSignal {
    return {
      exchange: series.exchange,
      symbol: series.symbol,
      timeframe: series.timeframe,
      time: step.time,
      close: step.close,
      votes: step.votes,
      score: step.score,
      ensembleQuality: series.signals.quality,
      model: this.modelSignal(series, step, live)
    }
  }

  /** Live steps record a prediction and resolve due ones; the warm-up's last step only shows one. */
  private modelSignal(series: Series, step: SeriesStep, live: boolean): ModelSignal | null {
    const model = this.models.get(keyOf(series))
    if (!model || !step.features) return null
    const { info, fitted } = model
    const probUp = predictUp(fitted, step.features)
    if (live) {
      const { store } = this.options
      store.resolvePredictions(info.id, step.time, step.close, info.band)
      store.recordPrediction({ modelId: info.id, candleTime: step.time, resolveTime: step.time + info.horizon * TIMEFRAME_MS[series.timeframe], close: step.close, probUp })
    }
    return { modelId: info.id, algorithm: info.algorithm, horizon: info.horizon, probUp, direction: probUp >= 0.5 ? 'up' : 'down', quality: info.quality, live: this.options.store.live(info.id) }
  }
}
