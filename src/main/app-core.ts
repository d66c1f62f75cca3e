import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { HealthReport } from '../shared/health'
import type { WorkerName } from '../shared/worker-protocol'
import { EventBus } from './bus'
import { HostFaults, residentBytes } from './host-faults'
import { HostMonitor } from './host-monitor'
import type { Logger } from './logger'
import { AiLlmRelay } from './ai-key-relay'
import { Disposables } from '../core/util/disposables'
import { DEMO_SPEED_ENV, demoClockEnv } from '../core/market/demo-clock'
import { MarketRelay } from './market-relay'
import { StorageStatus } from './storage-status'
import { WorkerLinks } from './worker-links'
import { FileSecretStore, type SecretStore } from './secret-store'
import { Router, type HostHandlers } from './router'
import { SettingsStore } from './settings-store'
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
  /** More host-side methods (settings, updates, diagnostics: see dist-host.ts). */
  hostHandlers?: (core: AppCore) => HostHandlers
  /** Where the LLM API key is kept; a 0600 file in the data dir unless the host brings its own (Electron: safeStorage). */
  secrets?: SecretStore
  /** The host's settings.json; one is opened in the data dir unless the host brings its own. */
  settings?: SettingsStore
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

/**
 * Loaded ahead by the standby that execution, ai and strategy share: the storage driver all of
 * them use, and what the strategy worker needs to start (its thread pool, zip and compiler
 * packages, and the Node modules its bots and backtests use). About 2.5 MB in that standby (and in
 * whichever worker it becomes) buys ~25 ms of CPU off every strategy restart; a standby of its
 * own would cost a whole process (~75 MB).
 */
const PRELOAD_BASE = ['better-sqlite3', 'piscina', 'fflate', 'esbuild', 'node:worker_threads', 'node:fs/promises', 'node:vm']
/** ccxt takes hundreds of ms to load and ~70 MB: only the market worker's standby carries it. */
const PRELOAD_MARKET = [...PRELOAD_BASE, 'ccxt']

/** Keel's workers, who must be up before whom, and what their warm standby loads ahead. */
export function workerSpecs(workerDir: string): WorkerSpec[] {
  const spec = (name: WorkerName, dependsOn: WorkerName[], preload = PRELOAD_BASE): WorkerSpec => ({
    name,
    entry: join(workerDir, `worker-${name}.js`),
    dependsOn,
    preload
  })
  return [spec('execution', []), spec('market', [], PRELOAD_MARKET), spec('ai', ['market']), spec('strategy', ['market', 'execution'])]
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
  readonly faults: HostFaults
  private readonly storage: StorageStatus
  private readonly links: WorkerLinks
  private readonly aiLlm: AiLlmRelay
  private readonly monitor = new HostMonitor()
  private readonly startedAt = performance.now()
  private healthTimer: NodeJS.Timeout | undefined
  private lastRss = 0
  private readonly disposables = new Disposables()

  constructor(private readonly options: AppCoreOptions) {
    this.faults = new HostFaults(options.log)
    this.bus = new EventBus(options.log)
    // A bad KEEL_DEMO_SPEED stops the start here, with its reason, before any worker runs.
    const workerEnv = demoClockEnv(process.env, Date.now())
    if (workerEnv[DEMO_SPEED_ENV]) options.log.warn(`the demo market's clock runs ${workerEnv[DEMO_SPEED_ENV]}× real time (${DEMO_SPEED_ENV}); live exchanges are off`)
    this.supervisor = new Supervisor(options.spawner, workerSpecs(options.workerDir), options.dataDir, { ...options.supervisor, workerEnv }, options.log)
    this.router = new Router({ ...this.hostHandlers(), ...options.hostHandlers?.(this) }, this.supervisor, assignClientOrderId)
    this.relay = new MarketRelay(this.supervisor, options.log)
    this.storage = new StorageStatus(options.log)
    this.links = new WorkerLinks(this.supervisor, this.router)
    const settings = options.settings ?? new SettingsStore(options.dataDir, options.log)
    this.aiLlm = new AiLlmRelay(this.supervisor, options.secrets ?? FileSecretStore.inDataDir(options.dataDir), settings, options.log)
    this.disposables.add(() => this.relay.dispose())
    this.disposables.add(this.supervisor.listen({
      onWorkerEvent: (worker, name, payload) => {
        if (worker === 'market' && this.relay.fromMarket(name, payload)) return
        if (this.storage.accept(name, payload)) return this.publishHealthSoon()
        this.links.relay(worker, name, payload)
        this.bus.publishUnknown(name, payload)
      },
      onCrash: (record) => this.bus.publish('workerCrashed', record),
      onChange: () => this.publishHealthSoon()
    }))
  }

  async start(): Promise<void> {
    this.monitor.start(this.faults.guard('health timer', () => this.bus.publish('health', this.health())))
    await this.supervisor.start()
  }

  async stop(): Promise<void> {
    this.monitor.stop()
    clearTimeout(this.healthTimer)
    await this.supervisor.stop()
    this.disposables.dispose()
  }

  health(): HealthReport {
    // Under descriptor exhaustion reading /proc fails (EMFILE): report the last figure instead.
    this.lastRss = residentBytes(this.lastRss)
    return {
      workers: this.supervisor.health(),
      host: {
        mode: this.options.mode,
        pid: process.pid,
        version: this.options.version,
        uptimeMs: Math.round(performance.now() - this.startedAt),
        rssBytes: this.lastRss,
        cpuPercent: this.monitor.cpuPercent,
        eventLoopDelayMs: this.monitor.eventLoopDelayMs,
        dataDir: this.options.dataDir,
        faults: this.faults.count,
        lastFault: this.faults.last
      },
      crashes: this.supervisor.recentCrashes(),
      exchanges: this.relay.exchangeHealth,
      storage: this.storage.list()
    }
  }

  private hostHandlers(): HostHandlers {
    return {
      health: () => this.health(),
      restartWorker: ({ name }) => {
        this.supervisor.restartWorker(name)
        return { ok: true }
      },
      ping: ({ worker }) => this.supervisor.request(worker, 'ping', {}),
      aiLlmSettings: () => this.aiLlm.view(),
      aiSetLlmSettings: (params) => this.aiLlm.setSettings(params)
    }
  }

  /** State changes reach clients within ~50 ms, coalesced so a restart storm is one update. */
  private publishHealthSoon(): void {
    if (this.healthTimer) return
    this.healthTimer = setTimeout(
      this.faults.guard('health update', () => {
        this.healthTimer = undefined
        this.bus.publish('health', this.health())
      }),
      50
    )
  }
}
