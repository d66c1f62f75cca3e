import { parentPort, workerData } from 'node:worker_threads'
import { KeelError } from '../src/shared/errors'
import { runRequest } from '../src/core/backtest/job'
import { BacktestCancelled } from '../src/core/backtest/run'
import { RunThreadInput, type RunThreadMessage } from '../src/core/backtest/run-thread'

// One backtest on its own worker thread (src/core/backtest/service.ts starts it), so neither the
// strategy worker's event loop nor the host's ever runs the candle loop or the user's code.
const input = RunThreadInput.parse(workerData)
const cancel = new Int32Array(input.cancel)
const post = (message: RunThreadMessage) => parentPort?.postMessage(message)

runRequest(input.request, {
  dataDir: input.dataDir,
  onProgress: (done, total) => post({ type: 'progress', done, total }),
  progressEvery: 2_000,
  shouldStop: () => Atomics.load(cancel, 0) === 1
}).then(
  (report) => post({ type: 'done', report }),
  (err: unknown) => {
    if (err instanceof BacktestCancelled) return post({ type: 'cancelled' })
    const error = KeelError.from(err)
    post({ type: 'failed', code: err instanceof KeelError ? error.code : 'rejected', message: error.message })
  }
)
