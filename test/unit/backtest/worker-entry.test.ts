import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { workerThreadEntry } from '../../../src/core/backtest/worker-entry'

// Built, electron-vite puts shared code in out/main/chunks, so the caller's __dirname may be
// out/main or out/main/chunks; the worker bundles sit in out/main. A file layout on disk.
describe('worker thread entries', () => {
  const root = mkdtempSync(join(tmpdir(), 'keel-entry-'))
  const main = join(root, 'out', 'main')
  mkdirSync(join(main, 'chunks'), { recursive: true })
  writeFileSync(join(main, 'worker-backtest-sweep.js'), '')

  it('built: found beside the caller, or one folder up from a chunk; no tsx', () => {
    expect(workerThreadEntry('backtest-sweep', main)).toEqual({ filename: join(main, 'worker-backtest-sweep.js'), execArgv: [] })
    expect(workerThreadEntry('backtest-sweep', join(main, 'chunks'))).toEqual({ filename: join(main, 'worker-backtest-sweep.js'), execArgv: [] })
  })

  it('from source: workers/<name>.ts through tsx; neither is an error naming both folders', () => {
    const src = join(root, 'src', 'core', 'backtest')
    mkdirSync(src, { recursive: true })
    mkdirSync(join(root, 'workers'))
    writeFileSync(join(root, 'workers', 'backtest-run.ts'), '')
    expect(workerThreadEntry('backtest-run', src)).toEqual({ filename: join(root, 'workers', 'backtest-run.ts'), execArgv: ['--import', 'tsx'] })
    expect(() => workerThreadEntry('backtest-other', join(main, 'chunks'))).toThrow(`the worker thread entry worker-backtest-other.js is not in ${join(main, 'chunks')} or ${main}`)
  })
})
