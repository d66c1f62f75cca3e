import { runSweepTask } from '../src/core/backtest/sweep-task'

// A piscina worker thread running sweep points (src/core/backtest/thread-pool.ts starts it).
export default runSweepTask
