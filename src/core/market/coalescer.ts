import type { MarketEvent } from './events'

/**
 * Fan-out without backlog. Each consumer (a UI client, the host bus) gets its own coalescer:
 * state-like events (ticker, order book, candle, feed status) keep only the latest value per
 * key; trades, where every one matters to a tape, go to a bounded ring that drops the oldest
 * and counts what it dropped. However slow the consumer, memory stays bounded by
 * (keys + ring capacity), and what it finally reads is the newest state.
 */

/** A fixed-capacity FIFO that overwrites its oldest item when full. */
export class BoundedRing<T> {
  private readonly items: (T | undefined)[]
  private head = 0
  private count = 0
  dropped = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`)
    this.items = new Array(capacity)
  }

  get size(): number {
    return this.count
  }

  push(item: T): void {
    const tail = (this.head + this.count) % this.capacity
    this.items[tail] = item
    if (this.count < this.capacity) this.count += 1
    else {
      this.head = (this.head + 1) % this.capacity
      this.dropped += 1
    }
  }

  /** Removes and returns everything, oldest first, with the drop count since the last drain. */
  drain(): { items: T[]; dropped: number } {
    const items: T[] = []
    for (let i = 0; i < this.count; i++) {
      const index = (this.head + i) % this.capacity
      items.push(this.items[index] as T)
      this.items[index] = undefined
    }
    const dropped = this.dropped
    this.head = 0
    this.count = 0
    this.dropped = 0
    return { items, dropped }
  }
}

export interface CoalescedBatch {
  /** Latest state events (insertion order of their keys), then trades oldest first. */
  events: MarketEvent[]
  /** Trades dropped because the consumer fell more than `tradeCapacity` behind. */
  droppedTrades: number
  /** State updates replaced by a newer one before delivery (not lost: superseded). */
  superseded: number
}

/** The key under which a state event replaces its predecessor. */
export function coalesceKey(event: MarketEvent): string | undefined {
  switch (event.name) {
    case 'trade':
      return undefined
    case 'candle':
      return `candle|${event.data.exchange}|${event.data.symbol}|${event.data.timeframe}|${event.data.candle[0]}`
    case 'historyProgress':
      return `history|${event.data.jobId}`
    case 'feedStatus':
      return `feedStatus|${event.data.exchange}|${event.data.symbol ?? '*'}`
    default:
      return `${event.name}|${event.data.exchange}|${event.data.symbol}`
  }
}

export class MarketEventCoalescer {
  private latest = new Map<string, MarketEvent>()
  private readonly trades: BoundedRing<MarketEvent>
  private superseded = 0

  constructor(tradeCapacity = 1_000) {
    this.trades = new BoundedRing(tradeCapacity)
  }

  offer(event: MarketEvent): void {
    const key = coalesceKey(event)
    if (key === undefined) return this.trades.push(event)
    if (this.latest.has(key)) {
      this.superseded += 1
      this.latest.delete(key) // re-insert so keys keep the order of their latest update
    }
    this.latest.set(key, event)
  }

  /** How many events are waiting (bounded by distinct keys + trade capacity). */
  get pending(): number {
    return this.latest.size + this.trades.size
  }

  drain(): CoalescedBatch {
    const { items, dropped } = this.trades.drain()
    const events = [...this.latest.values(), ...items]
    const batch = { events, droppedTrades: dropped, superseded: this.superseded }
    this.latest = new Map()
    this.superseded = 0
    return batch
  }
}

export interface FrameTimers {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export interface FrameFlusherOptions {
  coalescer: MarketEventCoalescer
  /** Delivers one batch; called at most once per frame and only when there is something. */
  deliver: (batch: CoalescedBatch) => void
  /** False while the consumer is still busy (e.g. a socket's send buffer is full): skip the frame. */
  isReady?: () => boolean
  frameMs?: number
  timers?: FrameTimers
}

/** Drains a coalescer once per frame (default 33 ms ≈ 30 fps) into a consumer. */
export class FrameFlusher {
  private handle: unknown
  private readonly frameMs: number

  constructor(private readonly options: FrameFlusherOptions) {
    this.frameMs = options.frameMs ?? 33
    if (!(this.frameMs >= 1)) throw new Error(`frame interval must be at least 1 ms, got ${this.frameMs}`)
  }

  start(): void {
    if (this.handle !== undefined) return
    const timers = this.options.timers ?? globalThis
    this.handle = timers.setInterval(() => this.tick(), this.frameMs)
  }

  stop(): void {
    if (this.handle === undefined) return
    ;(this.options.timers ?? globalThis).clearInterval(this.handle as ReturnType<typeof setInterval>)
    this.handle = undefined
  }

  /** One frame: deliver if there is news and the consumer can take it. */
  tick(): boolean {
    if (this.options.coalescer.pending === 0) return false
    if (this.options.isReady && !this.options.isReady()) return false
    this.options.deliver(this.options.coalescer.drain())
    return true
  }
}
