import { create } from 'zustand'
import { ACCOUNT } from './trading'

/** Whose trades the price chart marks: the trader's own account or a bot's (Bots → Chart). */
interface ChartAccountState {
  account: string
  setAccount(account: string): void
}

export const useChartAccountStore = create<ChartAccountState>((set) => ({
  account: ACCOUNT,
  setAccount: (account) => set({ account })
}))
