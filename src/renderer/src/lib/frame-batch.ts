/** Runs a callback before the next paint; outside a browser (unit tests) a 16 ms timer stands in. */
export type Scheduler = (callback: () => void) => void

export const nextFrame: Scheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback())
  else setTimeout(callback, 16)
}

/**
 * Keeps the latest value per key and hands them over at most once per frame. Market events may
 * arrive thousands of times a second; the screen can show 60 states a second, so everything in
 * between is overwritten here for the price of a Map.set.
 */
export class FrameBatch<T> {
  private pending = new Map<string, T>()
  private scheduled = false

  constructor(
    private readonly flush: (latest: Map<string, T>) => void,
    private readonly schedule: Scheduler = nextFrame
  ) {}

  put(key: string, value: T): void {
    this.pending.set(key, value)
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => this.run())
  }

  /** Flushes now (tests, or a caller that must see the state before the next frame). */
  run(): void {
    this.scheduled = false
    if (this.pending.size === 0) return
    const latest = this.pending
    this.pending = new Map()
    this.flush(latest)
  }
}
