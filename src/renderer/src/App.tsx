import { useEffect, type JSX, type ReactNode } from 'react'
import type { KeelClient } from '../../shared/api'
import { ClientContext } from './client-context'
import { AccountPanel } from './components/account/AccountPanel'
import { ChartPanel } from './components/ChartPanel'
import { Header } from './components/Header'
import { HealthPanel } from './components/HealthPanel'
import { Splitter } from './components/layout/Splitter'
import { LogPanel } from './components/LogPanel'
import { OrderBook } from './components/OrderBook'
import { AccountTabs } from './components/orders/AccountTabs'
import { OrderTicket } from './components/ticket/OrderTicket'
import { Toasts } from './components/Toasts'
import { Watchlist } from './components/Watchlist'
import { useShortcuts } from './lib/shortcuts'
import { bindAlerts } from './stores/alerts'
import { bindBacktests } from './stores/backtest'
import { bindHealth } from './stores/health'
import { bindMarket } from './stores/market'
import { usePrefsStore, type Layout } from './stores/prefs'
import { bindTrading } from './stores/trading'

/** Wires the stores to the client for the app's lifetime. */
function useBindings(client: KeelClient): void {
  useEffect(() => {
    const unbind = [bindHealth(client), bindAlerts(client), bindMarket(client), bindTrading(client), bindBacktests(client)]
    return () => unbind.forEach((off) => off())
  }, [client])
}

function useTheme(): void {
  const theme = usePrefsStore((s) => s.theme)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    document.documentElement.style.colorScheme = theme
  }, [theme])
}

/**
 * Two panes split by a draggable divider: `pane` names the persisted size of the fixed one,
 * `fixed` says whether it comes first or second; the other takes the rest.
 */
function Split({ direction, pane, fixed, label, children: [first, second] }: { direction: 'row' | 'column'; pane: keyof Layout; fixed: 'first' | 'second'; label: string; children: [ReactNode, ReactNode] }): JSX.Element {
  const size = usePrefsStore((s) => s.layout[pane])
  const style = direction === 'row' ? { width: size } : { height: size }
  const slot = (content: ReactNode, isFixed: boolean) => (
    <div className={isFixed ? 'slot' : 'slot grow'} style={isFixed ? style : undefined}>
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

function Workspace(): JSX.Element {
  return (
    <main className="workspace">
      <Split direction="column" pane="health" fixed="second" label="Resize health panel">
        <Split direction="row" pane="left" fixed="first" label="Resize left column">
          <Split direction="column" pane="watchlist" fixed="first" label="Resize watchlist">
            <Watchlist />
            <OrderBook />
          </Split>
          <Split direction="row" pane="right" fixed="second" label="Resize right column">
            <Split direction="column" pane="bottom" fixed="second" label="Resize orders panel">
              <ChartPanel />
              <AccountTabs />
            </Split>
            <Split direction="column" pane="ticket" fixed="first" label="Resize order ticket">
              <OrderTicket />
              <AccountPanel />
            </Split>
          </Split>
        </Split>
        <Split direction="row" pane="log" fixed="second" label="Resize log">
          <HealthPanel />
          <LogPanel />
        </Split>
      </Split>
    </main>
  )
}

export function App({ client }: { client: KeelClient }): JSX.Element {
  useBindings(client)
  useTheme()
  useShortcuts(client)
  return (
    <ClientContext.Provider value={client}>
      <div className="app">
        <Header />
        <Workspace />
        <Toasts />
      </div>
    </ClientContext.Provider>
  )
}
