import { useEffect, type JSX } from 'react'
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
import { bindHealth } from './stores/health'
import { bindMarket } from './stores/market'
import { usePrefsStore } from './stores/prefs'
import { bindTrading } from './stores/trading'

/** Wires the stores to the client for the app's lifetime. */
function useBindings(client: KeelClient): void {
  useEffect(() => {
    const unbind = [bindHealth(client), bindAlerts(client), bindMarket(client), bindTrading(client)]
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

function Workspace(): JSX.Element {
  const layout = usePrefsStore((s) => s.layout)
  return (
    <main className="workspace">
      <div className="upper">
        <div className="column" style={{ width: layout.left }}>
          <div style={{ height: layout.watchlist }} className="slot">
            <Watchlist />
          </div>
          <Splitter pane="watchlist" direction="column" grows="before" label="Resize watchlist" />
          <div className="slot grow">
            <OrderBook />
          </div>
        </div>
        <Splitter pane="left" direction="row" grows="before" label="Resize left column" />
        <div className="column grow">
          <div className="slot grow">
            <ChartPanel />
          </div>
          <Splitter pane="bottom" direction="column" grows="after" label="Resize orders panel" />
          <div style={{ height: layout.bottom }} className="slot">
            <AccountTabs />
          </div>
        </div>
        <Splitter pane="right" direction="row" grows="after" label="Resize right column" />
        <div className="column" style={{ width: layout.right }}>
          <div style={{ height: layout.ticket }} className="slot">
            <OrderTicket />
          </div>
          <Splitter pane="ticket" direction="column" grows="before" label="Resize order ticket" />
          <div className="slot grow">
            <AccountPanel />
          </div>
        </div>
      </div>
      <Splitter pane="health" direction="column" grows="after" label="Resize health panel" />
      <div className="lower" style={{ height: layout.health }}>
        <div className="slot grow">
          <HealthPanel />
        </div>
        <Splitter pane="log" direction="row" grows="after" label="Resize log" />
        <div className="slot" style={{ width: layout.log }}>
          <LogPanel />
        </div>
      </div>
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
