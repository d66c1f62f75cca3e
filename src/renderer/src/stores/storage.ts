import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import { FRESH_ACCOUNT_CONFIRMATION } from '../../../shared/storage'
import { messageOf } from '../lib/errors'

interface StorageState {
  busy: boolean
  /** What the last recovery did (e.g. "restored …: 3 orders … could not be recovered"). */
  outcome: string | null
  error: string | null
  restore(client: KeelClient): Promise<void>
  startFresh(client: KeelClient): Promise<void>
  dismiss(): void
}

/** Recovery of a damaged trading.db from the banner; health (pushed) shows the state after it. */
export const useStorageStore = create<StorageState>((set) => {
  const run = async (action: () => Promise<{ message: string }>) => {
    set({ busy: true, error: null })
    try {
      set({ outcome: (await action()).message })
    } catch (err) {
      set({ error: messageOf(err) })
    } finally {
      set({ busy: false })
    }
  }
  return {
    busy: false,
    outcome: null,
    error: null,
    restore: (client) => run(() => client.call('restoreBackup', {})),
    startFresh: (client) => run(() => client.call('startFreshAccount', { confirm: FRESH_ACCOUNT_CONFIRMATION })),
    dismiss: () => set({ outcome: null, error: null })
  }
})
