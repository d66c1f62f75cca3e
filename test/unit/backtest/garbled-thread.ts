import { runThreadTask, type ThreadTask } from '../../../src/core/backtest/sweep-task'

// A sweep thread that answers some tasks wrongly, as a broken build or a thread whose memory
// went bad could: the coordinator must refuse the answer with the reason, never store it.
// Which answers are garbled: by the point's params, and by KEEL_GARBLE for describe and load.
export default async function garbledThread(task: ThreadTask): Promise<unknown> {
  const answer = (await runThreadTask(task)) as Record<string, unknown>
  const mode = process.env.KEEL_GARBLE
  if ('describe' in task) return mode === 'describe' ? { ...answer, ref: 5 } : answer
  if ('load' in task) {
    if (mode === 'load') return { ...answer, buffer: new ArrayBuffer(8) }
    if (mode === 'short-load') return { ...answer, buffer: new SharedArrayBuffer(48 * 10) }
    if (mode === 'window-load') return { ...answer, end: (answer.length as number) + 1 }
    return answer
  }
  if (mode === 'unknown-failure') return { failure: { code: 'exploded', message: 'no such code' } }
  const { fast, slow } = task.request.params
  if (fast === 3 && slow === 20) return { ...answer, metrics: { ...(answer.metrics as object), sharpe: Number.NaN } }
  if (fast === 6 && slow === 20) return { ...answer, index: task.index + 1 }
  if (fast === 9 && slow === 30) return 'done'
  return answer
}
