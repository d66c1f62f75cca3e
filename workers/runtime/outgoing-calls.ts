import type { z } from 'zod'
import { KeelError } from '../../src/shared/errors'
import type { CallResultMsg, WorkerToHost } from '../../src/shared/worker-protocol'

const DEFAULT_CALL_TIMEOUT_MS = 30_000

/** A worker's calls to the host, by correlation id, each settled by its CallResultMsg or a timeout. */
export class OutgoingCalls {
  private readonly pending = new Map<string, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>()
  private seq = 0

  constructor(private readonly send: (message: WorkerToHost) => void) {}

  call(method: string, params: unknown, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<unknown> {
    const id = `c${process.pid}-${++this.seq}`
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new KeelError('timeout', `${method}: no answer from the host within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      this.send({ t: 'call', id, method, params })
    })
  }

  settle(message: z.infer<typeof CallResultMsg>): void {
    const entry = this.pending.get(message.id)
    if (!entry) return // timed out already
    this.pending.delete(message.id)
    clearTimeout(entry.timer)
    if (message.ok) entry.resolve(message.result)
    else entry.reject(new KeelError(message.error.code, message.error.message))
  }
}
