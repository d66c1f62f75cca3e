import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The worker contracts are types derived from src/shared/api.ts, so the proof is the compiler's:
 * tsc over fixtures (test/fixtures/worker-contracts) that each break the contract in one way,
 * beside one that keeps it and must compile cleanly.
 */
const root = resolve(__dirname, '../../..')
const tsc = resolve(root, 'node_modules/typescript/bin/tsc')

interface Diagnostic {
  file: string
  code: string
  text: string
}

function typecheckFixtures(): Diagnostic[] {
  const run = spawnSync(process.execPath, [tsc, '-p', 'test/fixtures/worker-contracts/tsconfig.json', '--noEmit', '--pretty', 'false'], {
    cwd: root,
    encoding: 'utf8'
  })
  const out = `${run.stdout}${run.stderr}`
  const diagnostics: Diagnostic[] = []
  // `file(line,col): error TS1234: message`, then indented continuation lines of the same message.
  for (const line of out.split('\n')) {
    const head = /^test\/fixtures\/worker-contracts\/([\w-]+)\.ts\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line)
    if (head) diagnostics.push({ file: head[1], code: head[2], text: head[3] })
    else if (line.startsWith(' ') && diagnostics.length) diagnostics[diagnostics.length - 1].text += `\n${line.trim()}`
    else if (line.trim()) throw new Error(`unexpected tsc output: ${line}`)
  }
  return diagnostics
}

describe('typed worker contracts (derived from api.ts)', () => {
  const diagnostics = typecheckFixtures()
  const of = (file: string) => diagnostics.filter((d) => d.file === file)

  it('compile a worker that implements every method it owns with the api types', () => {
    expect(of('conforming')).toEqual([])
  })

  it('refuse a worker that leaves one of its methods without a handler', () => {
    expect(of('missing-handler')).toHaveLength(1)
    expect(of('missing-handler')[0].text).toMatch(/Property 'cancelAll' is missing/)
  })

  it('refuse a handler that reads params its method does not have, or answers the wrong shape', () => {
    const texts = of('wrong-types').map((d) => d.text)
    expect(texts.some((t) => /Property 'wallet' does not exist on type '\{ account: string; \}'/.test(t))).toBe(true)
    expect(texts.some((t) => /returned by 'positions\(\.\.\.\)'[\s\S]*Type 'string' is not assignable/.test(t))).toBe(true)
  })

  it('refuse a handler for a method another worker owns', () => {
    expect(of('foreign-method')).toHaveLength(1)
    expect(of('foreign-method')[0].text).toMatch(/Types of property 'candles' are incompatible/)
  })

  it('refuse an event the worker does not own', () => {
    expect(of('foreign-event')).toEqual([
      { file: 'foreign-event', code: 'TS2345', text: `Argument of type '"ticker"' is not assignable to parameter of type 'never'.` }
    ])
  })
}, 120_000)
