import type { SweepService } from './sweep-service'

/** The sweep and walk-forward API methods (api.ts "── sweep ──") over a SweepService; params arrive parsed. */
export function sweepHandlers(service: SweepService) {
  return {
    runSweep: (params: Parameters<SweepService['startSweep']>[0]) => service.startSweep(params),
    listSweeps: (params: { limit: number; before?: number }) => service.listSweeps(params.limit, params.before),
    getSweep: (params: { id: number; offset: number; limit: number }) => service.getSweep(params.id, params.offset, params.limit),
    cancelSweep: (params: { id: number }) => service.cancel({ kind: 'sweep', id: params.id }),
    runWalkForward: (params: Parameters<SweepService['startWalkForward']>[0]) => service.startWalkForward(params),
    listWalkForwards: (params: { limit: number; before?: number }) => service.listWalkForwards(params.limit, params.before),
    getWalkForward: (params: { id: number }) => service.getWalkForward(params.id),
    cancelWalkForward: (params: { id: number }) => service.cancel({ kind: 'walkForward', id: params.id }),
    resumeSweep: (params: { id: number }) => service.resumeSweep(params.id),
    resumeWalkForward: (params: { id: number }) => service.resumeWalkForward(params.id)
  }
}
