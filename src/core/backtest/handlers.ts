import type { BacktestService } from './service'

/** The backtest API methods (api.ts "── backtest ──") over a BacktestService; params arrive parsed. */
export function backtestHandlers(service: BacktestService) {
  return {
    runBacktest: (params: Parameters<BacktestService['run']>[0]) => service.run(params),
    listBacktests: (params: { limit: number; before?: number }) => service.list(params.limit, params.before),
    getBacktest: (params: { id: number }) => service.get(params.id),
    cancelBacktest: (params: { runId: string }) => service.cancel(params.runId)
  }
}
