import type { CrashRecord, WorkerHealth, WorkerState } from '../../shared/health'
import { WorkerToHost, type HostToWorker } from '../../shared/worker-protocol'
import { describeZodError } from '../../shared/errors'
import type { Logger } from '../logger'
import type { HostClock } from './host-clock'
import { LineTail } from './line-tail'
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy'
import type { SpawnedWorker, Spawner, WorkerSpec } from './spawner'

export interface SlotOptions {
  heartbeatMs: number
  /** No heartbeat for this long (of the host's own running time) = frozen: SIGKILL and restart. */
  freezeAfterMs: number
  /** A worker that never says ready within this (host running time) is killed as a start timeout. */
  startTimeoutMs: number
  /** Graceful stop: how long to wait after asking before SIGKILL. */
  stopGraceMs: number
  stderrTailLines: number
  policy: RestartPolicyOptions
}

export interface SlotHooks {
  onState(slot: WorkerSlot): void
  onReady(slot: WorkerSlot): void
  onMessage(slot: WorkerSlot, message: Extract<WorkerToHost, { t: 'res' | 'evt' | 'call' }>): void
  onProcessGone(slot: WorkerSlot): void
  onCrash(record: CrashRecord): void
}

type CrashKind = CrashRecord['kind']

/**
 * One supervised worker: its process, its state machine and its restart policy.
 * starting → running → (crash | freeze) → restarting → starting … or → failed (circuit open)
 * → half-open retry after a cool-down or on request. Events from a process that has already
 * been replaced are ignored, so a late exit can never confuse its successor.
 */
export class WorkerSlot {
  state: WorkerState = 'stopped'
  restarts = 0
  lastCrash: CrashRecord | null = null
  retryAt: number | null = null
  private proc: SpawnedWorker | undefined
  private spawnedAt = 0
  private lastBeatAt: number | null = null
  /** The same two moments on the host's running clock, on which silence is judged. */
  private spawnedRun = 0
  private lastBeatRun = 0
  private verdictPending = false
  private lastBeat: { loopDelayMs: number; rssBytes: number } | null = null
  private readonly tail: LineTail
  private readonly policy: RestartPolicy
  private restartTimer: NodeJS.Timeout | undefined
  private killTimer: NodeJS.Timeout | undefined
  private killReason: CrashKind | undefined
  private intent: 'run' | 'stop' | 'manual-restart' = 'run'
  private stopped: Array<() => void> = []

  constructor(
    readonly spec: WorkerSpec,
    private readonly spawner: Spawner,
    private readonly env: Record<string, string>,
    private readonly options: SlotOptions,
    private readonly hooks: SlotHooks,
    private readonly log: Logger,
    private readonly clock: HostClock
  ) {
    this.tail = new LineTail(options.stderrTailLines)
    this.policy = new RestartPolicy(options.policy)
  }

  get name(): string {
    return this.spec.name
  }

  get pid(): number | null {
    return this.proc?.pid ?? null
  }

  start(): void {
    this.intent = 'run'
    this.spawn()
  }

  send(message: HostToWorker): boolean {
    return this.state === 'running' && this.write(message)
  }

  /**
   * The answer to a worker's own call: it may come while the worker is still starting (its
   * set-up waits on calls before it says ready), so unlike `send` it does not wait for ready.
   * A process that started since ignores ids it never sent.
   */
  answer(message: HostToWorker): boolean {
    return (this.state === 'starting' || this.state === 'running') && this.write(message)
  }

  private write(message: HostToWorker): boolean {
    if (!this.proc) return false
    try {
      this.proc.send(message)
      return true
    } catch (err) {
      this.log.warn(`send to ${this.name} failed`, err)
      return false
    }
  }

  /** The user's restart: immediate for a failed or waiting worker (half-open), else stop and start. */
  restartNow(): void {
    if (this.state === 'failed' || this.state === 'restarting' || this.state === 'stopped') {
      clearTimeout(this.restartTimer)
      if (this.state === 'failed') this.policy.beginHalfOpen()
      this.intent = 'run'
      this.restarts += 1
      this.spawn()
      return
    }
    this.intent = 'manual-restart'
    this.askToExit()
  }

