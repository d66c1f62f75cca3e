/**
 * When to restart a failed worker, and when to stop trying. Erlang/OTP's restart intensity
 * (R restarts in T seconds, then give up) plus a circuit breaker that retries half-open after
 * a cool-down, and exponential backoff with jitter between quick successive failures.
 */
export interface RestartPolicyOptions {
  /** Restarts allowed within windowMs before the circuit opens. */
  maxRestarts: number
  windowMs: number
  /** Backoff base for the second quick failure; doubles after. The first restart is immediate. */
  baseDelayMs: number
  maxDelayMs: number
  /** A worker that ran this long is healthy again: backoff resets, a half-open circuit closes. */
  stableAfterMs: number
  /** How long a failed (open) worker waits before a half-open retry. */
  coolDownMs: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxRestarts: 5,
  windowMs: 60_000,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  stableAfterMs: 10_000,
  coolDownMs: 30_000
}

export type RestartDecision = { kind: 'restart'; delayMs: number } | { kind: 'open'; retryAt: number }

export class RestartPolicy {
  private restartTimes: number[] = []
  private consecutive = 0
  private halfOpen = false

  constructor(
    private readonly options: RestartPolicyOptions,
    private readonly random: () => number = Math.random
  ) {}

  /** A worker failed after running `uptimeMs`; decide what happens next. */
  onFailure(now: number, uptimeMs: number): RestartDecision {
    const stable = uptimeMs >= this.options.stableAfterMs
    if (stable) {
      this.consecutive = 0
      this.halfOpen = false
    }
    if (this.halfOpen) return this.open(now)
    this.restartTimes = this.restartTimes.filter((t) => now - t < this.options.windowMs)
    if (this.restartTimes.length >= this.options.maxRestarts) return this.open(now)
    this.restartTimes.push(now)
    this.consecutive += 1
    return { kind: 'restart', delayMs: this.backoff() }
  }

  /** The cool-down passed or the user asked: allow one attempt; a quick failure reopens. */
  beginHalfOpen(): void {
    this.halfOpen = true
    this.restartTimes = []
    this.consecutive = 0
  }

  private open(now: number): RestartDecision {
    this.halfOpen = false
    return { kind: 'open', retryAt: now + this.options.coolDownMs }
  }

  private backoff(): number {
    if (this.consecutive <= 1) return 0
    const exp = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (this.consecutive - 2))
    // "Equal jitter": half fixed, half random, so restarts of several workers don't align.
    return Math.round(exp / 2 + (exp / 2) * this.random())
  }
}
