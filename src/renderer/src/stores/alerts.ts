import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { HealthReport } from '../../../shared/health'
import type { Fill, Order } from '../../../shared/trading'
import { formatFixed } from '../lib/format'

export type AlertLevel = 'info' | 'success' | 'warn' | 'error'
export type AlertSource = 'fill' | 'order' | 'worker' | 'feed' | 'system'

export interface LogEntry {
  id: number
  at: number
  level: AlertLevel
  source: AlertSource
  text: string
}

const MAX_LOG = 300
const MAX_TOASTS = 5
export const TOAST_MS = 6_000

interface AlertsState {
  log: LogEntry[]
  toasts: LogEntry[]
  /** Adds to the log; `toast` also pops it up. Returns the entry. */
  push(entry: Omit<LogEntry, 'id' | 'at'> & { at?: number }, toast?: boolean): LogEntry
  dismiss(id: number): void
  clearLog(): void
}

let nextId = 1
type Notifier = (entry: LogEntry) => void
const notifiers = new Set<Notifier>()

/**
 * Hook point for OS notifications: the desktop shell (or a test) registers a notifier and gets
 * every toast. The renderer itself never imports Electron.
 */
export function onToast(notifier: Notifier): () => void {
  notifiers.add(notifier)
  return () => notifiers.delete(notifier)
}

export const useAlertsStore = create<AlertsState>((set) => ({
  log: [],
  toasts: [],
  push: (input, toast = false) => {
    const entry: LogEntry = { id: nextId++, at: input.at ?? Date.now(), level: input.level, source: input.source, text: input.text }
    set((s) => ({
      log: [entry, ...s.log].slice(0, MAX_LOG),
      toasts: toast ? [...s.toasts, entry].slice(-MAX_TOASTS) : s.toasts
    }))
    if (toast) for (const notify of notifiers) notify(entry)
    return entry
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  clearLog: () => set({ log: [] })
}))

function describeFill(fill: Fill): string {
  const verb = fill.side === 'buy' ? 'Bought' : 'Sold'
  const [base] = fill.symbol.split('/')
  return `${verb} ${fill.amount} ${base} at ${formatFixed(fill.price, fill.price < 10 ? 4 : 2)} (${fill.liquidity}, fee ${formatFixed(fill.fee, 4)} ${fill.feeAsset})`
}

export function describeOrder(order: Order): string {
  return `${order.side} ${order.type.replace('_', ' ')} ${order.amount} ${order.symbol}${order.price !== undefined ? ` @ ${order.price}` : ''}`
}

/** Turns worker state changes between two health reports into log lines (and toasts for bad news). */
export function healthTransitions(previous: HealthReport | null, next: HealthReport): Omit<LogEntry, 'id' | 'at'>[] {
  if (!previous) return []
  const out: Omit<LogEntry, 'id' | 'at'>[] = []
  for (const worker of next.workers) {
    const before = previous.workers.find((w) => w.name === worker.name)?.state
    if (!before || before === worker.state) continue
    if (worker.state === 'failed') out.push({ level: 'error', source: 'worker', text: `${worker.name} worker failed after ${worker.restarts} restarts; circuit open` })
    else if (worker.state === 'unresponsive') out.push({ level: 'error', source: 'worker', text: `${worker.name} worker is unresponsive` })
    else if (worker.state === 'running' && worker.restarts > 0) out.push({ level: 'success', source: 'worker', text: `${worker.name} worker is running again` })
  }
  return out
}

/** Listens for what the trader must hear about: fills, rejections, crashes, stale feeds. */
export function bindAlerts(client: KeelClient): () => void {
  const { push } = useAlertsStore.getState()
  let lastHealth: HealthReport | null = null
  const feedState = new Map<string, string>()
  const offs = [
    client.on('fillCreated', ({ fill }) => push({ level: 'success', source: 'fill', text: `${fill.symbol}: ${describeFill(fill)}` }, true)),
    client.on('orderUpdated', ({ order }) => {
      if (order.status === 'rejected') push({ level: 'error', source: 'order', text: `Rejected ${describeOrder(order)}: ${order.reason ?? 'no reason given'}` }, true)
      else if (order.status === 'expired') push({ level: 'warn', source: 'order', text: `Expired ${describeOrder(order)}${order.reason ? `: ${order.reason}` : ''}` })
    }),
    client.on('workerCrashed', (crash) => {
      const how = crash.signal ? `signal ${crash.signal}` : `exit code ${crash.exitCode ?? '—'}`
      push({ level: 'error', source: 'worker', text: `${crash.worker} worker ${crash.kind === 'freeze' ? 'froze' : 'crashed'} (${how}); restarting`, at: crash.at }, true)
    }),
    client.on('health', (report) => {
      for (const line of healthTransitions(lastHealth, report)) push(line, line.level === 'error')
      lastHealth = report
    }),
    client.on('feedStatus', (status) => {
      const key = `${status.exchange}:${status.symbol ?? '*'}`
      const before = feedState.get(key)
      feedState.set(key, status.status)
      if (before === status.status) return
      const what = `${status.exchange}${status.symbol ? ` ${status.symbol}` : ''} feed`
      const why = status.reason ? `: ${status.reason}` : ''
      if (status.status === 'stale' || status.status === 'error') push({ level: status.status === 'error' ? 'error' : 'warn', source: 'feed', text: `${what} is ${status.status}${why}` }, true)
      else if (status.status === 'reconnecting') push({ level: 'warn', source: 'feed', text: `${what} reconnecting${why}` })
      else if (before) push({ level: 'info', source: 'feed', text: `${what} connected` })
    })
  ]
  return () => {
    for (const off of offs) off()
  }
}
