import type { WorkerToHost } from '../../src/shared/worker-protocol'

/**
 * Remembers the last N request ids and their answers, so a request delivered twice (the host
 * re-sends what was in flight) is answered from memory instead of being executed twice.
 * Durable idempotency across restarts is the owner's job (e.g. clientOrderId in trading.db).
 */
export class RecentResponses {
  private readonly entries = new Map<string, WorkerToHost | 'pending'>()
  constructor(private readonly capacity: number) {}

  get(id: string): WorkerToHost | 'pending' | undefined {
    return this.entries.get(id)
  }
  markPending(id: string): void {
    this.put(id, 'pending')
  }
  set(id: string, response: WorkerToHost): void {
    this.put(id, response)
  }
  private put(id: string, value: WorkerToHost | 'pending'): void {
    this.entries.delete(id)
    this.entries.set(id, value)
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }
}
