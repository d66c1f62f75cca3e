import { randomUUID } from 'node:crypto'
import { KeelError } from '../../src/shared/errors'
import type { ReturnMsg, WorkerToHost } from '../../src/shared/worker-protocol'

/**
 * A worker's calls to methods of other owners, in flight to the host. The host holds a
 * request to a restarting owner until it is back, so only the host being gone or stuck ends a
 * call early: the timeout.
 */
export class OutgoingCalls {
  private readonly pending = new Map<string, { resolve(value: unknown): void; reject(err: KeelError): void; timer: NodeJS.Timeout }>()

  constructor(
    private readonly send: (message: WorkerToHost) => void,
    private readonly timeoutMs = 60_000
  ) {}

  call(method: string, params: unknown, timeoutMs = this.timeoutMs): Promise<unknown> {
    const id = randomUUID()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new KeelError('timeout', `${method}: no answer from the host within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      this.send({ t: 'call', id, method, params })
    })
  }

  /** An answer for a call of an earlier process of this worker finds nothing here: ignored. */
  settle(message: ReturnMsg): void {
    const entry = this.pending.get(message.id)
    if (!entry) return
    this.pending.delete(message.id)
    clearTimeout(entry.timer)
    if (message.ok) entry.resolve(message.result)
    else entry.reject(new KeelError(message.error.code, message.error.message))
  }
}
