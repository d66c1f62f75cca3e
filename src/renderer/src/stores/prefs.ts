import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'
import type { Timeframe } from '../../../shared/market-data'

export type Theme = 'dark' | 'light'
export type BottomTab = 'open' | 'history' | 'fills' | 'positions' | 'balances' | 'backtest'
export type Overlay = 'sma' | 'ema' | 'bollinger'
export type IndicatorPane = 'volume' | 'rsi' | 'macd'

/** Pane sizes in px; each belongs to one splitter. */
export interface Layout {
  left: number
  right: number
  bottom: number
  health: number
  watchlist: number
  ticket: number
  log: number
}

export const DEFAULT_LAYOUT: Layout = { left: 300, right: 320, bottom: 230, health: 170, watchlist: 176, ticket: 456, log: 380 }

/** Size limits so a drag (or a stale saved layout) can never hide a pane. */
export const LAYOUT_LIMITS: Record<keyof Layout, [number, number]> = {
  left: [200, 520],
  right: [260, 520],
  bottom: [120, 600],
  health: [60, 500],
  watchlist: [100, 600],
  ticket: [260, 800],
  log: [240, 800]
}

export interface PrefsState {
  theme: Theme
  symbol: string
  timeframe: Timeframe
  overlays: Record<Overlay, boolean>
  panes: Record<IndicatorPane, boolean>
  bottomTab: BottomTab
  layout: Layout
  /** Ask before sending an order worth more than this (quote currency); 0 = always ask. */
  confirmAbove: number
  confirmEnabled: boolean
  setTheme(theme: Theme): void
  setSymbol(symbol: string): void
  setTimeframe(timeframe: Timeframe): void
  toggleOverlay(overlay: Overlay): void
  togglePane(pane: IndicatorPane): void
  setBottomTab(tab: BottomTab): void
  resize(pane: keyof Layout, px: number): void
  resetLayout(): void
  setConfirm(enabled: boolean, above: number): void
}

export function clampPane(pane: keyof Layout, px: number): number {
  const [min, max] = LAYOUT_LIMITS[pane]
  return Math.round(Math.min(max, Math.max(min, px)))
}

export const usePrefsStore = create<PrefsState>()(
  persist(
    (set) => ({
      theme: 'dark',
      symbol: 'BTC/USDT',
      timeframe: '1m',
      overlays: { sma: true, ema: false, bollinger: false },
      panes: { volume: true, rsi: false, macd: false },
      bottomTab: 'open',
      layout: DEFAULT_LAYOUT,
      confirmAbove: 10_000,
      confirmEnabled: true,
      setTheme: (theme) => set({ theme }),
      setSymbol: (symbol) => set({ symbol }),
      setTimeframe: (timeframe) => set({ timeframe }),
      toggleOverlay: (overlay) => set((s) => ({ overlays: { ...s.overlays, [overlay]: !s.overlays[overlay] } })),
      togglePane: (pane) => set((s) => ({ panes: { ...s.panes, [pane]: !s.panes[pane] } })),
      setBottomTab: (bottomTab) => set({ bottomTab }),
      resize: (pane, px) => set((s) => ({ layout: { ...s.layout, [pane]: clampPane(pane, px) } })),
      resetLayout: () => set({ layout: DEFAULT_LAYOUT }),
      setConfirm: (confirmEnabled, above) => set({ confirmEnabled, confirmAbove: Math.max(0, above) })
    }),
    {
      name: 'keel.prefs',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      // A layout saved by an older version may lack newer panes: fill them in.
      merge: (saved, current) => {
        const s = (saved ?? {}) as Partial<PrefsState>
        return { ...current, ...s, layout: { ...DEFAULT_LAYOUT, ...s.layout }, overlays: { ...current.overlays, ...s.overlays }, panes: { ...current.panes, ...s.panes } }
      }
    }
  )
)
