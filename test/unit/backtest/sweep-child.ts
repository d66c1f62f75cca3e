// A process that runs a sweep in its own thread until it is killed (sweep.test.ts SIGKILLs it).
import { join } from 'node:path'
import { BacktestStore } from '../../../src/core/backtest/store'
import { runSweep } from '../../../src/core/backtest/sweep'
import { inThisThread } from '../../../src/core/backtest/thread-pool'
import { SweepSpec } from '../../../src/shared/backtest'

const [dir, specJson] = process.argv.slice(2)
const store = new BacktestStore(join(dir, 'backtests.db'))
void runSweep(SweepSpec.parse(JSON.parse(specJson)), { store, runner: inThisThread(), dataDir: dir }).then(() => store.close())
