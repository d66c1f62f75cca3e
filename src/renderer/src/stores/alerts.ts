import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { CrashRecord, HealthReport } from '../../../shared/health'
import type { Fill, Order } from '../../../shared/trading'
import { formatFee, formatMoney, marketFormat } from '../lib/numbers'
import { useHealthStore } from './health'
import { useMarketStore } from './market'
import { useTradingStore } from './trading'

export type AlertLevel = 'info' | 'success' | 'warn' | 'error'
export type AlertSource = 'fill' | 'order' | 'worker' | 'feed' | 'system'

export interface LogEntry {
  id: number
  at: number
  level: AlertLevel
  source: AlertSource
  text: string
  /** Identifies the event behind the line (a fill id, a crash), so a restored log never repeats it. */
  key?: string
  /** Rebuilt from the host after a reload rather than heard live. */
  restored?: boolean
}

const MAX_LOG = 300
const RESTORE_FILLS = 50
const MAX_TOASTS = 5
export const TOAST_MS = 6_000
export const ERROR_TOAST_MS = 20_000
export const toastMs = (level: AlertLevel): number => (level === 'error' ? ERROR_TOAST_MS : TOAST_MS)

interface AlertsState {
  log: LogEntry[]
  toasts: LogEntry[]
  /** Adds to the log; `toast` also pops it up. Returns the entry. */
  push(entry: Omit<LogEntry, 'id' | 'at'> & { at?: number }, toast?: boolean): LogEntry
  /** Adds past entries (newest first or not) behind the live ones, skipping known keys. */
  restore(entries: readonly Omit<LogEntry, 'id'>[]): void
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
    const entry: LogEntry = { ...input, id: nextId++, at: input.at ?? Date.now() }
    set((s) => ({
      log: [entry, ...s.log].slice(0, MAX_LOG),
      toasts: toast ? [...s.toasts, entry].slice(-MAX_TOASTS) : s.toasts
    }))
    if (toast) for (const notify of notifiers) notify(entry)
    return entry
  },
  restore: (entries) =>
    set((s) => {
      const known = new Set(s.log.map((e) => e.key).filter((k) => k !== undefined))
      const fresh = entries.filter((e) => e.key === undefined || !known.has(e.key)).map((e): LogEntry => ({ ...e, id: nextId++, restored: true }))
      return { log: [...s.log, ...fresh].sort((a, b) => b.at - a.at).slice(0, MAX_LOG) }
    }),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  clearLog: () => set({ log: [] })
}))

const formatOf = (symbol: string) => marketFormat(useMarketStore.getState().markets[symbol])

export function describeFill(fill: Fill): string {
  const verb = fill.side === 'buy' ? 'Bought' : 'Sold'
  const [base] = fill.symbol.split('/')
  const f = formatOf(fill.symbol)
  return `${verb} ${f.amount(fill.amount)} ${base} at ${f.price(fill.price)} for ${formatMoney(fill.cost)} (${fill.liquidity}, fee ${formatFee(fill.fee)} ${fill.feeAsset})`
}

export function describeOrder(order: Order): string {
  const f = formatOf(order.symbol)
  const at = order.price !== undefined ? ` @ ${f.price(order.price)}` : ''
  const trigger = order.stopPrice !== undefined ? ` (trigger ${f.price(order.stopPrice)})` : ''
  return `${order.side} ${order.type.replace('_', ' ')} ${f.amount(order.amount)} ${order.symbol}${at}${trigger}`
}

const crashText = (crash: CrashRecord) => {
  const how = crash.signal ? `signal ${crash.signal}` : `exit code ${crash.exitCode ?? '—'}`
  return `${crash.worker} worker ${crash.kind === 'freeze' ? 'froze' : 'crashed'} (${how}); restarting`
}
const fillLine = (fill: Fill) => ({ level: 'success' as const, source: 'fill' as const, text: `${fill.symbol}: ${describeFill(fill)}`, key: `fill:${fill.id}`, at: fill.timestamp })
const rejectLine = (order: Order) => ({ level: 'error' as const, source: 'order' as const, text: `Rejected ${describeOrder(order)}: ${order.reason ?? 'no reason given'}`, key: `order:${order.id}:rejected`, at: order.updatedAt })
const crashLine = (crash: CrashRecord) => ({ level: 'error' as const, source: 'worker' as const, text: crashText(crash), key: `crash:${crash.worker}:${crash.at}`, at: crash.at })

/**
 * After a reload the log starts empty: rebuild its lines from what the host keeps (recent fills,
 * rejected orders, the crash list of the health report).
 */
export function restoredLog(fills: readonly Fill[], orders: readonly Order[], crashes: readonly CrashRecord[]): Omit<LogEntry, 'id'>[] {
  return [...fills.map(fillLine), ...orders.filter((o) => o.status === 'rejected').map(rejectLine), ...crashes.map(crashLine)]
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
  const { restore } = useAlertsStore.getState()
  let restoredTrading = false
  let restoredCrashes = false
  const restoreOnce = () => {
    const trading = useTradingStore.getState()
    if (!restoredTrading && trading.loaded) {
      restoredTrading = true
      restore(restoredLog(trading.fills.slice(0, RESTORE_FILLS), Object.values(trading.orders), []))
    }
    const report = useHealthStore.getState().report
    if (!restoredCrashes && report) {
      restoredCrashes = true
      restore(restoredLog([], [], report.crashes))
    }
  }
  const offs = [
    useTradingStore.subscribe(restoreOnce),
    useHealthStore.subscribe(restoreOnce),
    client.on('fillCreated', ({ fill }) => push(fillLine(fill), true)),
    client.on('orderUpdated', ({ order }) => {
      if (order.status === 'rejected') push(rejectLine(order), true)
      else if (order.status === 'expired') push({ level: 'warn', source: 'order', text: `Expired ${describeOrder(order)}${order.reason ? `: ${order.reason}` : ''}` })
    }),
    client.on('workerCrashed', (crash) => push(crashLine(crash), true)),
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
