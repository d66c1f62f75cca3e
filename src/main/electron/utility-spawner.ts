import { utilityProcess } from 'electron'
import { forEachLine, type SpawnedWorker, type Spawner, type WorkerSpec } from '../supervisor/spawner'

/** Electron spawner: each worker is a utilityProcess with a service name the OS task manager shows. */
export class UtilitySpawner implements Spawner {
  spawn(spec: WorkerSpec, env: Record<string, string>): SpawnedWorker {
    const child = utilityProcess.fork(spec.entry, [], {
      serviceName: `Keel ${spec.name}`,
      stdio: 'pipe',
      env: { ...process.env, ...env }
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
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      onStdoutLine: (listener) => forEachLine(child.stdout, listener),
      onStderrLine: (listener) => forEachLine(child.stderr, listener)
    }
  }
}
