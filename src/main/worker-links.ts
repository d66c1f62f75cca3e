import type { MethodName } from '../shared/api'
import { BOT_ACCOUNT_PREFIX } from '../shared/bots'
import { KeelError } from '../shared/errors'
import type { WorkerName } from '../shared/worker-protocol'
import type { Router } from './router'
import type { Supervisor } from './supervisor/supervisor'

/**
 * How workers use each other through the host ("others ask the owner"): which API methods a
 * worker may call (routed through the router like a client's call: validated params, a
 * clientOrderId, held across the owner's restarts), and which events of other workers it hears.
 * Deny by default: a worker not listed, or a method not in its `calls`, is refused.
 */
interface WorkerLink {
  calls: readonly MethodName[]
  /** Events of other workers relayed to this one as notifications of the same name. */
  hears: readonly string[]
  /** Drops relayed events this worker has no use for before they cross to it. */
  wants?(event: string, payload: unknown): boolean
}

const LINKS: Partial<Record<WorkerName, WorkerLink>> = {
  // Bots trade through execution (which enforces protections), read the market and the AI's
  // signals (ctx.signals; read-only, so no path from a bot reaches the AI's models or queue).
  strategy: {
    calls: ['placeOrder', 'cancelOrder', 'cancelAll', 'listOrders', 'listFills', 'balances', 'positions', 'accountSummary', 'resetAccount', 'setProtections', 'candles', 'ticker', 'markets', 'aiSignals'],
    hears: ['candle', 'ticker', 'orderUpdated', 'fillCreated', 'killSwitchChanged'],
    // A bot sees closed candles only (the open candle's many updates stay in the host), and the
    // order events of bot accounts only: a trader's own order flow never crosses to it.
    wants: (event, payload) => {
      if (event === 'candle') return closedCandle(payload)
      if (event === 'orderUpdated' || event === 'fillCreated') return botAccountEvent(payload)
      return true
    }
  },
  // The AI worker reads market data and nothing else, so no path from it reaches an order; its
  // signals and live predictions move on closed candles only.
  ai: {
    calls: ['candles', 'markets', 'exchanges'],
    hears: ['candle'],
    wants: (_event, payload) => closedCandle(payload)
  }
}

function botAccountEvent(payload: unknown): boolean {
  const account = (payload as { account?: unknown } | null)?.account
  return typeof account === 'string' && account.startsWith(BOT_ACCOUNT_PREFIX)
}

function closedCandle(payload: unknown): boolean {
  return (payload as { closed?: unknown } | null)?.closed === true
}

export class WorkerLinks {
  private readonly listeners = new Map<string, Array<{ worker: WorkerName; link: WorkerLink }>>()

  constructor(
    private readonly supervisor: Supervisor,
    private readonly router: Router
  ) {
    for (const [worker, link] of Object.entries(LINKS) as Array<[WorkerName, WorkerLink]>) {
      for (const event of link.hears) this.listeners.set(event, [...(this.listeners.get(event) ?? []), { worker, link }])
    }
    supervisor.handleWorkerCalls((worker, method, params) => this.call(worker, method, params))
  }

  /** Relays a worker's event to the workers that hear it (not back to its source). */
  relay(from: WorkerName, event: string, payload: unknown): void {
    for (const { worker, link } of this.listeners.get(event) ?? []) {
      if (worker !== from && (link.wants?.(event, payload) ?? true)) this.supervisor.notify(worker, event, payload)
    }
  }

  private call(worker: WorkerName, method: string, params: unknown): Promise<unknown> {
    return callAllowed(worker, method, () => this.router.call(method, params))
  }
}

/** Runs `call` if the allowlist grants `worker` the method; refuses with `unauthorized` otherwise. */
export function callAllowed(worker: WorkerName, method: string, call: () => Promise<unknown>, links = LINKS): Promise<unknown> {
  const allowed: readonly string[] = links[worker]?.calls ?? []
  if (!allowed.includes(method)) return Promise.reject(new KeelError('unauthorized', `the ${worker} worker may not call ${method}`))
  return call()
}
