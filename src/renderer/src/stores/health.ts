import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { HealthReport } from '../../../shared/health'
import type { WorkerName } from '../../../shared/worker-protocol'
import { messageOf } from '../lib/errors'

interface HealthState {
  report: HealthReport | null
  error: string | null
  /** Workers with a restart request in flight, so the button can say so. */
  restarting: Record<string, boolean>
  setReport(report: HealthReport): void
  setError(error: string | null): void
  /** `worker` is a name from the health report (a plain string there). */
  restart(client: KeelClient, worker: string): Promise<void>
}

export const useHealthStore = create<HealthState>((set) => ({
  report: null,
  error: null,
  restarting: {},
  setReport: (report) => set({ report, error: null }),
  setError: (error) => set({ error }),
  restart: async (client, worker) => {
    set((s) => ({ restarting: { ...s.restarting, [worker]: true } }))
    try {
      await client.call('restartWorker', { name: worker as WorkerName })
    } catch (err) {
      set({ error: messageOf(err) })
    } finally {
      set((s) => ({ restarting: { ...s.restarting, [worker]: false } }))
    }
  }
}))

/** Keeps the store live: one fetch now, then every pushed `health` event. */
export function bindHealth(client: KeelClient): () => void {
  const { setReport, setError } = useHealthStore.getState()
  client.call('health', {}).then(setReport, (err: unknown) => setError(messageOf(err)))
  return client.on('health', setReport)
}
