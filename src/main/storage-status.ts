import type { StorageHealth } from '../shared/storage'
import { internalEvents } from '../shared/internal-events'
import type { Logger } from './logger'

/** The latest storage report of each database owner, for health (kept across worker restarts). */
export class StorageStatus {
  private readonly byDatabase = new Map<string, StorageHealth>()

  constructor(private readonly log: Logger) {}

  /** True when the event was a storage report (host-internal, not for clients). */
  accept(name: string, payload: unknown): boolean {
    if (name !== 'storageHealth') return false
    const parsed = internalEvents.storageHealth.safeParse(payload)
    if (!parsed.success) {
      this.log.warn('dropped a malformed storageHealth report')
      return true
    }
    const health = parsed.data
    const before = this.byDatabase.get(health.database)
    if (health.state !== 'ok' && health.problem && before?.problem?.at !== health.problem.at) {
      this.log.error(`${health.database} storage ${health.state}: ${health.problem.file}: ${health.problem.cause} (${health.problem.advice})`)
    }
    this.byDatabase.set(health.database, health)
    return true
  }

  list(): StorageHealth[] {
    return [...this.byDatabase.values()]
  }
}
