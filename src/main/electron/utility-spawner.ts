import { app, utilityProcess } from 'electron'
import { forEachLine, type SpawnedWorker, type Spawner, type WorkerSpec } from '../supervisor/spawner'
import { inheritedEnv } from '../supervisor/worker-env'
import { workerExitFrom, type ProcessGoneDetails } from './process-gone'

/** How long an `exit` waits for its `child-process-gone` details (the two events come in either order). */
const DETAILS_WAIT_MS = 100

/**
 * Electron spawner: each worker is a utilityProcess with a service name the OS task manager
 * shows. Exits are reported like headless ones (code or signal), with Chromium's reason from
 * `child-process-gone` (oom, killed, crashed, launch-failed).
 */
export class UtilitySpawner implements Spawner {
  /** The latest `child-process-gone` details per service name. */
  private readonly gone = new Map<string, ProcessGoneDetails>()
  private readonly onGone = (_event: unknown, details: ProcessGoneDetails): void => {
    if (details.type === 'Utility' && details.serviceName) this.gone.set(details.serviceName, details)
  }

  constructor() {
    app.on('child-process-gone', this.onGone)
  }

  spawn(spec: WorkerSpec, env: Record<string, string>): SpawnedWorker {
    const serviceName = `Keel ${spec.name}`
    this.gone.delete(serviceName) // details of a predecessor never describe this process
    const child = utilityProcess.fork(spec.entry, [], {
      serviceName,
      stdio: 'pipe',
      env: { ...inheritedEnv(process.env), ...env }
    })
    return {
      get pid() {
        return child.pid
      },
      send: (message) => child.postMessage(message),
      kill: (signal) => {
        // utilityProcess.kill() only sends SIGTERM; a frozen worker needs SIGKILL.
        if (signal === 'SIGKILL' && child.pid) process.kill(child.pid, 'SIGKILL')
        else child.kill()
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.once('exit', (code) => {
          setTimeout(() => {
            const exit = workerExitFrom(code, this.gone.get(serviceName), process.platform)
            this.gone.delete(serviceName)
            listener(exit.code, exit.signal, exit.reason ?? undefined)
          }, DETAILS_WAIT_MS)
        }),
      onStdoutLine: (listener) => forEachLine(child.stdout, listener),
      onStderrLine: (listener) => forEachLine(child.stderr, listener)
    }
  }

  dispose(): void {
    app.off('child-process-gone', this.onGone)
  }
}
