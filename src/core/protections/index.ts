import { join } from 'node:path'
import type { ExecutionService } from '../execution/execution-service'
import { ProtectionsFile } from './config-file'
import { ProtectionsService } from './protections-service'

export { ProtectionGuard } from './guard'
export { ProtectionsFile } from './config-file'
export { ProtectionsService } from './protections-service'

/**
 * Protections for an execution worker: settings beside trading.db. `service` is the live
 * execution service (it changes when trading.db is restored); hook each one with `guard`.
 */
export function openProtections(
  dataDir: string,
  service: () => ExecutionService,
  emit: (event: 'killSwitchChanged', payload: { engaged: boolean }) => void,
  onDamaged: (why: string) => void,
  /** Market time: the equity history and order times the limits are judged on are stamped with it. */
  now: () => number = Date.now
): ProtectionsService {
  const protections = new ProtectionsService(
    new ProtectionsFile(join(dataDir, 'protections.json')),
    {
      state: () => service().state,
      cancelAll: async (account) => (await service().cancelAll({ account })).cancelled.length,
      emit,
      now
    },
    onDamaged
  )
  return protections
}
