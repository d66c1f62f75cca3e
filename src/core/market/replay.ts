import type { Candle, Timeframe, Trade } from '../../shared/market-data'
import { TIMEFRAME_MS } from '../../shared/market-data'
import { inferTimeframe } from './candles'
import { type MarketEvent, marketEvent } from './events'
import { RollingDayStats } from './rolling-day'

export const MIN_REPLAY_SPEED = 1
export const MAX_REPLAY_SPEED = 1000

export interface ReplayOptions {
  exchange: string
  symbol: string
  candles: readonly Candle[]
  /** Inferred from the candle spacing when omitted. */
  timeframe?: Timeframe
  speed?: number
  /** Wall-clock time at which playback starts (injected; the replay never reads the clock). */
  startAt: number
}

/** A point on the synthesized intra-candle path. */
interface Waypoint {
  time: number
  price: number
  amount: number
  candleIndex: number
}

/**
 * Plays a candle series as if live: each candle becomes four trades along a plausible path
 * (O→L→H→C for an up candle, O→H→L→C for a down one) with a ticker after each, and a closed
 * `candle` event when its period ends. Events carry *market* time (the candles' clock), so
 * charts show the replayed dates. Speed 1× to 1000×, changeable while playing; pausable.
 */
export class CandleReplay {
  readonly timeframe: Timeframe
  private readonly candles: readonly Candle[]
  private readonly day = new RollingDayStats()
  private speed: number
  /** marketTime(now) = marketAnchor + (now - wallAnchor) × speed, unless paused. */
  private wallAnchor: number
  private marketAnchor: number
  private paused = false
  private nextCandle = 0
  private nextStep = 0
  private lastPrice: number | undefined

  constructor(private readonly options: ReplayOptions) {
    if (options.candles.length === 0) throw new Error('replay needs at least one candle')
    const timeframe = options.timeframe ?? inferTimeframe(options.candles)
    if (!timeframe) throw new Error('cannot tell the timeframe from the candle spacing; pass one (1m, 5m, 15m, 1h, 4h, 1d)')
    this.timeframe = timeframe
    this.candles = options.candles
    this.speed = checkSpeed(options.speed ?? 1)
    this.wallAnchor = options.startAt
    this.marketAnchor = options.candles[0][0]
  }

  /** The replayed market's current time. */
  marketTime(now: number): number {
    if (this.paused) return this.marketAnchor
    return this.marketAnchor + (now - this.wallAnchor) * this.speed
  }

  get done(): boolean {
    return this.nextCandle >= this.candles.length
  }

  /** Share of candles fully played, 0..1. */
  get progress(): number {
    return this.nextCandle / this.candles.length
  }

  setSpeed(speed: number, now: number): void {
    this.reanchor(now)
    this.speed = checkSpeed(speed)
  }

  pause(now: number): void {
    this.reanchor(now)
    this.paused = true
  }

  resume(now: number): void {
    this.wallAnchor = now
    this.paused = false
  }

  /** Emits everything whose market time has come by wall time `now`. */
  advance(now: number): MarketEvent[] {
    const until = this.marketTime(now)
    const events: MarketEvent[] = []
    const periodMs = TIMEFRAME_MS[this.timeframe]
    while (!this.done) {
      const candle = this.candles[this.nextCandle]
      const path = intraCandlePath(candle, periodMs, this.nextCandle)
      while (this.nextStep < path.length && path[this.nextStep].time <= until) {
        this.emitWaypoint(path[this.nextStep], events)
        this.nextStep += 1
      }
      const closesAt = candle[0] + periodMs
      if (this.nextStep < path.length || closesAt > until) break
      events.push(marketEvent('candle', { exchange: this.options.exchange, symbol: this.options.symbol, timeframe: this.timeframe, candle: [...candle], closed: true }))
      this.nextCandle += 1
      this.nextStep = 0
    }
    return events
  }

  private emitWaypoint(point: Waypoint, events: MarketEvent[]): void {
    const { exchange, symbol } = this.options
    this.day.record(point.time, point.price, point.amount)
    if (point.amount > 0) {
      // The aggressor is whoever moved the price: buyers lift it, sellers push it down.
      const side = point.price >= (this.lastPrice ?? point.price) ? 'buy' : 'sell'
      const trade: Trade = { exchange, symbol, id: `replay-${point.candleIndex}-${point.time}`, timestamp: point.time, price: point.price, amount: point.amount, side }
      events.push(marketEvent('trade', trade))
    }
    this.lastPrice = point.price
    const day = this.day.summary(point.time)
    events.push(marketEvent('ticker', { exchange, symbol, timestamp: point.time, last: point.price, open24h: day?.open, high24h: day?.high, low24h: day?.low, baseVolume24h: day?.volume }))
  }

  private reanchor(now: number): void {
    this.marketAnchor = this.marketTime(now)
    this.wallAnchor = now
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < MIN_REPLAY_SPEED || speed > MAX_REPLAY_SPEED) {
    throw new Error(`replay speed must be between ${MIN_REPLAY_SPEED}× and ${MAX_REPLAY_SPEED}×, got ${speed}`)
  }
  return speed
}

/** Four waypoints at 0, ¼, ½, ¾ of the period; the volume is split evenly between them. */
function intraCandlePath([ts, open, high, low, close, volume]: Candle, periodMs: number, candleIndex: number): Waypoint[] {
  const prices = close >= open ? [open, low, high, close] : [open, high, low, close]
  const amount = volume / prices.length
  return prices.map((price, i) => ({ time: ts + (i * periodMs) / 4, price, amount, candleIndex }))
}
