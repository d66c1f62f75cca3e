import { useSyncExternalStore } from 'react'

/**
 * 'compact' below these sizes: the health and log panels move into the tab group under the
 * chart and the side columns narrow, so the chart keeps a usable height (the desktop window's
 * minimum is 960×600).
 */
export const COMPACT_BELOW = { width: 1200, height: 800 } as const

export type LayoutMode = 'full' | 'compact'

export function layoutModeFor(width: number, height: number): LayoutMode {
  return width < COMPACT_BELOW.width || height < COMPACT_BELOW.height ? 'compact' : 'full'
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('resize', onChange)
  return () => window.removeEventListener('resize', onChange)
}

export function useLayoutMode(): LayoutMode {
  return useSyncExternalStore(subscribe, () => layoutModeFor(window.innerWidth, window.innerHeight))
}
