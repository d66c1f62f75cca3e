import { useEffect, useLayoutEffect, type CSSProperties, type JSX, type ReactNode } from 'react'
import type { KeelClient } from '../../shared/api'
import { ClientContext } from './client-context'
import { AccessScreen } from './components/AccessScreen'
import { AccountPanel } from './components/account/AccountPanel'
import { ChartPanel } from './components/ChartPanel'
import { Header } from './components/Header'
import { HealthPanel } from './components/HealthPanel'
import { Splitter } from './components/layout/Splitter'
import { LogPanel } from './components/LogPanel'
import { OrderBook } from './components/OrderBook'
import { StorageBanner } from './components/storage/StorageBanner'
import { OrderTicket } from './components/ticket/OrderTicket'
import { StaleBanner } from './components/StaleBanner'
import { Toasts } from './components/Toasts'
import { UpdateBanner } from './components/update/UpdateBanner'
import { Watchlist } from './components/Watchlist'
import { DockTabs } from './layout/DockTabs'
import { useLayoutMode, type LayoutMode } from './layout/layout-mode'
import { useShortcuts } from './lib/shortcuts'
import { bindAlerts } from './stores/alerts'
import { bindBacktests } from './stores/backtest'
import { bindConnection, useConnectionStore } from './stores/connection'
import { bindHealth } from './stores/health'
import { bindMarket } from './stores/market'
import { usePrefsStore, type Layout } from './stores/prefs'
import { bindTrading } from './stores/trading'

/** Wires the stores to the client for the app's lifetime. */
function useBindings(client: KeelClient): void {
  useEffect(() => {
    const unbind = [bindConnection(client), bindHealth(client), bindAlerts(client), bindMarket(client), bindTrading(client), bindBacktests(client)]
    return () => unbind.forEach((off) => off())
  }, [client])
}

function useTheme(): void {
  const theme = usePrefsStore((s) => s.theme)
  // A layout effect: it runs before the panels' effects, so the chart reads the new theme's colours.
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme
    document.documentElement.style.colorScheme = theme
  }, [theme])
}

/** In the compact layout the side columns give way to the chart, whatever size was saved. */
const COMPACT_MAX: Partial<Record<keyof Layout, number>> = { left: 230, right: 290, bottom: 200 }

/**
 * Two panes split by a draggable divider: `pane` names the persisted size of the fixed one,
 * `fixed` says whether it comes first or second; the other takes the rest and always keeps
 * `reserve` px, so no saved size or small window can squeeze it away.
 */
function Split({ direction, pane, fixed, label, reserve, mode, children: [first, second] }: { direction: 'row' | 'column'; pane: keyof Layout; fixed: 'first' | 'second'; label: string; reserve: number; mode: LayoutMode; children: [ReactNode, ReactNode] }): JSX.Element {
  const saved = usePrefsStore((s) => s.layout[pane])
  const size = mode === 'compact' ? Math.min(saved, COMPACT_MAX[pane] ?? saved) : saved
  const limit = `calc(100% - ${reserve}px)`
  const style: CSSProperties = direction === 'row' ? { width: size, maxWidth: limit } : { height: size, maxHeight: limit }
  const slot = (content: ReactNode, isFixed: boolean) => (
    <div className={isFixed ? 'slot' : 'slot grow'} style={isFixed ? style : undefined} data-pane={isFixed ? pane : undefined}>
      {content}
    </div>
  )
  return (
    <div className={`split split-${direction}`}>
      {slot(first, fixed === 'first')}
      <Splitter pane={pane} direction={direction} grows={fixed === 'first' ? 'before' : 'after'} label={label} />
      {slot(second, fixed === 'second')}
    </div>
  )
}

function TradingArea({ mode }: { mode: LayoutMode }): JSX.Element {
  return (
    <Split direction="row" pane="left" fixed="first" label="Resize left column" reserve={560} mode={mode}>
      <Split direction="column" pane="watchlist" fixed="first" label="Resize watchlist" reserve={150} mode={mode}>
        <Watchlist />
        <OrderBook />
      </Split>
      <Split direction="row" pane="right" fixed="second" label="Resize right column" reserve={300} mode={mode}>
        <Split direction="column" pane="bottom" fixed="second" label="Resize orders panel" reserve={240} mode={mode}>
          <ChartPanel />
          <DockTabs mode={mode} />
        </Split>
        <Split direction="column" pane="ticket" fixed="first" label="Resize order ticket" reserve={140} mode={mode}>
          <OrderTicket />
          <AccountPanel />
        </Split>
      </Split>
    </Split>
  )
}

/** Full: health and log have a row of their own. Compact: they are tabs under the chart. */
function Workspace({ mode }: { mode: LayoutMode }): JSX.Element {
  return (
    <main className="workspace" data-layout={mode}>
      {mode === 'compact' ? (
        <TradingArea mode={mode} />
      ) : (
        <Split direction="column" pane="health" fixed="second" label="Resize health panel" reserve={520} mode={mode}>
          <TradingArea mode={mode} />
          <Split direction="row" pane="log" fixed="second" label="Resize log" reserve={400} mode={mode}>
            <HealthPanel />
            <LogPanel />
          </Split>
        </Split>
      )}
    </main>
  )
}

export function App({ client }: { client: KeelClient }): JSX.Element {
  useBindings(client)
  useTheme()
  useShortcuts(client)
  const mode = useLayoutMode()
  const connection = useConnectionStore((s) => s.state)
  const stale = useConnectionStore((s) => s.stale)
  const right = usePrefsStore((s) => s.layout.right)
  // Toasts anchor to the chart (Toasts.tsx); without one they sit left of the right column.
  const rightCol = { '--right-col': `${mode === 'compact' ? Math.min(right, COMPACT_MAX.right ?? right) : right}px` } as CSSProperties
  return (
    <ClientContext.Provider value={client}>
      <div className={`app${stale ? ' stale' : ''}`} data-connection={connection} style={rightCol}>
        <Header />
        {connection === 'unauthorized' ? (
          <AccessScreen />
        ) : (
          <>
            {stale ? <StaleBanner /> : null}
            <StorageBanner />
            <UpdateBanner />
            <Workspace mode={mode} />
          </>
        )}
        <Toasts />
      </div>
    </ClientContext.Provider>
  )
}
