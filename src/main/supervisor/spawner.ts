import type { HostToWorker, WorkerName } from '../../shared/worker-protocol'

/** What the supervisor needs to start one worker. */
export interface WorkerSpec {
  name: WorkerName
  /** Absolute path of the built worker entry (out/main/worker-<name>.js). */
  entry: string
  /** Workers that must be running before this one starts. */
  dependsOn: WorkerName[]
  /**
   * Slow-to-load packages this worker needs (e.g. ccxt): a warm standby for this worker loads
   * them ahead, so a restart does not wait for them. Workers with the same list share a standby.
   */
  preload?: readonly string[]
}

/** A started worker process, whatever started it (utilityProcess or child_process.fork). */
export interface SpawnedWorker {
  readonly pid: number | undefined
  send(message: HostToWorker): void
  kill(signal: 'SIGKILL' | 'SIGTERM'): void
  onMessage(listener: (message: unknown) => void): void
  /** `reason`: the host's own word for the exit where it has one (Electron: oom, killed, crashed, launch-failed…). */
  onExit(listener: (code: number | null, signal: string | null, reason?: string) => void): void
  onStdoutLine(listener: (line: string) => void): void
  onStderrLine(listener: (line: string) => void): void
}

/** Injected into the supervisor: Electron passes a utilityProcess spawner, headless a fork spawner. */
export interface Spawner {
  spawn(spec: WorkerSpec, env: Record<string, string>): SpawnedWorker
  /** Release anything the spawner keeps besides the workers (e.g. a warm standby). */
  dispose?(): void
}

/** Splits a byte stream into lines for the stderr tail and the log. */
export function forEachLine(stream: NodeJS.ReadableStream | null | undefined, listener: (line: string) => void): void {
  if (!stream) return
  let buffered = ''
  stream.setEncoding?.('utf8')
  stream.on('data', (chunk: string | Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) if (line.length) listener(line)
  })
  stream.on('end', () => {
    if (buffered.length) listener(buffered)
    buffered = ''
  })
}
