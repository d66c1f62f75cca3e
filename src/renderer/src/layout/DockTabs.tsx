import { useSyncExternalStore, type JSX } from 'react'
import { usePrefsStore } from '../stores/prefs'
import { DockedContext, onDockPanelsChanged, registeredDockPanels, type DockPanel } from './dock'
import { DOCK_PANELS } from './dock-panels'
import type { LayoutMode } from './layout-mode'

function TabButton({ panel, selected, onSelect }: { panel: DockPanel; selected: boolean; onSelect(): void }): JSX.Element {
  const count = panel.useCount?.() ?? 0
  return (
    <button type="button" role="tab" id={`tab-${panel.id}`} aria-selected={selected} aria-controls={`tabpanel-${panel.id}`} tabIndex={selected ? 0 : -1} onClick={onSelect}>
      {panel.label}
      {count ? <span className="count">{count}</span> : null}
    </button>
  )
}

/** The tab group under the chart (the ARIA tabs pattern): account views plus every registered panel. */
export function DockTabs({ mode }: { mode: LayoutMode }): JSX.Element {
  const extra = useSyncExternalStore(onDockPanelsChanged, registeredDockPanels)
  const tab = usePrefsStore((s) => s.bottomTab)
  const setTab = usePrefsStore((s) => s.setBottomTab)
  const panels = [...DOCK_PANELS, ...extra].filter((p) => mode === 'compact' || !p.compactOnly)
  const active = panels.find((p) => p.id === tab) ?? panels[0]
  const View = active.component
  const Actions = active.actions
  return (
    <section className="panel tabs-panel" aria-label="Orders and positions">
      <header className="panel-head">
        <div
          role="tablist"
          aria-label="Account views"
          className="tabs"
          onKeyDown={(e) => {
            const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
            if (!step) return
            const next = panels[(panels.indexOf(active) + step + panels.length) % panels.length]
            setTab(next.id)
            document.getElementById(`tab-${next.id}`)?.focus()
          }}
        >
          {panels.map((p) => (
            <TabButton key={p.id} panel={p} selected={p.id === active.id} onSelect={() => setTab(p.id)} />
          ))}
        </div>
        {Actions && mode === 'full' ? (
          <div className="panel-actions">
            <Actions />
          </div>
        ) : null}
      </header>
      <div className="panel-body" role="tabpanel" id={`tabpanel-${active.id}`} aria-labelledby={`tab-${active.id}`}>
        {/* In the compact layout the tab row wraps: the actions get a bar of their own rather than a third row. */}
        {Actions && mode === 'compact' ? (
          <div className="docked-actions dock-tab-actions">
            <Actions />
          </div>
        ) : null}
        <DockedContext.Provider value={true}>
          <View />
        </DockedContext.Provider>
      </div>
    </section>
  )
}
