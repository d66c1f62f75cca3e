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

/**
 * Packages the future worker needs and that are slow to load (ccxt: hundreds of ms), named by
 * the host (WorkerSpec.preload). Loaded before the first message is read, so a `become` that
 * arrives meanwhile simply waits for them. A package that fails here fails again, visibly, in
 * the worker itself.
 */
function preload(list: string | undefined): void {
  for (const name of (list ?? '').split(',').filter(Boolean)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(name)
    } catch {
      // reported by the worker that imports it
    }
  }
}

preload(process.env[WORKER_ENV.standbyPreload])
process.on('message', onMessage)
// Tells the spawner this reserve is fully loaded (benches wait for it; the spawner uses it either way).
process.send?.({ t: 'warm' })
process.once('disconnect', () => process.exit(0))
