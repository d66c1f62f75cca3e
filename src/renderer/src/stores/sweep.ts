import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { SweepPointResult, SweepSpecInput, WalkForwardSpecInput } from '../../../shared/backtest'
import type { GetSweepResult, GetWalkForwardResult, SweepProgress, SweepSummary, WalkForwardProgress, WalkForwardSummary } from '../../../shared/optimization'
import { messageOf } from '../lib/errors'
import { useBacktestStore } from './backtest'

/** Sweeps and walk-forwards as the Backtest panel's views show them; which view is shown. */

export type BacktestView = 'run' | 'sweep' | 'walkForward'

interface SweepState {
  view: BacktestView
  sweeps: SweepSummary[]
  sweep: GetSweepResult | null
  walkForwards: WalkForwardSummary[]
  walkForward: GetWalkForwardResult | null
  /** Latest progress by job id, while it runs. */
  sweepProgress: Record<number, SweepProgress>
  walkForwardProgress: Record<number, WalkForwardProgress>
  error: string | null
  setView(view: BacktestView): void
  refresh(client: KeelClient): Promise<void>
  startSweep(client: KeelClient, spec: SweepSpecInput): Promise<void>
  openSweep(client: KeelClient, id: number): Promise<void>
  cancelSweep(client: KeelClient, id: number): Promise<void>
  /** A cancelled or failed sweep queued again; a refusal (changed data, …) shows as the error. */
  resumeSweep(client: KeelClient, id: number): Promise<void>
  startWalkForward(client: KeelClient, spec: WalkForwardSpecInput): Promise<void>
  openWalkForward(client: KeelClient, id: number): Promise<void>
  cancelWalkForward(client: KeelClient, id: number): Promise<void>
  resumeWalkForward(client: KeelClient, id: number): Promise<void>
  /** Runs the point's full backtest (the sweep keeps metrics only) and shows it in the run view. */
  openPoint(client: KeelClient, point: SweepPointResult): Promise<void>
  onSweepProgress(client: KeelClient, progress: SweepProgress): void
  onWalkForwardProgress(client: KeelClient, progress: WalkForwardProgress): void
}

const ENDED = new Set(['done', 'cancelled', 'failed'])
/** An open job is re-read while it runs, at most this often. */
const RELOAD_EVERY_MS = 1_000
let lastReload = 0

export const useSweepStore = create<SweepState>((set, get) => {
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work()
      set({ error: null })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  }
  return {
    view: 'run',
    sweeps: [],
    sweep: null,
    walkForwards: [],
    walkForward: null,
    sweepProgress: {},
    walkForwardProgress: {},
    error: null,
    setView: (view) => set({ view }),
    refresh: (client) =>
      attempt(async () => {
        const [{ sweeps }, { walkForwards }] = await Promise.all([client.call('listSweeps', { limit: 100 }), client.call('listWalkForwards', { limit: 100 })])
        set({ sweeps, walkForwards })
      }),
    startSweep: (client, spec) =>
      attempt(async () => {
        const { sweepId } = await client.call('runSweep', spec)
        await get().refresh(client)
        await get().openSweep(client, sweepId)
      }),
    openSweep: (client, id) => attempt(async () => set({ sweep: await client.call('getSweep', { id }) })),
    cancelSweep: (client, id) => attempt(async () => void (await client.call('cancelSweep', { id }))),
    resumeSweep: (client, id) =>
      attempt(async () => {
        // The queued event that follows replaces the job's cancelled or failed progress.
        await client.call('resumeSweep', { id })
        await get().refresh(client)
      }),
    startWalkForward: (client, spec) =>
      attempt(async () => {
        const { walkForwardId } = await client.call('runWalkForward', spec)
        await get().refresh(client)
        await get().openWalkForward(client, walkForwardId)
      }),
    openWalkForward: (client, id) => attempt(async () => set({ walkForward: await client.call('getWalkForward', { id }) })),
    cancelWalkForward: (client, id) => attempt(async () => void (await client.call('cancelWalkForward', { id }))),
    resumeWalkForward: (client, id) =>
      attempt(async () => {
        await client.call('resumeWalkForward', { id })
        await get().refresh(client)
      }),
    openPoint: async (client, point) => {
      const spec = get().sweep?.spec
      if (!spec) return
      set({ view: 'run' })
      await useBacktestStore.getState().start(client, { ...spec.base, params: point.params })
    },
    onSweepProgress: (client, progress) => {
      set((s) => ({ sweepProgress: { ...s.sweepProgress, [progress.sweepId]: progress } }))
      const open = get().sweep?.sweep.id === progress.sweepId
      const ended = ENDED.has(progress.state)
      if (ended || progress.state === 'queued') void get().refresh(client)
      if (open && (ended || Date.now() - lastReload > RELOAD_EVERY_MS)) {
        lastReload = Date.now()
        void get().openSweep(client, progress.sweepId)
      }
    },
    onWalkForwardProgress: (client, progress) => {
      set((s) => ({ walkForwardProgress: { ...s.walkForwardProgress, [progress.walkForwardId]: progress } }))
      const open = get().walkForward?.walkForward.id === progress.walkForwardId
      const ended = ENDED.has(progress.state)
      if (ended || progress.state === 'queued') void get().refresh(client)
      if (open && (ended || Date.now() - lastReload > RELOAD_EVERY_MS)) {
        lastReload = Date.now()
        void get().openWalkForward(client, progress.walkForwardId)
      }
    }
  }
})

/** Loads the jobs and follows their progress while a sweep or walk-forward view is mounted. */
export function bindSweeps(client: KeelClient): () => void {
  const { refresh, onSweepProgress, onWalkForwardProgress } = useSweepStore.getState()
  void refresh(client)
  const off = [client.on('sweepProgress', (p) => onSweepProgress(client, p)), client.on('walkForwardProgress', (p) => onWalkForwardProgress(client, p))]
  return () => off.forEach((f) => f())
}
