import { KeelError } from '../../shared/errors'
import type { CrashRecord, WorkerHealth } from '../../shared/health'
import type { CallMsg, ReturnMsg, WorkerName } from '../../shared/worker-protocol'
import { silentLogger, type Logger } from '../logger'
import { HostClock } from './host-clock'
import { PendingRequests } from './pending-requests'
import { DEFAULT_RESTART_POLICY } from './restart-policy'
import type { Spawner, WorkerSpec } from './spawner'
import { workerEnv } from './worker-env'
import { WorkerSlot, type SlotOptions } from './worker-slot'

export interface SupervisorOptions extends SlotOptions {
  requestTimeoutMs: number
  crashHistory: number
  /** Settings the host fixed once for every worker (e.g. the demo clock's epoch). */
  workerEnv?: Record<string, string>
}

export const DEFAULT_SUPERVISOR_OPTIONS: SupervisorOptions = {
  heartbeatMs: 500,
  freezeAfterMs: 2_000,
  startTimeoutMs: 15_000,
  stopGraceMs: 3_000,
  stderrTailLines: 20,
  policy: DEFAULT_RESTART_POLICY,
  requestTimeoutMs: 30_000,
  crashHistory: 100
}

/** Runs a method a worker asked for (CallMsg); rejects with a KeelError to refuse it. */
export type WorkerCallHandler = (worker: WorkerName, method: string, params: unknown) => Promise<unknown>

export interface SupervisorListener {
  onChange?(): void
  onCrash?(record: CrashRecord): void
  onWorkerEvent?(worker: WorkerName, name: string, payload: unknown): void
  onReady?(worker: WorkerName): void
}

/**
 * Keeps Keel's workers alive. Host-independent: the spawner is injected (utilityProcess in
 * Electron, child_process.fork headless). Starts workers in dependency order, restarts them
 * through crashes and freezes (see WorkerSlot), routes requests to them and holds requests
 * across restarts, and stops them in reverse order.
 */
export class Supervisor {
  private readonly slots = new Map<WorkerName, WorkerSlot>()
  private readonly pending = new Map<WorkerName, PendingRequests>()
  private readonly crashes: CrashRecord[] = []
  private readonly notifyBatches = new Map<WorkerName, Array<{ name: string; payload: unknown }>>()
  private readonly listeners: SupervisorListener[] = []
  private readonly options: SupervisorOptions
  /** Silence is judged on the host's running time (see HostClock), checked on its ticks. */
  readonly clock = new HostClock()
  private started = false
  private shuttingDown = false
  private callHandler: WorkerCallHandler = (worker, method) =>
    Promise.reject(new KeelError('unknown_method', `${worker} may not call ${method}`))

  constructor(
    private readonly spawner: Spawner,
    private readonly specs: WorkerSpec[],
    private readonly dataDir: string,
    options: Partial<SupervisorOptions> = {},
    private readonly log: Logger = silentLogger
  ) {
    this.options = { ...DEFAULT_SUPERVISOR_OPTIONS, ...options }
    assertAcyclic(specs)
    for (const spec of specs) {
      this.pending.set(spec.name, new PendingRequests(spec.name))
      this.slots.set(spec.name, this.createSlot(spec))
    }
    let stallsSeen = 0
    this.clock.onTick(() => {
      if (this.clock.stalls !== stallsSeen) {
        stallsSeen = this.clock.stalls
        this.log.warn(`host stalled (longest ${this.clock.longestStallMs} ms): that time does not count as worker silence`)
      }
      for (const slot of this.slots.values()) slot.watch()
    })
  }

  /** The host is about to be suspended (e.g. Electron's powerMonitor 'suspend'): stop judging silence. */
  hostSuspending(): void {
    this.log.info('host suspending: worker silence is not counted until resume')
    this.clock.pause()
  }

  /** Back from a suspend: silence counts again from now. */
  hostResumed(): void {
    this.log.info('host resumed')
    this.clock.resume()
  }

