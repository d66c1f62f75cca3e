import type { SessionRecorder } from '../src/core/backtest/replay-recorder'
import type { ExecutionService } from '../src/core/execution/execution-service'
import type { ProtectionsService } from '../src/core/protections/protections-service'
import type { TradingDatabase } from '../src/core/storage/trading/trading-database'
import type { WorkerHandlers } from './runtime/contract'

/**
 * The execution worker's api.ts methods (params arrive parsed by the runtime). Trading goes to
 * the service `live()` returns, which throws the storage's refusal while trading.db is refused;
 * the storage methods answer from the database keeper itself, so recovery works when trading can't;
 * the protections (always on, whatever the caller) answer from their own settings.
 */
export function executionHandlers(
  live: () => ExecutionService,
  db: TradingDatabase,
  protections: ProtectionsService,
  recorder: Pick<SessionRecorder, 'status'>
): WorkerHandlers<'execution'> {
  return {
    placeOrder: (p) => live().placeOrder(p),
    cancelOrder: (p) => live().cancelOrder(p),
    cancelAll: (p) => live().cancelAll(p),
    amendOrder: (p) => live().amendOrder(p),
    resetAccount: (p) => live().resetAccount(p),
    listOrders: (p) => live().listOrders(p),
    listFills: (p) => live().listFills(p),
    balances: (p) => live().balances(p),
    positions: (p) => live().positions(p),
    accountSummary: (p) => live().accountSummary(p),
    storageStatus: () => db.status(),
    backupNow: () => db.backupNow(),
    restoreBackup: (p) => db.restore(p),
    startFreshAccount: () => db.startFresh(),
    recorderStatus: () => recorder.status,
    ...protections.handlers()
  }
}
