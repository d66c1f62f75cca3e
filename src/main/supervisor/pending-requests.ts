import { randomBytes } from 'node:crypto'
import { KeelError, type ErrorBody } from '../../shared/errors'

/** A crash while handling the same request this many times marks it as the cause: fail it. */
const POISON_AFTER_CRASHES = 3

interface Pending {
  id: string
  method: string
  params: unknown
  resolve(result: unknown): void
  reject(error: KeelError): void
  timer: NodeJS.Timeout
  delivered: boolean
  crashes: number
}

/**
 * Requests sent to one worker and not yet answered. They outlive the worker process: when it
 * dies they are re-sent to its successor (same id; the worker and the owner's durable
 * idempotency keys make that safe), so a caller sees a delay, not an error.
 */
export class PendingRequests {
  private readonly byId = new Map<string, Pending>()
  private readonly prefix = randomBytes(4).toString('hex')
  private seq = 0

  constructor(private readonly worker: string) {}

  get size(): number {
    return this.byId.size
  }

  add(method: string, params: unknown, timeoutMs: number): { id: string; promise: Promise<unknown> } {
    const id = `${this.prefix}-${(this.seq++).toString(36)}`
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.byId.delete(id)
        reject(new KeelError('timeout', `${this.worker} did not answer ${method} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.byId.set(id, { id, method, params, resolve, reject, timer, delivered: false, crashes: 0 })
    })
    return { id, promise }
  }

  /** Everything not yet delivered to the current process, to send now. */
  undelivered(): Array<{ id: string; method: string; params: unknown }> {
    return [...this.byId.values()].filter((p) => !p.delivered)
  }

  markDelivered(id: string): void {
    const pending = this.byId.get(id)
    if (pending) pending.delivered = true
  }

  settle(id: string, outcome: { ok: true; result: unknown } | { ok: false; error: ErrorBody }): void {
    const pending = this.byId.get(id)
    if (!pending) return // answered already, or timed out
    this.byId.delete(id)
    clearTimeout(pending.timer)
    if (outcome.ok) pending.resolve(outcome.result)
    else pending.reject(new KeelError(outcome.error.code, outcome.error.message))
  }

  /** The process died: what it had received goes back to the queue, unless it keeps killing it. */
  processGone(): void {
    for (const pending of this.byId.values()) {
      if (!pending.delivered) continue
      pending.delivered = false
      pending.crashes += 1
      if (pending.crashes >= POISON_AFTER_CRASHES) {
        this.settle(pending.id, {
          ok: false,
          error: { code: 'internal', message: `${this.worker} crashed ${pending.crashes} times while handling ${pending.method}; giving up on this request` }
        })
      }
    }
  }

  rejectAll(error: KeelError): void {
    for (const pending of [...this.byId.values()]) this.settle(pending.id, { ok: false, error: error.toBody() })
  }
}
