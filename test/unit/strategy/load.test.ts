import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { StrategyLoadError, loadStrategyFile, loadStrategySource } from '../../../src/core/strategy/load'
import { resolveParams } from '../../../src/core/strategy/params'
import { KeelError } from '../../../src/shared/errors'

const dir = mkdtempSync(join(tmpdir(), 'keel-strategy-load-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function loadError(text: string, name = 'bad.ts'): StrategyLoadError {
  try {
    loadStrategySource(text, join(dir, name))
  } catch (err) {
    if (err instanceof StrategyLoadError) return err
    throw err
  }
  throw new Error('expected the strategy to fail to load')
}

describe('loadStrategyFile', () => {
  it('loads a TypeScript strategy that imports keel/strategy', () => {
    const file = join(dir, 'good.ts')
    writeFileSync(
      file,
      `import { defineStrategy, type StrategyContext } from 'keel/strategy'
       const n: number = 3
       export default defineStrategy({ name: 'Good', params: { n: { type: 'int', default: n, min: 1 } }, onCandle(_ctx: StrategyContext) {} })`
    )
    const loaded = loadStrategyFile(file)
    expect(loaded.definition.name).toBe('Good')
    expect(loaded.definition.params?.n).toMatchObject({ type: 'int', default: 3 })
    expect(loaded.source.file).toBe(file)
    expect(loaded.source.hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('accepts a plain CommonJS object', () => {
    const loaded = loadStrategySource(`module.exports = { name: 'Plain', onTick() {} }`, join(dir, 'plain.js'))
    expect(loaded.definition.name).toBe('Plain')
  })

  it('points a syntax error at file:line:column', () => {
    const err = loadError(`export default {\n  name: 'x',\n  onCandle() { const a = ; }\n}`)
    expect(err.stage).toBe('compile')
    // "  onCandle() { const a = ; }": the ';' is the 26th character of line 3
    expect(err.location).toEqual({ file: join(dir, 'bad.ts'), line: 3, column: 26 })
    expect(err.message).toContain(`${join(dir, 'bad.ts')}:3:26`)
  })

  it('maps an error thrown at load to the line in the TypeScript source', () => {
    // The type-only lines vanish in the transpiled output, so its line numbers differ.
    const text = [
      `interface Unused {`,
      `  a: number`,
      `  b: string`,
      `}`,
      `type Alias = Unused`,
      `const boom = (): never => { throw new TypeError('no good') }`,
      `boom()`,
      `export default { name: 'x', onCandle() {} }`
    ].join('\n')
    const err = loadError(text)
    expect(err.stage).toBe('load')
    expect(err.detail).toContain('TypeError: no good')
    expect(err.location).toMatchObject({ line: 6 })
    expect(err.userStack).toContain(`${join(dir, 'bad.ts')}:6:`)
  })

  it('refuses any import but keel/strategy', () => {
    const err = loadError(`import fs from 'node:fs'\nexport default { name: 'x', onCandle() { fs.readFileSync('/etc/passwd') } }`)
    expect(err.stage).toBe('load')
    expect(err.message).toMatch(/may import only 'keel\/strategy' \(not 'node:fs'\)/)
    expect(err.location?.line).toBe(1)
  })

  it('names every problem of an invalid export', () => {
    const err = loadError(`export default { name: '', timeframe: '2m', warmup: -1, onCandle: 5, params: { 'bad name': { type: 'int', default: 1.5 }, e: { type: 'enum', default: 'z', options: ['a'] } } }`)
    expect(err.stage).toBe('validate')
    for (const part of ['name must be', 'timeframe must be one of', 'warmup must be', 'onCandle must be a function', 'param name "bad name"', 'must be a whole number', 'must be one of a']) {
      expect(err.message).toContain(part)
    }
  })

  it('refuses a module that exports nothing', () => {
    expect(loadError(`const x = 1`).message).toMatch(/expected `export default defineStrategy/)
  })

  it('reports a missing file as a read error', () => {
    expect(() => loadStrategyFile(join(dir, 'missing.ts'))).toThrow(/cannot read/)
  })
})

describe('resolveParams', () => {
  const specs = {
    period: { type: 'int', default: 14, min: 2, max: 50 },
    level: { type: 'float', default: 0.5, min: 0, max: 1 },
    short: { type: 'bool', default: false },
    mode: { type: 'enum', default: 'fast', options: ['fast', 'slow'] }
  } as const

  it('fills defaults and keeps given values', () => {
    expect(resolveParams(specs, { period: 20, mode: 'slow' })).toEqual({ period: 20, level: 0.5, short: false, mode: 'slow' })
  })

  it('names every bad value in one 4xx error', () => {
    let error: unknown
    try {
      resolveParams(specs, { period: 2.5, level: 2, short: 'yes', mode: 'medium', typo: 1 })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(KeelError)
    expect((error as KeelError).code).toBe('bad_request')
    const message = (error as KeelError).message
    for (const part of ['unknown param "typo"', 'period must be a whole number', 'level must be at most 1', 'short must be true or false', 'mode must be one of fast, slow']) {
      expect(message).toContain(part)
    }
  })

  it('checks min on ints and refuses non-finite numbers', () => {
    expect(() => resolveParams(specs, { period: 1 })).toThrow(/period must be at least 2/)
    expect(() => resolveParams(specs, { level: Number.NaN })).toThrow(/level must be a finite number/)
  })
})
