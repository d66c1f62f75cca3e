import { runThreadTask } from '../src/core/backtest/sweep-task'

// A piscina worker thread (src/core/backtest/thread-pool.ts starts it): runs sweep points, and
// describes strategies and loads candles off the coordinator's thread.
export default runThreadTask
