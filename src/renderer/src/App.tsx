import { useEffect, type JSX } from 'react'
import type { KeelClient } from '../../shared/api'
import { ClientContext } from './client-context'
import { HealthPanel } from './components/HealthPanel'
import { bindHealth } from './stores/health'

export function App({ client }: { client: KeelClient }): JSX.Element {
  useEffect(() => bindHealth(client), [client])
  return (
    <ClientContext.Provider value={client}>
      <header className="app-header">
        <h1>Keel</h1>
      </header>
      <main className="app-main">
        <HealthPanel />
      </main>
    </ClientContext.Provider>
  )
}
