import { z } from 'zod'
import { WORKER_ENV } from '../src/shared/worker-protocol'
import './runtime/worker'

/**
 * A warm standby: a Node process that has already booted and loaded the worker runtime, waiting
 * to become whichever worker dies next. Turning it into a worker is one message and one
 * require() of a mostly cached bundle, so a crashed worker is back faster than a bare fork
 * could even start. The spawner forks a fresh standby right after one is used.
 */
const Become = z.object({ t: z.literal('become'), entry: z.string().min(1), env: z.record(z.string(), z.string()) })

function onMessage(raw: unknown): void {
  const parsed = Become.safeParse(raw)
  if (!parsed.success) return
  process.off('message', onMessage)
  Object.assign(process.env, parsed.data.env)
  if (!process.env[WORKER_ENV.name]) process.exit(64)
  // A runtime path chosen by the host: only require() can load it synchronously here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(parsed.data.entry)
}

process.on('message', onMessage)
process.once('disconnect', () => process.exit(0))
