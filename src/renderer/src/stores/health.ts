import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { HealthReport } from '../../../shared/health'

interface HealthState {
  report: HealthReport | null
  error: string | null
  /** Workers with a restart request in flight, so the button can say so. */
  restarting: Record<string, boolean>
  setReport(report: HealthReport): void
  setError(error: string | null): void
  restart(client: KeelClient, worker: HealthReport['workers'][number]['name']): Promise<void>
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
      const name = worker as 'execution' | 'market' | 'ai' | 'strategy'
      await client.call('restartWorker', { name })
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) })
    } finally {
      set((s) => ({ restarting: { ...s.restarting, [worker]: false } }))
    }
  }
}))

/** Keeps the store live: one fetch now, then every pushed `health` event. */
export function bindHealth(client: KeelClient): () => void {
  const { setReport, setError } = useHealthStore.getState()
  client.call('health', {}).then(setReport, (err: unknown) => setError(err instanceof Error ? err.message : String(err)))
  return client.on('health', setReport)
}
