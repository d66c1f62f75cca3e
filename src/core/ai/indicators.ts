import { BollingerBands, EMA, MACD, RSI } from 'trading-signals'
import type { Candle } from '../../shared/market-data'

/** Indicator values after one closed candle; null until an indicator has enough input. */
export interface IndicatorValues {
  close: number
  rsi: number | null
  macdHistogram: number | null
  bollinger: { lower: number; middle: number; upper: number } | null
  emaFast: number | null
  emaSlow: number | null
  /** Volume z-score against the last VOLUME_WINDOW candles (null until the window is full). */
  volumeZ: number | null
  /** The candle's own direction: +1 up, -1 down, 0 flat. */
  candleDirection: -1 | 0 | 1
}

export const VOLUME_WINDOW = 20
const EMA_FAST = 12
const EMA_SLOW = 26

/**
 * Streaming indicators over closed candles (trading-signals does the arithmetic): one update
 * per candle, O(1) each, so the ensemble and the live features cost nothing per candle.
 */
export class IndicatorState {
  private readonly rsi = new RSI(14)
  private readonly macd = new MACD(new EMA(12), new EMA(26), new EMA(9))
  private readonly bollinger = new BollingerBands(20, 2)
  private readonly emaFast = new EMA(EMA_FAST)
  private readonly emaSlow = new EMA(EMA_SLOW)
  private readonly volumes: number[] = []
  private seen = 0

  update(candle: Candle): IndicatorValues {
    const [, open, , , close, volume] = candle
    this.seen += 1
    const rsi = this.rsi.update(close, false)
    const macd = this.macd.update(close, false)
    const bands = this.bollinger.update(close, false)
    const emaFast = this.emaFast.update(close, false)
    const emaSlow = this.emaSlow.update(close, false)
    const volumeZ = this.volumes.length >= VOLUME_WINDOW ? zScore(volume, this.volumes) : null
    this.volumes.push(volume)
    if (this.volumes.length > VOLUME_WINDOW) this.volumes.shift()
    return {
      close,
      rsi: rsi ?? null,
      macdHistogram: macd?.histogram ?? null,
      bollinger: bands ?? null,
      emaFast: this.seen >= EMA_FAST ? emaFast : null,
      emaSlow: this.seen >= EMA_SLOW ? emaSlow : null,
      volumeZ,
      candleDirection: close > open ? 1 : close < open ? -1 : 0
    }
  }
}

function zScore(value: number, window: readonly number[]): number {
  const mean = window.reduce((s, v) => s + v, 0) / window.length
  const variance = window.reduce((s, v) => s + (v - mean) ** 2, 0) / window.length
  const sd = Math.sqrt(variance)
  return sd > 0 ? (value - mean) / sd : 0
}
