import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { HealthReport } from '../shared/health'
import type { WorkerName } from '../shared/worker-protocol'
import { EventBus } from './bus'
import { HostMonitor } from './host-monitor'
import type { Logger } from './logger'
import { Disposables } from '../core/util/disposables'
import { MarketRelay } from './market-relay'
import { Router, type HostHandlers } from './router'
import type { Spawner, WorkerSpec } from './supervisor/spawner'
import { Supervisor, type SupervisorOptions } from './supervisor/supervisor'

export interface AppCoreOptions {
  mode: 'electron' | 'headless'
  version: string
  dataDir: string
  /** Folder with the built worker entries (out/main). */
  workerDir: string
  spawner: Spawner
  log: Logger
  supervisor?: Partial<SupervisorOptions>
}

/**
 * Every order leaves the host with a clientOrderId, so that when the host re-sends it to a
 * restarted execution worker the journal recognises it: at-least-once delivery, exactly one order.
 */
export function assignClientOrderId(method: string, params: unknown): unknown {
  if (method !== 'placeOrder' || typeof params !== 'object' || params === null) return params
  const order = params as { clientOrderId?: string }
  return order.clientOrderId ? params : { ...order, clientOrderId: `k-${randomUUID()}` }
}

/** Keel's workers and who must be up before whom. */
export function workerSpecs(workerDir: string): WorkerSpec[] {
  const spec = (name: WorkerName, dependsOn: WorkerName[]): WorkerSpec => ({
    name,
    entry: join(workerDir, `worker-${name}.js`),
    dependsOn
  })
  return [spec('execution', []), spec('market', []), spec('ai', ['market']), spec('strategy', ['market', 'execution'])]
}

/**
 * The host-independent app core: supervisor, router and event bus, wired together. Electron and
 * headless hosts each build one of these with their own spawner and put their bridge in front.
 */
export class AppCore {
  readonly supervisor: Supervisor
  readonly bus: EventBus
  readonly router: Router
  private readonly relay: MarketRelay
  private readonly monitor = new HostMonitor()
  private readonly startedAt = performance.now()
  private healthTimer: NodeJS.Timeout | undefined
  private readonly disposables = new Disposables()

  constructor(private readonly options: AppCoreOptions) {
    this.bus = new EventBus(options.log)
    this.supervisor = new Supervisor(options.spawner, workerSpecs(options.workerDir), options.dataDir, options.supervisor, options.log)
    this.router = new Router(this.hostHandlers(), this.supervisor, assignClientOrderId)
    this.relay = new MarketRelay(this.supervisor, options.log)
    this.disposables.add(() => this.relay.dispose())
    this.disposables.add(this.supervisor.listen({
      onWorkerEvent: (worker, name, payload) => {
        if (worker === 'market' && this.relay.fromMarket(name, payload)) return
        this.bus.publishUnknown(name, payload)
      },
      onCrash: (record) => this.bus.publish('workerCrashed', record),
      onChange: () => this.publishHealthSoon()
    }))
  }

  async start(): Promise<void> {
    this.monitor.start(() => this.bus.publish('health', this.health()))
    await this.supervisor.start()
  }

  async stop(): Promise<void> {
    this.monitor.stop()
    clearTimeout(this.healthTimer)
    await this.supervisor.stop()
    this.disposables.dispose()
  }

  health(): HealthReport {
    const mem = process.memoryUsage()
    return {
      workers: this.supervisor.health(),
      host: {
        mode: this.options.mode,
        pid: process.pid,
        version: this.options.version,
        uptimeMs: Math.round(performance.now() - this.startedAt),
        rssBytes: mem.rss,
        cpuPercent: this.monitor.cpuPercent,
        eventLoopDelayMs: this.monitor.eventLoopDelayMs,
        dataDir: this.options.dataDir
      },
      crashes: this.supervisor.recentCrashes(),
      exchanges: this.relay.exchangeHealth
    }
  }

  private hostHandlers(): HostHandlers {
    return {
      health: () => this.health(),
      restartWorker: ({ name }) => {
        this.supervisor.restartWorker(name)
        return { ok: true }
      },
      ping: ({ worker }) => this.supervisor.request(worker, 'ping', {})
    }
  }

  /** State changes reach clients within ~50 ms, coalesced so a restart storm is one update. */
  private publishHealthSoon(): void {
    if (this.healthTimer) return
    this.healthTimer = setTimeout(() => {
      this.healthTimer = undefined
      this.bus.publish('health', this.health())
    }, 50)
  }
}
