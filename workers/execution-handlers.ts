import type { ExecutionService } from '../src/core/execution/execution-service'
import type { WorkerHandlers } from './runtime/contract'

/** The execution worker's api.ts methods, each answered by the service (params arrive parsed by the runtime). */
export function executionHandlers(service: ExecutionService): WorkerHandlers<'execution'> {
  return {
    placeOrder: (p) => service.placeOrder(p),
    cancelOrder: (p) => service.cancelOrder(p),
    cancelAll: (p) => service.cancelAll(p),
    amendOrder: (p) => service.amendOrder(p),
    resetAccount: (p) => service.resetAccount(p),
    listOrders: (p) => service.listOrders(p),
    listFills: (p) => service.listFills(p),
    balances: (p) => service.balances(p),
    positions: (p) => service.positions(p),
    accountSummary: (p) => service.accountSummary(p)
  }
}
