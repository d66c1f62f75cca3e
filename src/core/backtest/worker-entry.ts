import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** A worker thread's entry file, and the execArgv it needs. */
export interface WorkerEntry {
  filename: string
  execArgv: string[]
}

/**
 * Where the worker thread `name` starts. Built, `worker-<name>.js` sits in out/main beside the
 * bundles, and `here` (the caller's __dirname) is out/main, or out/main/chunks when the calling
 * code was split into a chunk that several bundles share. From source (tests, tsx) it is
 * workers/<name>.ts, run through tsx. Neither found is an error naming what is missing: never
 * a fallback to a TypeScript file that a packaged app does not ship.
 */
export function workerThreadEntry(name: string, here: string): WorkerEntry {
  for (const dir of [here, dirname(here)]) {
    const built = join(dir, `worker-${name}.js`)
    if (existsSync(built)) return { filename: built, execArgv: [] }
  }
  const source = resolve(here, '../../../workers', `${name}.ts`)
  if (existsSync(source)) return { filename: source, execArgv: ['--import', 'tsx'] }
  throw new Error(`the worker thread entry worker-${name}.js is not in ${here} or ${dirname(here)}`)
}