  stop(): Promise<void> {
    this.intent = 'stop'
    clearTimeout(this.restartTimer)
    if (!this.proc) {
      this.setState('stopped')
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.stopped.push(resolve)
      this.askToExit()
    })
  }

  health(now: number): WorkerHealth {
    const alive = this.proc !== undefined
    return {
      name: this.name,
      pid: this.pid,
      state: this.state,
      restarts: this.restarts,
      uptimeMs: alive ? Math.round(now - this.spawnedAt) : 0,
      lastHeartbeatAgeMs: alive && this.lastBeatAt !== null ? Math.round(now - this.lastBeatAt) : null,
      eventLoopDelayMs: alive ? (this.lastBeat?.loopDelayMs ?? null) : null,
      rssBytes: alive ? (this.lastBeat?.rssBytes ?? null) : null,
      lastCrash: this.lastCrash,
      retryAt: this.retryAt
    }
  }

  private spawn(): void {
    this.retryAt = null
    this.lastBeatAt = null
    this.lastBeat = null
    this.killReason = undefined
    this.tail.clear()
    this.spawnedAt = performance.now()
    this.spawnedRun = this.clock.now()
    this.setState('starting')
    let proc: SpawnedWorker
    try {
      proc = this.spawner.spawn(this.spec, this.env)
    } catch (err) {
      this.tail.push(`spawn failed: ${err instanceof Error ? err.message : String(err)}`)
      this.proc = undefined
      this.afterExit(null, null)
      return
    }
    this.proc = proc
    const current = (): boolean => this.proc === proc
    proc.onMessage((raw) => current() && this.onMessage(raw))
    proc.onStderrLine((line) => {
      if (!current()) return
      this.tail.push(line)
      this.log.warn(`[${this.name}] ${line}`)
    })
    proc.onStdoutLine((line) => current() && this.log.debug(`[${this.name}] ${line}`))
    proc.onExit((code, signal, reason) => {
      if (!current()) return
      this.proc = undefined
      this.afterExit(code, signal, reason)
    })
  }

  /**
   * Called on every host-clock tick: judges silence over the host's running time. An overdue
   * worker is not killed on the spot: the verdict waits one turn of the event loop, so messages
   * already queued on the pipe (beats sent while the host itself was paused) are read first.
   */
  watch(): void {
    if (!this.proc || this.verdictPending) return
    const overdue = this.overdue()
    if (!overdue) return
    this.verdictPending = true
    const proc = this.proc
    setImmediate(() => {
      this.verdictPending = false
      if (this.proc === proc && this.overdue() === overdue) this.kill(overdue)
    })
  }

  private overdue(): CrashKind | undefined {
    const now = this.clock.now()
    if (this.state === 'running' && now - this.lastBeatRun > this.options.freezeAfterMs) return 'freeze'
    if (this.state === 'starting' && now - this.spawnedRun > this.options.startTimeoutMs) return 'start_timeout'
    return undefined
  }

  private onMessage(raw: unknown): void {
    const parsed = WorkerToHost.safeParse(raw)
    if (!parsed.success) {
      this.log.warn(`malformed message from ${this.name}: ${describeZodError(parsed.error)}`)
      return
    }
    const message = parsed.data
    switch (message.t) {
      case 'hb':
        this.lastBeatAt = performance.now()
        this.lastBeatRun = this.clock.now()
        this.lastBeat = { loopDelayMs: message.loopDelayMs, rssBytes: message.rssBytes }
        return
      case 'ready':
        this.lastBeatAt = performance.now()
        this.lastBeatRun = this.clock.now()
        this.setState('running')
        this.hooks.onReady(this)
        return
      case 'evts':
        for (const { name, payload } of message.events) this.hooks.onMessage(this, { t: 'evt', name, payload })
        return
      default:
        this.hooks.onMessage(this, message)
    }
  }

  /** Freeze or start timeout: SIGKILL now (a stopped or spinning process can't be asked). */
  private kill(reason: CrashKind): void {
    if (!this.proc) return
    this.killReason = reason
    if (reason === 'freeze') this.setState('unresponsive')
    this.log.warn(`${this.name} (pid ${this.pid}) ${reason === 'freeze' ? 'stopped beating' : 'never became ready'}: SIGKILL`)
    this.proc.kill('SIGKILL')
  }

  private askToExit(): void {
    const proc = this.proc
    if (!proc) return
    try {
      proc.send({ t: 'shutdown' })
    } catch {
      // channel already closed: the kill below still ends it
    }
    clearTimeout(this.killTimer)
    this.killTimer = setTimeout(() => {
      if (this.proc === proc) proc.kill('SIGKILL')
    }, this.options.stopGraceMs)
  }

  private afterExit(code: number | null, signal: string | null, reason?: string): void {
    clearTimeout(this.killTimer)
    const uptimeMs = Math.round(performance.now() - this.spawnedAt)
    this.hooks.onProcessGone(this)

    if (this.intent === 'stop') {
      this.setState('stopped')
      for (const resolve of this.stopped.splice(0)) resolve()
      return
    }
    if (this.intent === 'manual-restart') {
      this.intent = 'run'
      this.restarts += 1
      this.spawn()
      return
    }

    const record: CrashRecord = {
      worker: this.name,
      kind: this.killReason ?? 'crash',
      at: Date.now(),
      exitCode: code,
      signal,
      uptimeMs,
      stderrTail: this.tail.snapshot(),
      ...(reason !== undefined && { reason })
    }
    this.lastCrash = record
    this.hooks.onCrash(record)

    const decision = this.policy.onFailure(Date.now(), uptimeMs)
    if (decision.kind === 'open') {
      this.retryAt = decision.retryAt
      this.setState('failed')
      this.log.error(`${this.name} failed: restart intensity exceeded, circuit open until ${new Date(decision.retryAt).toISOString()}`)
      this.restartTimer = setTimeout(() => this.restartNow(), decision.retryAt - Date.now())
      return
    }
    this.setState('restarting')
    const restart = (): void => {
      this.restarts += 1
      this.spawn()
    }
    if (decision.delayMs === 0) restart()
    else this.restartTimer = setTimeout(restart, decision.delayMs)
  }

  private setState(state: WorkerState): void {
    if (this.state === state) return
    this.state = state
    this.hooks.onState(this)
  }
}
