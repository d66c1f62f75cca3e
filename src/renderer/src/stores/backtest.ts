import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { BacktestProgress, BacktestReport, BacktestRequestInput, BacktestSummary } from '../../../shared/backtest'
import { messageOf } from '../lib/errors'

/** Backtests as the panel shows them: stored runs, the one opened, runs in progress, runs compared. */
interface BacktestState {
  runs: BacktestSummary[]
  /** Opened reports by backtest id (the selected one and those being compared). */
  reports: Record<number, BacktestReport>
  selected: number | null
  compare: number[]
  progress: Record<string, BacktestProgress>
  error: string | null
  refresh(client: KeelClient): Promise<void>
  start(client: KeelClient, request: BacktestRequestInput): Promise<void>
  cancel(client: KeelClient, runId: string): Promise<void>
  open(client: KeelClient, id: number): Promise<void>
  toggleCompare(client: KeelClient, id: number): Promise<void>
  onProgress(client: KeelClient, progress: BacktestProgress): void
}

async function load(client: KeelClient, id: number, have: Record<number, BacktestReport>): Promise<Record<number, BacktestReport>> {
  if (have[id]) return have
  const { report } = await client.call('getBacktest', { id })
  return { ...have, [id]: report }
}

export const useBacktestStore = create<BacktestState>((set, get) => ({
  runs: [],
  reports: {},
  selected: null,
  compare: [],
  progress: {},
  error: null,
  refresh: async (client) => {
    try {
      const { backtests } = await client.call('listBacktests', { limit: 100 })
      set({ runs: backtests, error: null })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  start: async (client, request) => {
    try {
      const { runId } = await client.call('runBacktest', request)
      set((s) => ({ error: null, progress: { ...s.progress, [runId]: s.progress[runId] ?? { runId, state: 'running', done: 0, total: 0 } } }))
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  cancel: async (client, runId) => {
    try {
      await client.call('cancelBacktest', { runId })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  open: async (client, id) => {
    try {
      set({ reports: await load(client, id, get().reports), selected: id, error: null })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  toggleCompare: async (client, id) => {
    const on = get().compare.includes(id)
    if (on) return set((s) => ({ compare: s.compare.filter((x) => x !== id) }))
    try {
      const reports = await load(client, id, get().reports)
      set((s) => ({ reports, compare: [...s.compare, id].slice(-4) }))
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  onProgress: (client, progress) => {
    set((s) => ({ progress: { ...s.progress, [progress.runId]: progress } }))
    if (progress.state === 'failed') set({ error: progress.error ?? 'backtest failed' })
    if (progress.state === 'done' && progress.backtestId !== undefined) {
      const id = progress.backtestId
      void get()
        .refresh(client)
        .then(() => get().open(client, id))
    }
  }
}))

/** Loads the stored runs and follows progress events for the app's lifetime. */
export function bindBacktests(client: KeelClient): () => void {
  const { refresh, onProgress } = useBacktestStore.getState()
  void refresh(client)
  return client.on('backtestProgress', (p) => onProgress(client, p))
}
