import { BacktestService } from '../src/core/backtest/service'
import { backtestHandlers } from '../src/core/backtest/handlers'
import { runWorker } from './runtime/worker'

// The strategy worker runs user code quarantined: it holds no money state, so killing it for an
// infinite loop never touches orders. Backtests run here too, each on its own worker thread.
runWorker('strategy', (ctx) => {
  const backtests = new BacktestService({ dataDir: ctx.dataDir, emit: (progress) => ctx.emit('backtestProgress', progress) })
  ctx.onShutdown(() => backtests.close())
  return { ...backtestHandlers(backtests) }
})
