import { strFromU8, unzipSync } from 'fflate'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildDiagnostics, redact, redactLarge } from '../../../src/main/diagnostics'
import { DEFAULT_SETTINGS } from '../../../src/shared/settings'
import type { HealthReport } from '../../../src/shared/health'
import { tempDir } from '../../support/processes'

const health: HealthReport = {
  workers: [],
  host: { mode: 'headless', pid: 1, version: '1.0.0', uptimeMs: 1, rssBytes: 1, cpuPercent: 0, eventLoopDelayMs: 0, dataDir: '/x' },
  crashes: [],
  exchanges: []
}

describe('diagnostics', () => {
  const dirs: { remove(): void }[] = []
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

  it('redacts known secrets and the usual shapes of tokens and keys, leaving the rest', () => {
    const text = [
      'GET /?token=abc123XYZ&x=1',
      'Authorization: Bearer eyJhbGciOi.J9.xyz',
      '{"apiKey":"AKIAXXXX","secret": "s3cr3t", "password":"pw12345"}',
      'key sk-abcdefghijklmnopqrstu9 used',
      'my-known-secret-value appears here',
      'BTC/USDT filled 0.5 at 64000'
    ].join('\n')
    const out = redact(text, ['my-known-secret-value'])
    for (const leaked of ['abc123XYZ', 'eyJhbGciOi', 'AKIAXXXX', 's3cr3t', 'pw12345', 'sk-abcdefghijklmnopqrstu9', 'my-known-secret-value']) expect(out).not.toContain(leaked)
    expect(out).toContain('BTC/USDT filled 0.5 at 64000')
    expect(out).toContain('x=1')
  })

  it('chunked redaction of a large log equals redacting it whole, secrets on chunk edges included', async () => {
    const lines: string[] = []
    for (let i = 0; i < 6000; i++) lines.push(i % 997 === 0 ? `req ${i} token=tok${i}SECRETVALUE and my-known-secret-value` : `line ${i} ${'x'.repeat(60)}`)
    const text = lines.join('\n')
    const chunked = await redactLarge(text, ['my-known-secret-value'])
    expect(chunked).toBe(redact(text, ['my-known-secret-value']))
    expect(chunked).not.toMatch(/SECRETVALUE|my-known-secret-value/)
    expect(chunked.length).toBeLessThan(text.length)
  })

  it('bounds the logs: current logs first, then archives, each tail-truncated, the rest listed as skipped', async () => {
    const dir = tempDir('keel-diag-')
    dirs.push(dir)
    mkdirSync(join(dir.path, 'logs'))
    const line = (tag: string, n: number): string => Array.from({ length: n }, (_, i) => `${tag} line ${i}`.padEnd(99, '.')).join('\n') + '\n'
    writeFileSync(join(dir.path, 'logs', 'main.log'), line('main', 3000)) // 300 KB
    writeFileSync(join(dir.path, 'logs', 'execution.log'), line('exec', 100)) // 10 KB
    writeFileSync(join(dir.path, 'logs', 'main.1.log'), line('main1', 2000)) // 200 KB
    writeFileSync(join(dir.path, 'logs', 'main.2.log'), line('main2', 2000))
    const { zip, files } = await buildDiagnostics({ dataDir: dir.path, health, versions: { keel: '1.0.0' }, settings: DEFAULT_SETTINGS, secrets: [], logLimits: { perFile: 200_000, total: 300_000 } })
    const unzipped = unzipSync(zip)
    expect(Object.keys(unzipped).sort()).toEqual([...files].sort())
    const main = strFromU8(unzipped['logs/main.log']!)
    expect(main.startsWith('[… 100000 earlier bytes left out]')).toBe(true)
    expect(main).toContain('main line 2999') // the newest lines are kept
    expect(main).not.toContain('main line 0.')
    expect(strFromU8(unzipped['logs/execution.log']!)).toContain('exec line 99')
    // 300 KB budget: 200 KB main + 10 KB execution leaves ~90 KB for main.1; main.2 is skipped.
    expect(unzipped['logs/main.1.log']!.length).toBeLessThan(100_000)
    expect(unzipped['logs/main.2.log']).toBeUndefined()
    expect(strFromU8(unzipped['logs/SKIPPED.txt']!)).toContain('main.2.log')
  })
})
