import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { RecordingInfo, ReplayReport } from '../../../shared/replay'
import { messageOf } from '../lib/errors'

/** Paper vs backtest as the Backtest tab shows it: the recorded sessions and one comparison. */
interface ReplayState {
  recordings: RecordingInfo[]
  report: ReplayReport | null
  running: boolean
  error: string | null
  refresh(client: KeelClient): Promise<void>
  compare(client: KeelClient, params: { id: string; account?: string; fill: 'book' | 'next-open' }): Promise<void>
}

export const useReplayStore = create<ReplayState>((set) => ({
  recordings: [],
  report: null,
  running: false,
  error: null,
  refresh: async (client) => {
    try {
      const { recordings } = await client.call('listRecordings', {})
      set({ recordings, error: null })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  compare: async (client, params) => {
    set({ running: true, error: null })
    try {
      const report = await client.call('compareReplay', params)
      set({ report, running: false })
    } catch (err) {
      set({ error: messageOf(err), running: false })
    }
  }
}))
