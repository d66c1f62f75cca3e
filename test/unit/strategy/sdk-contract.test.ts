import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeStrategySdk } from '../../../src/core/strategy/sdk-files'

// sdk-dts.ts is generated from contract.ts for users' editors (scripts/sdk-dts.ts writes the
// imported shared types out in full): the TypeScript compiler checks that every type a strategy
// sees is the same in both (assignable both ways).

const TSC = resolve(__dirname, '../../../node_modules/typescript/bin/tsc')
const CONTRACT = resolve(__dirname, '../../../src/core/strategy/contract')
const dir = mkdtempSync(join(tmpdir(), 'keel-sdk-contract-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const NAMES = [
  'JsonValue',
  'StrategyCandle',
  'StrategyTicker',
  'ParamSpec',
  'ParamSpecs',
  'ParamValues',
  'StrategyLog',
  'StreamingIndicator',
  'StrategyIndicators',
  'SignalQuality',
  'StrategyModelSignal',
  'StrategySignals',
  'StrategyOrderRequest',
  'StrategyContext',
  'StrategyDefinition'
]

function check(names: string[]): { status: number | null; output: string } {
  const lines = [
    `import type * as C from ${JSON.stringify(CONTRACT)}`,
    `import type * as S from 'keel/strategy'`,
    'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false',
    ...names.map((n) => `export const ${n}_agrees: Same<C.${n}, S.${n}> = true`)
  ]
  writeFileSync(join(dir, 'agree.ts'), `${lines.join('\n')}\n`)
  const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' })
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

describe('keel/strategy declarations agree with contract.ts', () => {
  it('every strategy-facing type is the same in both', async () => {
    await writeStrategySdk(dir)
    const result = check(NAMES)
    expect(result.output).toBe('')
    expect(result.status).toBe(0)
  }, 60_000)

  it('a difference is caught', async () => {
    await writeStrategySdk(dir)
    const lines = [`import type * as C from ${JSON.stringify(CONTRACT)}`, 'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false', `export const differs: Same<C.StrategySignals, Omit<C.StrategySignals, 'models'>> = true`]
    writeFileSync(join(dir, 'agree.ts'), `${lines.join('\n')}\n`)
    const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' })
    expect(r.status).not.toBe(0)
  }, 60_000)
})
