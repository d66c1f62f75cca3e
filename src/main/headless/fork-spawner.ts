import { fork } from 'node:child_process'
import { forEachLine, type SpawnedWorker, type Spawner, type WorkerSpec } from '../supervisor/spawner'

/**
 * Headless spawner: each worker is a `child_process.fork` of the same Node binary, with an IPC
 * channel (the worker runtime's fork transport) and piped stdout/stderr for crash records.
 */
export class ForkSpawner implements Spawner {
  constructor(private readonly execArgv: string[] = []) {}

  spawn(spec: WorkerSpec, env: Record<string, string>): SpawnedWorker {
    const child = fork(spec.entry, [], {
      env: { ...process.env, ...env },
      execArgv: this.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced'
    })
    // An IPC error (e.g. sending after exit) must never crash the host.
    child.on('error', () => {})
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
}
