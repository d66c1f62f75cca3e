import { COALESCED_EVENTS, type EventName } from '../shared/api'
import { BoundedRing } from '../core/util/bounded-ring'

/** Trades kept per client per frame; older ones are dropped (and counted) under overload. */
const TRADE_RING = 2_000
/** Ordered events (orders, fills, balances, crashes) held for one client before it must resync. */
export const MAX_ORDERED = 5_000
/** Ordered events per delivered frame: one frame (and so one socket write) stays small. */
const FRAME_ORDERED = 500

export interface FanoutFrame {
  event: string
  payload: unknown
}

export interface FanoutOptions {
  /** Deliver one frame's worth of events. */
  deliver(frames: FanoutFrame[]): void
  /** False while the client is still busy with earlier frames (e.g. WebSocket bufferedAmount). */
  isReady?(): boolean
  frameMs?: number
  /** Cap of the ordered queue (default MAX_ORDERED). */
  maxOrdered?: number
}

/**
 * Fan-out to one client without backlog. State-like events (tickers, books, candles, health)
 * are coalesced per key to the latest value; trades go through a bounded ring; everything else
 * (orders, fills, crashes) is kept in order, up to a cap: a client that falls further behind
 * loses that queue and gets one `resync` event instead, telling it to refetch. Flushed once per
 * frame, and only when the client has caught up: a slow consumer costs bounded memory.
 */
export class ClientFanout {
  private readonly latest = new Map<string, FanoutFrame>()
  private readonly trades = new BoundedRing<FanoutFrame>(TRADE_RING)
  private ordered: FanoutFrame[] = []
  private timer: NodeJS.Timeout | undefined
  private droppedBefore = 0
  /** Ordered events dropped since the last delivered resync; > 0 means a resync is owed. */
  private droppedOrdered = 0
  resyncs = 0

  constructor(private readonly options: FanoutOptions) {}

  /** Trades this client never got because it fell more than a ring behind. */
  get droppedTrades(): number {
    return this.droppedBefore + this.trades.dropped
  }

  offer(event: EventName, payload: unknown): void {
    const frame = { event, payload }
    if (COALESCED_EVENTS.has(event)) this.latest.set(coalesceKey(event, payload), frame)
    else if (event === 'trade') this.trades.push(frame)
    else this.pushOrdered(frame)
    this.schedule()
  }

  private pushOrdered(frame: FanoutFrame): void {
    if (this.ordered.length >= (this.options.maxOrdered ?? MAX_ORDERED)) {
      this.droppedOrdered += this.ordered.length
      this.ordered = []
    }
    this.ordered.push(frame)
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => this.flush(), this.options.frameMs ?? 16)
  }

  /** Deliver what is pending now (the frame timer calls this; so can a bench). */
  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.options.isReady && !this.options.isReady()) {
      this.schedule() // try again next frame; meanwhile the latest state keeps replacing itself
      return
    }
    const trades = this.trades.drain()
    this.droppedBefore += trades.dropped
    const gap: FanoutFrame[] = trades.dropped ? [{ event: 'tradesDropped', payload: { count: trades.dropped } }] : []
    const resync: FanoutFrame[] = this.droppedOrdered ? [{ event: 'resync', payload: { reason: 'queue_overflow', dropped: this.droppedOrdered } }] : []
    if (this.droppedOrdered) this.resyncs += 1
    this.droppedOrdered = 0
    const now = this.ordered.length > FRAME_ORDERED ? this.ordered.splice(0, FRAME_ORDERED) : this.ordered.splice(0)
    const frames = [...resync, ...now, ...gap, ...trades.items, ...this.latest.values()]
    this.latest.clear()
    if (frames.length) this.options.deliver(frames)
    if (this.ordered.length) this.schedule()
  }
}

function coalesceKey(event: string, payload: unknown): string {
  const p = (payload ?? {}) as { exchange?: string; symbol?: string; timeframe?: string; candle?: unknown[] }
  return `${event}|${p.exchange ?? ''}|${p.symbol ?? ''}|${p.timeframe ?? ''}|${String(p.candle?.[0] ?? '')}`
}
