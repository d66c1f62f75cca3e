import { describe, expect, it, vi } from 'vitest'

/** A Storage in memory: the prefs store persists to localStorage, which Node lacks. */
class MemoryStorage {
  readonly data = new Map<string, string>()
  getItem = (key: string) => this.data.get(key) ?? null
  setItem = (key: string, value: string) => void this.data.set(key, value)
  removeItem = (key: string) => void this.data.delete(key)
}

describe('prefs persistence', () => {
  it('saves preferences and restores an older saved layout with new panes defaulted', async () => {
    const storage = new MemoryStorage()
    // Saved by an earlier version: no "log" pane yet, and only one overlay known.
    storage.setItem('keel.prefs', JSON.stringify({ state: { theme: 'light', layout: { left: 333 }, overlays: { ema: true } }, version: 1 }))
    vi.stubGlobal('localStorage', storage)
    vi.resetModules()
    const { usePrefsStore, DEFAULT_LAYOUT } = await import('../../../src/renderer/src/stores/prefs')
    const state = usePrefsStore.getState()
    expect(state.theme).toBe('light')
    expect(state.layout).toEqual({ ...DEFAULT_LAYOUT, left: 333 })
    expect(state.overlays).toEqual({ sma: true, ema: true, bollinger: false })

    state.setTimeframe('15m')
    state.resize('right', 400)
    const saved = JSON.parse(storage.getItem('keel.prefs') ?? '{}') as { state: { timeframe: string; layout: { right: number } } }
    expect(saved.state.timeframe).toBe('15m')
    expect(saved.state.layout.right).toBe(400)
    vi.unstubAllGlobals()
  })
})
