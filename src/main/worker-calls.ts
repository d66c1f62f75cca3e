import { KeelError } from '../shared/errors'
import type { MethodName } from '../shared/api'
import type { WorkerName } from '../shared/worker-protocol'

/**
 * Which API methods each worker may call through the host (CallMsg). Deny by default: the AI
 * worker reads market data and nothing else, so no path from it reaches an order.
 */
export const WORKER_CALLS: Partial<Record<WorkerName, readonly MethodName[]>> = {
  ai: ['candles', 'markets', 'exchanges']
}

export function serveWorkerCalls(call: (method: string, params: unknown) => Promise<unknown>, allowed = WORKER_CALLS) {
  return (worker: WorkerName, method: string, params: unknown): Promise<unknown> => {
    if (!(allowed[worker] ?? []).some((m) => m === method)) {
      return Promise.reject(new KeelError('unauthorized', `the ${worker} worker may not call ${method}`))
    }
    return call(method, params)
  }
}
