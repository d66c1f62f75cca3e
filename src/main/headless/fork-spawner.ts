import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { forEachLine, type SpawnedWorker, type Spawner, type WorkerSpec } from '../supervisor/spawner'
import { inheritedEnv } from '../supervisor/worker-env'
import { WORKER_ENV } from '../../shared/worker-protocol'

/**
 * Headless spawner: each worker is a `child_process.fork` of the same Node binary, with an IPC
 * channel (the worker runtime's fork transport) and piped stdout/stderr for crash records.
 *
 * With a standby entry (out/main/worker-standby.js) it keeps warm, booted processes in
 * reserve, one per preload list (see WorkerSpec.preload: the market worker's carries ccxt, the
 * others' only the storage driver), and turns one into the worker that needs (re)starting, then
 * forks the next standby in the background: restart latency drops below a bare fork's.
 */
/** How long after a spawn its replacement standby is forked. */
const STANDBY_DELAY_MS = 250

export class ForkSpawner implements Spawner {
  private readonly standbys = new Map<string, ChildProcess>()
  private readonly warm = new WeakSet<ChildProcess>()
  /** Profiles whose replacement standby is scheduled but not forked yet. */
  private readonly scheduled = new Set<string>()

  constructor(
    private readonly standbyEntry?: string,
    private readonly execArgv: string[] = []
  ) {
    if (standbyEntry && !existsSync(standbyEntry)) this.standbyEntry = undefined
  }

  spawn(spec: WorkerSpec, env: Record<string, string>): SpawnedWorker {
    const profile = (spec.preload ?? []).join(',')
    const warm = this.takeStandby(profile)
    const child = warm ?? this.forkProcess(spec.entry, env)
    if (warm) warm.send({ t: 'become', entry: spec.entry, env })
    this.prepareStandby(profile)
    return wrap(child)
  }

  /** True when every reserve process is forked and has loaded its preloads (benches wait for this between crashes). */
  get standbysWarm(): boolean {
    return this.scheduled.size === 0 && [...this.standbys.values()].every((c) => this.warm.has(c))
  }

  /** Pids of the reserve processes (benches measure their memory). */
  get standbyPids(): number[] {
    return [...this.standbys.values()].flatMap((c) => (c.pid ? [c.pid] : []))
  }

  /** Ends the reserve processes (on shutdown), so nothing outlives the host. */
  dispose(): void {
    for (const standby of this.standbys.values()) standby.kill('SIGKILL')
    this.standbys.clear()
    this.disposed = true
  }

  private disposed = false

  private forkProcess(entry: string, env: Record<string, string>): ChildProcess {
    const child = fork(entry, [], {
      env: { ...inheritedEnv(process.env), ...env },
      execArgv: this.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced'
    })
    // An IPC error (e.g. sending after exit) must never crash the host.
    child.on('error', () => {})
    return child
  }

  private takeStandby(profile: string): ChildProcess | undefined {
    const warm = this.standbys.get(profile)
    this.standbys.delete(profile)
    if (warm && warm.connected && warm.exitCode === null && warm.signalCode === null) return warm
    return undefined
  }

  private prepareStandby(profile: string): void {
    if (!this.standbyEntry || this.standbys.has(profile) || this.scheduled.has(profile) || this.disposed) return
    // Forked a little later, so the worker being restarted gets the CPU first (a standby that
    // preloads ccxt keeps a core busy for a few hundred ms).
    this.scheduled.add(profile)
    setTimeout(() => {
      this.scheduled.delete(profile)
      if (this.standbys.has(profile) || this.disposed || !this.standbyEntry) return
      const child = this.forkProcess(this.standbyEntry, { [WORKER_ENV.standbyPreload]: profile })
      child.once('exit', () => {
        if (this.standbys.get(profile) === child) this.standbys.delete(profile)
      })
      child.once('message', () => this.warm.add(child))
      this.standbys.set(profile, child)
    }, STANDBY_DELAY_MS).unref()
  }
}

function wrap(child: ChildProcess): SpawnedWorker {
  return {
    get pid() {
      return child.pid
    },
    send: (message) => {
      if (child.connected) child.send(message)
    },
    kill: (signal) => {
      child.kill(signal)
    },
    // A standby's own "warm" notice may arrive after it became a worker: not the worker's to see.
    onMessage: (listener) => child.on('message', (m: unknown) => isWarmNotice(m) || listener(m)),
    // 'close' rather than 'exit': stdio is drained by then, so the crash record has the last stderr lines.
    onExit: (listener) => child.once('close', (code, signal) => listener(code, signal)),
    onStdoutLine: (listener) => forEachLine(child.stdout, listener),
    onStderrLine: (listener) => forEachLine(child.stderr, listener)
  }
}

function isWarmNotice(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { t?: unknown }).t === 'warm'
}
