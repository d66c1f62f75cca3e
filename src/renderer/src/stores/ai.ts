import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { AiBudget, AiSignal, AiTask, LlmSettingsView, ModelInfo, ModelKind, TrainingRun } from '../../../shared/ai'
import type { Timeframe } from '../../../shared/market-data'
import { messageOf } from '../lib/errors'

const seriesKey = (s: { exchange: string; symbol: string; timeframe: string }): string => `${s.exchange}|${s.symbol}|${s.timeframe}`
const byNewest = <T extends { createdAt: number }>(a: T, b: T): number => b.createdAt - a.createdAt

interface AiState {
  signals: Record<string, AiSignal>
  models: ModelInfo[]
  runs: Record<string, TrainingRun>
  tasks: Record<string, AiTask>
  budget: AiBudget | null
  settings: LlmSettingsView | null
  error: string | null
  setError(error: string | null): void
  train(client: KeelClient, request: { symbol: string; timeframe: Timeframe; algorithm: ModelKind; candles: number; horizon: number }): Promise<void>
  analyze(client: KeelClient, request: { symbol: string; timeframe: Timeframe }): Promise<void>
  retry(client: KeelClient, id: string): Promise<void>
  discard(client: KeelClient, id: string): Promise<void>
  saveSettings(client: KeelClient, changes: Record<string, unknown>): Promise<void>
  refresh(client: KeelClient): Promise<void>
}

export const useAiStore = create<AiState>((set, get) => {
  /** Runs an action; its failure is shown in the panel, not thrown into React. */
  const attempt = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn()
      set({ error: null })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  }
  const putTask = (task: AiTask) => set((s) => ({ tasks: { ...s.tasks, [task.id]: task } }))
  return {
    signals: {},
    models: [],
    runs: {},
    tasks: {},
    budget: null,
    settings: null,
    error: null,
    setError: (error) => set({ error }),
    train: (client, request) =>
      attempt(async () => {
        const run = await client.call('trainModel', { exchange: 'demo', ...request })
        set((s) => ({ runs: { ...s.runs, [run.id]: run } }))
      }),
    analyze: (client, request) =>
      attempt(async () => {
        putTask(await client.call('analyze', { exchange: 'demo', ...request }))
      }),
    retry: (client, id) => attempt(async () => putTask(await client.call('aiRetryTask', { id }))),
    discard: (client, id) => attempt(async () => putTask(await client.call('aiDiscardTask', { id }))),
    saveSettings: (client, changes) =>
      attempt(async () => {
        set({ settings: await client.call('aiSetLlmSettings', changes) })
      }),
    refresh: (client) =>
      attempt(async () => {
        const [signals, listed, tasks, budget, settings] = await Promise.all([
          client.call('aiSignals', {}),
          client.call('listModels', {}),
          client.call('aiTasks', {}),
          client.call('aiBudget', {}),
          client.call('aiLlmSettings', {})
        ])
        set({
          signals: Object.fromEntries(signals.map((s) => [seriesKey(s), s])),
          models: [...listed.models].sort(byNewest),
          runs: { ...get().runs, ...Object.fromEntries(listed.runs.map((r) => [r.id, r])) },
          tasks: Object.fromEntries(tasks.map((t) => [t.id, t])),
          budget,
          settings
        })
      })
  }
})

export const selectRuns = (runs: Record<string, TrainingRun>): TrainingRun[] => Object.values(runs).sort(byNewest)
export const selectTasks = (tasks: Record<string, AiTask>): AiTask[] => Object.values(tasks).sort(byNewest)

/**
 * Keeps the store live while the AI panel is open: one fetch, then the pushed events. A
 * finished run or task refreshes the lists it changes (models, budget).
 */
export function bindAi(client: KeelClient): () => void {
  const store = useAiStore
  void store.getState().refresh(client)
  const offs = [
    client.on('aiSignal', (signal) => store.setState((s) => ({ signals: { ...s.signals, [seriesKey(signal)]: signal } }))),
    client.on('trainingProgress', (run) => {
      store.setState((s) => ({ runs: { ...s.runs, [run.id]: run } }))
      if (run.state === 'done') void store.getState().refresh(client)
    }),
    client.on('aiTask', (task) => {
      store.setState((s) => ({ tasks: { ...s.tasks, [task.id]: task } }))
      if (task.state === 'done' || task.state === 'dead') void client.call('aiBudget', {}).then((budget) => store.setState({ budget }), () => undefined)
    }),
    // The LLM settings are settings.json's `llm` section: a change in the Settings panel shows here too.
    client.on('settingsChanged', () => void client.call('aiLlmSettings', {}).then((settings) => store.setState({ settings }), () => undefined))
  ]
  return () => offs.forEach((off) => off())
}