  listen(listener: SupervisorListener): () => void {
    this.listeners.push(listener)
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1)
  }

  /** Who answers workers' calls of other owners' methods. */
  handleWorkerCalls(handler: WorkerCallHandler): void {
    this.callHandler = handler
  }

  /** Start every worker, each once its dependencies are running; resolves when all are. */
  start(): Promise<void> {
    this.started = true
    this.clock.start()
    const allSettled = new Promise<void>((resolve) => {
      const unlisten = this.listen({
        onChange: () => {
          if ([...this.slots.values()].every((s) => this.settled(s))) {
            unlisten()
            resolve()
          }
        }
      })
    })
    this.startReadyDependents()
    return allSettled
  }

  /** Up, given up on, or waiting on a dependency that was given up on. */
  private settled(slot: WorkerSlot): boolean {
    if (slot.state === 'running' || slot.state === 'failed') return true
    return slot.state === 'stopped' && slot.spec.dependsOn.some((dep) => this.slotOf(dep).state === 'failed')
  }

  /** Call a worker method. Waits through restarts; fails fast only when the worker is failed. */
  request(worker: WorkerName, method: string, params: unknown, timeoutMs = this.options.requestTimeoutMs): Promise<unknown> {
    const slot = this.slotOf(worker)
    if (this.shuttingDown) return Promise.reject(new KeelError('unavailable', 'Keel is shutting down'))
    if (slot.state === 'failed') return Promise.reject(this.failedError(slot))
    const queue = this.pendingOf(worker)
    const { id, promise } = queue.add(method, params, timeoutMs)
    if (slot.send({ t: 'req', id, method, params })) queue.markDelivered(id)
    return promise
  }

  /**
   * One-way message (streaming data), batched per event-loop turn into one IPC message.
   * Dropped while the worker is down: the next one supersedes it.
   */
  notify(worker: WorkerName, name: string, payload: unknown): void {
    let batch = this.notifyBatches.get(worker)
    if (!batch) {
      this.notifyBatches.set(worker, (batch = []))
      setImmediate(() => {
        this.notifyBatches.delete(worker)
        this.slotOf(worker).send({ t: 'notifys', items: batch! })
      })
    }
    batch.push({ name, payload })
  }

  restartWorker(worker: WorkerName): void {
    this.log.info(`restart of ${worker} requested`)
    this.slotOf(worker).restartNow()
  }

  health(): WorkerHealth[] {
    const now = performance.now()
    return [...this.slots.values()].map((slot) => slot.health(now))
  }

  recentCrashes(): CrashRecord[] {
    return [...this.crashes]
  }

  stateOf(worker: WorkerName): WorkerHealth['state'] {
    return this.slotOf(worker).state
  }

  /** Orderly shutdown: dependents first, each asked, then killed after the grace period. */
  async stop(): Promise<void> {
    this.shuttingDown = true
    for (const queue of this.pending.values()) queue.rejectAll(new KeelError('unavailable', 'Keel is shutting down'))
    for (const level of [...dependencyLevels(this.specs)].reverse()) {
      await Promise.all(level.map((name) => this.slotOf(name).stop()))
    }
    this.spawner.dispose?.()
    this.clock.stop()
  }

  private createSlot(spec: WorkerSpec): WorkerSlot {
    const env = { ...this.options.workerEnv, ...workerEnv(spec.name, this.dataDir, this.options.heartbeatMs) }
    return new WorkerSlot(spec, this.spawner, env, this.options, {
      onState: (slot) => {
        if (slot.state === 'failed') this.pendingOf(spec.name).rejectAll(this.failedError(slot))
        this.emit((l) => l.onChange?.())
      },
      onReady: () => {
        // Listeners first (e.g. the market replay to a restarted execution worker), then the
        // requests its predecessor never answered: notifications go out batched on the next
        // turn, and setImmediate keeps order, so the re-sent orders arrive after the replay.
        this.emit((l) => l.onReady?.(spec.name))
        setImmediate(() => this.flush(spec.name))
        this.startReadyDependents()
      },
      onMessage: (_slot, message) => {
        if (message.t === 'res') this.pendingOf(spec.name).settle(message.id, message)
        else if (message.t === 'call') void this.answerCall(spec.name, message)
        else this.emit((l) => l.onWorkerEvent?.(spec.name, message.name, message.payload))
      },
      onProcessGone: () => this.pendingOf(spec.name).processGone(),
      onCrash: (record) => {
        this.crashes.unshift(record)
        this.crashes.length = Math.min(this.crashes.length, this.options.crashHistory)
        this.log.error(
          `${record.worker} ${record.kind} after ${record.uptimeMs} ms (code ${record.exitCode}, signal ${record.signal})`,
          record.stderrTail.length ? `\n  last stderr:\n  ${record.stderrTail.join('\n  ')}` : ''
        )
        this.emit((l) => l.onCrash?.(record))
      }
    }, this.log, this.clock)
  }

  /** The answer goes to whichever process of the worker runs then; a new one ignores ids it never sent. */
  private async answerCall(worker: WorkerName, call: CallMsg): Promise<void> {
    let reply: ReturnMsg
    try {
      reply = { t: 'ret', id: call.id, ok: true, result: await this.callHandler(worker, call.method, call.params) }
    } catch (err) {
      reply = { t: 'ret', id: call.id, ok: false, error: KeelError.from(err).toBody() }
    }
    this.slotOf(worker).answer(reply)
  }

  /** Send what the worker's previous process never answered, and what queued meanwhile. */
  private flush(worker: WorkerName): void {
    const slot = this.slotOf(worker)
    const queue = this.pendingOf(worker)
    for (const { id, method, params } of queue.undelivered()) {
      if (slot.send({ t: 'req', id, method, params })) queue.markDelivered(id)
    }
  }

  private startReadyDependents(): void {
    for (const slot of this.slots.values()) {
      if (slot.state !== 'stopped' || this.shuttingDown || !this.started) continue
      const depsUp = slot.spec.dependsOn.every((dep) => this.slotOf(dep).state === 'running')
      if (depsUp) slot.start()
    }
  }

  private failedError(slot: WorkerSlot): KeelError {
    const retry = slot.retryAt ? `; automatic retry at ${new Date(slot.retryAt).toISOString()}` : ''
    return new KeelError('unavailable', `${slot.name} worker has failed (restarted too often, circuit open)${retry}`)
  }

  private slotOf(worker: WorkerName): WorkerSlot {
    const slot = this.slots.get(worker)
    if (!slot) throw new KeelError('not_found', `no worker named ${worker}`)
    return slot
  }

  private pendingOf(worker: WorkerName): PendingRequests {
    const queue = this.pending.get(worker)
    if (!queue) throw new KeelError('not_found', `no worker named ${worker}`)
    return queue
  }

  private emit(fn: (listener: SupervisorListener) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        fn(listener)
      } catch (err) {
        this.log.error('supervisor listener failed', err)
      }
    }
  }
}

/** Workers grouped so that each level depends only on earlier levels. */
export function dependencyLevels(specs: WorkerSpec[]): WorkerName[][] {
  const levels: WorkerName[][] = []
  const placed = new Set<WorkerName>()
  let remaining = [...specs]
  while (remaining.length) {
    const level = remaining.filter((s) => s.dependsOn.every((d) => placed.has(d))).map((s) => s.name)
    if (!level.length) throw new Error(`worker dependencies form a cycle among: ${remaining.map((s) => s.name).join(', ')}`)
    level.forEach((n) => placed.add(n))
    levels.push(level)
    remaining = remaining.filter((s) => !placed.has(s.name))
  }
  return levels
}

function assertAcyclic(specs: WorkerSpec[]): void {
  const names = new Set(specs.map((s) => s.name))
  for (const spec of specs) {
    for (const dep of spec.dependsOn) if (!names.has(dep)) throw new Error(`${spec.name} depends on unknown worker ${dep}`)
  }
  dependencyLevels(specs)
}
