import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SweepResult, WalkForwardReport } from '../../../src/shared/backtest'
import { assertBuilt, CLI } from '../../support/processes'

// The built `keel backtest` started the way an installed app is: from a folder outside the repo,
// where neither tsx nor the TypeScript sources can be found. Its sweep and walk-forward threads
// must start from the built bundles (out/main/worker-backtest-sweep.js), whichever chunk the
// thread-pool code landed in.
function keel(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'keel-cli-installed-'))
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  const run = spawnSync(process.execPath, [CLI, 'backtest', ...args, '--data-dir', cwd], { cwd, env, encoding: 'utf8', timeout: 120_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('keel backtest as installed', () => {
  const data = ['--strategy', 'sma-cross', '--data', 'demo:BTC/USDT:1h', '--warmup', '30', '--json']

  it('a sweep runs on the built sweep threads', () => {
    assertBuilt()
    const run = keel([...data, '--sweep', 'fast=3,5', '--sweep', 'slow=20'])
    expect(run.stderr).not.toMatch(/tsx|Cannot find/)
    expect(run.status).toBe(0)
    const result = SweepResult.parse(JSON.parse(run.stdout))
    expect(result.points.map((p) => [p.params.fast, p.params.slow, p.metrics !== null])).toEqual([
      [3, 20, true],
      [5, 20, true]
    ])
  }, 180_000)

  it('a walk-forward too', () => {
    const run = keel([...data, '--sweep', 'fast=3,5', '--sweep', 'slow=20', '--walk-forward', 'rolling:400:200'])
    expect(run.stderr).not.toMatch(/tsx|Cannot find/)
    expect(run.status).toBe(0)
    expect(WalkForwardReport.parse(JSON.parse(run.stdout)).windows.length).toBeGreaterThan(0)
  }, 180_000)
})
