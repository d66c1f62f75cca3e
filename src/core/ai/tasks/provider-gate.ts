/**
 * Admission per provider: at most `concurrency` calls in flight, starts spaced by the rate
 * limit (60 000 / requestsPerMinute ms), and none at all until a retry-after has passed.
 */
export class ProviderGate {
  private inFlight = 0
  private nextStartAt = 0
  private pausedUntil = 0

  constructor(private limits: { concurrency: number; requestsPerMinute: number }) {}

  configure(limits: { concurrency: number; requestsPerMinute: number }): void {
    this.limits = limits
  }

  /** 0 when a call may start now; else how long to wait (Infinity while all slots are busy). */
  waitMs(now: number): number {
    if (this.inFlight >= this.limits.concurrency) return Infinity
    return Math.max(0, this.nextStartAt - now, this.pausedUntil - now)
  }

  start(now: number): void {
    this.inFlight += 1
    this.nextStartAt = Math.max(now, this.nextStartAt) + 60_000 / this.limits.requestsPerMinute
  }

  finish(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
  }

  /** The provider said "retry after": no call to it before then. */
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs)
  }
}
