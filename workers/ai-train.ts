import { z } from 'zod'
import { TrainModelParams } from '../src/shared/ai'
import { Candle } from '../src/shared/market-data'
import { runTraining } from '../src/core/ai/training'

/**
 * The training process: CPU-bound work off the AI worker's event loop, so its heartbeat keeps
 * beating through a long fit, and in a process of its own rather than a worker_thread because
 * V8 keeps a thread's heap pages in the process after the thread ends — a child gives every
 * byte of a training's peak back to the system when it exits. Input and output cross a process
 * boundary: checked here (and by the AI worker).
 */
const Input = z.object({ candles: z.array(Candle), request: TrainModelParams })

const send = process.send?.bind(process)
if (!send) throw new Error('ai-train runs as a child process of the AI worker (with an IPC channel)')
// The AI worker is gone (killed, restarted): its training goes with it; the new worker resumes
// the run. The fit is synchronous, so besides the channel closing, each progress step checks
// that the parent is still the one that started it (an orphan is adopted by another process).
const parent = process.ppid
process.on('disconnect', () => process.exit(0))
process.once('message', (raw: unknown) => {
  try {
    const { candles, request } = Input.parse(raw)
    let last = -1
    const outcome = runTraining(candles, request, (fraction, phase) => {
      if (process.ppid !== parent) process.exit(0)
      // At most a hundred progress messages per run.
      const step = Math.floor(fraction * 100)
      if (step === last) return
      last = step
      send({ t: 'progress', fraction, phase })
    })
    send({ t: 'done', outcome }, undefined, undefined, () => process.exit(0))
  } catch (err) {
    send({ t: 'error', message: err instanceof Error ? err.message : String(err) }, undefined, undefined, () => process.exit(1))
  }
})
