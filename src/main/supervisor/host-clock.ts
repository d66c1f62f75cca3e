/**
 * The host's own running time: wall time minus the stretches the host did not run (SIGSTOP,
 * Ctrl-Z, a laptop suspend, a blocked loop). A worker's silence is judged on this clock, so a
 * paused host never mistakes its own pause for a frozen worker.
 *
 * A ticker observes the clock every `tickMs`; any gap between two observations longer than
 * `stallMs` is a host stall and counts as zero. `pause()`/`resume()` let a host that knows
 * about a suspend (Electron's powerMonitor) stop the clock outright.
 */
export class HostClock {
  private running = 0
  private last = performance.now()
  private paused = false
  private ticker: NodeJS.Timeout | undefined
  private readonly tickListeners = new Set<() => void>()
  /** Host stalls detected so far, and the longest one (ms): health and logs show them. */
  stalls = 0
  longestStallMs = 0

  constructor(
    readonly tickMs = 250,
    readonly stallMs = 1_000,
    private readonly wallNow: () => number = () => performance.now()
  ) {
    this.last = wallNow()
  }

  /** Running ms so far (monotonic). */
  now(): number {
    const t = this.wallNow()
    const gap = t - this.last
    this.last = t
    if (this.paused) return this.running
    if (gap > this.stallMs) {
      this.stalls += 1
      this.longestStallMs = Math.max(this.longestStallMs, Math.round(gap))
    } else if (gap > 0) {
      this.running += gap
    }
    return this.running
  }

  start(): void {
    if (this.ticker) return
    this.last = this.wallNow()
    this.ticker = setInterval(() => {
      this.now()
      for (const listener of this.tickListeners) listener()
    }, this.tickMs)
    this.ticker.unref()
  }

  stop(): void {
    clearInterval(this.ticker)
    this.ticker = undefined
  }

  /** Called on every tick, after the clock has advanced. */
  onTick(listener: () => void): () => void {
    this.tickListeners.add(listener)
    return () => this.tickListeners.delete(listener)
  }

  /** The host knows it is about to be suspended: time stops counting. */
  pause(): void {
    this.now()
    this.paused = true
  }

  /** Back from a suspend: counting resumes from now. */
  resume(): void {
    this.last = this.wallNow()
    this.paused = false
  }
}
