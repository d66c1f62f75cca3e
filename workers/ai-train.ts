import { parentPort, workerData } from 'node:worker_threads'
import { z } from 'zod'
import { TrainModelParams } from '../src/shared/ai'
import { Candle } from '../src/shared/market-data'
import { runTraining } from '../src/core/ai/training'

/**
 * The training thread: CPU-bound work off the AI worker's event loop, so its heartbeat keeps
 * beating through a long fit. Input and output cross a thread boundary: checked here.
 */
const Input = z.object({ candles: z.array(Candle), request: TrainModelParams })

const port = parentPort
if (!port) throw new Error('ai-train runs as a worker_thread of the AI worker')
try {
  const { candles, request } = Input.parse(workerData)
  let last = -1
  const outcome = runTraining(candles, request, (fraction, phase) => {
    // At most a hundred progress messages per run.
    const step = Math.floor(fraction * 100)
    if (step === last) return
    last = step
    port.postMessage({ t: 'progress', fraction, phase })
  })
  port.postMessage({ t: 'done', outcome })
} catch (err) {
  port.postMessage({ t: 'error', message: err instanceof Error ? err.message : String(err) })
}
