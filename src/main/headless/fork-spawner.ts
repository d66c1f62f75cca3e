import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { forEachLine, type SpawnedWorker, type Spawner, type WorkerSpec } from '../supervisor/spawner'
import { inheritedEnv } from '../supervisor/worker-env'

/**
 * Headless spawner: each worker is a `child_process.fork` of the same Node binary, with an IPC
 * channel (the worker runtime's fork transport) and piped stdout/stderr for crash records.
 *
 * With a standby entry (out/main/worker-standby.js) it keeps one warm, booted process in
 * reserve and turns it into the worker that needs (re)starting, then forks the next standby in
 * the background: restart latency drops below the cost of a bare fork.
 */
export class ForkSpawner implements Spawner {
  private standby: ChildProcess | undefined

  constructor(
    private readonly standbyEntry?: string,
    private readonly execArgv: string[] = []
  ) {
    if (standbyEntry && !existsSync(standbyEntry)) this.standbyEntry = undefined
  }

  spawn(spec: WorkerSpec, env: Record<string, string>): SpawnedWorker {
    const warm = this.takeStandby()
    const child = warm ?? this.forkProcess(spec.entry, env)
    if (warm) warm.send({ t: 'become', entry: spec.entry, env })
    this.prepareStandby()
    return wrap(child)
  }

  /** Ends the reserve process (on shutdown), so nothing outlives the host. */
  dispose(): void {
    this.standby?.kill('SIGKILL')
    this.standby = undefined
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

  private takeStandby(): ChildProcess | undefined {
    const warm = this.standby
    this.standby = undefined
    if (warm && warm.connected && warm.exitCode === null && warm.signalCode === null) return warm
    return undefined
  }

  private prepareStandby(): void {
    if (!this.standbyEntry || this.standby || this.disposed) return
    // Forked on the next tick so the worker being restarted gets the CPU first.
    setImmediate(() => {
      if (this.standby || this.disposed || !this.standbyEntry) return
      const child = this.forkProcess(this.standbyEntry, {})
      child.once('exit', () => {
        if (this.standby === child) this.standby = undefined
      })
      this.standby = child
    })
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
    onMessage: (listener) => child.on('message', listener),
    // 'close' rather than 'exit': stdio is drained by then, so the crash record has the last stderr lines.
    onExit: (listener) => child.once('close', (code, signal) => listener(code, signal)),
    onStdoutLine: (listener) => forEachLine(child.stdout, listener),
    onStderrLine: (listener) => forEachLine(child.stderr, listener)
  }
}
