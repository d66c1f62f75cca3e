import { createContext, useContext, type ComponentType } from 'react'

/**
 * One tab of the tab group under the chart. Areas add their panel here with one entry in
 * DOCK_PANELS (src/renderer/src/layout/dock-panels.tsx) or, at run time, with registerDockPanel.
 */
export interface DockPanel {
  id: string
  label: string
  /** The tab's content; a <Panel> inside renders without its own title (the tab is the title). */
  component: ComponentType
  /** Buttons for the tab group's header while this tab is shown (e.g. "Cancel all"). */
  actions?: ComponentType
  /** A count shown on the tab (a hook: it may read stores). */
  useCount?: () => number
  /** Only a tab in the compact layout (in the full layout the panel has its own place). */
  compactOnly?: boolean
}

let extra: readonly DockPanel[] = []
const listeners = new Set<() => void>()

/** Adds a tab at run time (e.g. a panel loaded later); returns its removal. */
export function registerDockPanel(panel: DockPanel): () => void {
  extra = [...extra, panel]
  listeners.forEach((l) => l())
  return () => {
    extra = extra.filter((p) => p !== panel)
    listeners.forEach((l) => l())
  }
}

export function registeredDockPanels(): readonly DockPanel[] {
  return extra
}

export function onDockPanelsChanged(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** True inside a dock tab: a Panel there drops its title bar (the tab names it). */
export const DockedContext = createContext(false)
export const useDocked = (): boolean => useContext(DockedContext)
