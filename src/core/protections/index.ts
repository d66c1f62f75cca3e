import { join } from 'node:path'
import { CancelAllResult } from '../../shared/trading'
import type { ExecutionService } from '../execution/execution-service'
import type { TradingStore } from '../storage/trading'
import { ProtectionsFile } from './config-file'
import { ProtectionsService } from './protections-service'

export { ProtectionGuard } from './guard'
export { ProtectionsFile } from './config-file'
export { ProtectionsService } from './protections-service'

/** Protections for an execution worker: settings beside trading.db, hooked into every placeOrder. */
export function openProtections(
  dataDir: string,
  service: ExecutionService,
  store: TradingStore,
  emit: (event: 'killSwitchChanged', payload: { engaged: boolean }) => void,
  onDamaged: (why: string) => void
): ProtectionsService {
  const protections = new ProtectionsService(
    new ProtectionsFile(join(dataDir, 'protections.json')),
    {
      state: () => store.state,
      cancelAll: async (account) => CancelAllResult.parse(await service.command('cancelAll', { account })).cancelled.length,
      emit,
      now: Date.now
    },
    onDamaged
  )
  service.setOrderGuard((params) => protections.refusal(params))
  return protections
}
