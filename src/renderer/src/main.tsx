import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { createClient } from './client'
import { installBenchInjection } from './client/injectable'
import { logUncaughtErrors } from './lib/log'
import './styles.css'

logUncaughtErrors()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
const benchMode = new URL(window.location.href).searchParams.get('bench') === '1'
const client = benchMode ? installBenchInjection(createClient()) : createClient()
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>
)
