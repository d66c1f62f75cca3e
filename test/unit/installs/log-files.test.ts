import log from 'electron-log/node'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { applyLogPolicy, logPolicyEnv, logPolicyFromEnv } from '../../../src/core/util/log-files'
import { tempDir } from '../../support/processes'

// A real electron-log file transport writing real files: rotation by size and count, JSON lines.
describe('log policy (every process)', () => {
  const dirs: { remove(): void }[] = []
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

  function logger(format: 'text' | 'json', maxSizeBytes: number, maxFiles: number) {
    const dir = tempDir('keel-log-')
    dirs.push(dir)
    const l = log.create({ logId: `t-${Math.random()}` })
    l.transports.console.level = false
    l.transports.file.resolvePathFn = () => join(dir.path, 'w.log')
    applyLogPolicy(l.transports.file, { format, maxSizeBytes, maxFiles }, 'w')
    return { l, dir: dir.path }
  }

  it('rotates past maxSize and keeps maxFiles archives, newest as .1', () => {
    const { l, dir } = logger('text', 64 * 1024, 3)
    const line = 'x'.repeat(1000)
    for (let i = 0; i < 400; i++) l.info(`${i} ${line}`) // ~400 KB: 6 rotations
    const files = readdirSync(dir).sort()
    expect(files).toEqual(['w.1.log', 'w.2.log', 'w.3.log', 'w.log'])
    for (const f of files) expect(readFileSync(join(dir, f)).length).toBeLessThan(64 * 1024 + 2048)
    // Order: .1 holds later lines than .2; the current file the latest.
    const firstOf = (f: string): number => Number(/\]\s+(\d+) x/.exec(readFileSync(join(dir, f), 'utf8'))![1])
    expect(firstOf('w.log')).toBeGreaterThan(firstOf('w.1.log'))
    expect(firstOf('w.1.log')).toBeGreaterThan(firstOf('w.2.log'))
    expect(readFileSync(join(dir, 'w.log'), 'utf8')).toContain('399 x')
  })

  it('json: one parseable object per line with time, level, source and message', () => {
    const { l, dir } = logger('json', 1 << 20, 2)
    l.warn('feed stale', { symbol: 'BTC/USDT' })
    l.error(new Error('boom'))
    const lines = readFileSync(join(dir, 'w.log'), 'utf8').trim().split('\n')
    const [a, b] = lines.map((x) => JSON.parse(x) as Record<string, string>)
    expect(a).toMatchObject({ level: 'warn', source: 'w', msg: 'feed stale {"symbol":"BTC/USDT"}' })
    expect(Number.isNaN(Date.parse(a!.time!))).toBe(false)
    expect(b!.msg).toContain('Error: boom')
    expect(existsSync(join(dir, 'w.1.log'))).toBe(false)
  })

  it('the policy travels to workers through the environment; garbage falls back to defaults', () => {
    const policy = { format: 'json' as const, maxSizeBytes: 5 << 20, maxFiles: 7 }
    expect(logPolicyFromEnv(logPolicyEnv(policy))).toEqual(policy)
    expect(logPolicyFromEnv({ KEEL_LOG_FORMAT: 'xml', KEEL_LOG_MAX_BYTES: '-1' })).toEqual({ format: 'text', maxSizeBytes: 10 << 20, maxFiles: 5 })
  })
})
