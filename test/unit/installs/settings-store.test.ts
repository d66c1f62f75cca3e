import { readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SettingsStore } from '../../../src/main/settings-store'
import { silentLogger } from '../../../src/main/logger'
import { DEFAULT_SETTINGS } from '../../../src/shared/settings'
import { KeelError } from '../../../src/shared/errors'
import { tempDir } from '../../support/processes'

describe('SettingsStore (real files)', () => {
  const dirs: { remove(): void }[] = []
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
  const dir = (): string => {
    const d = tempDir('keel-settings-')
    dirs.push(d)
    return d.path
  }

  it('an older file missing fields gets defaults for them and keeps its own values', () => {
    const d = dir()
    writeFileSync(join(d, 'settings.json'), JSON.stringify({ risk: { maxDailyLoss: 99 }, openAtLogin: true }))
    const s = new SettingsStore(d, silentLogger)
    expect(s.loadError).toBeNull()
    expect(s.current.risk).toEqual({ ...DEFAULT_SETTINGS.risk, maxDailyLoss: 99 })
    expect(s.current.openAtLogin).toBe(true)
    expect(s.current.llm).toEqual(DEFAULT_SETTINGS.llm)
  })

  for (const [what, content] of [
    ['truncated JSON', '{"risk": {"maxDai'],
    ['a value out of range', JSON.stringify({ risk: { maxOrderNotional: -1 } })],
    ['not an object', '[1,2]'],
    ['zero bytes (a crash mid-write elsewhere)', '']
  ] as const) {
    it(`a damaged file (${what}) is kept aside, defaults are used and the reason is reported`, () => {
      const d = dir()
      writeFileSync(join(d, 'settings.json'), content)
      const s = new SettingsStore(d, silentLogger)
      expect(s.current).toEqual(DEFAULT_SETTINGS)
      expect(s.loadError).toMatch(/settings\.json was unreadable/)
      const kept = readdirSync(d).find((f) => f.startsWith('settings.json.bad-'))!
      expect(readFileSync(join(d, kept), 'utf8')).toBe(content)
    })
  }

  it('update writes 0600 atomically and notifies; an invalid update throws bad_request and writes nothing', () => {
    const d = dir()
    const s = new SettingsStore(d, silentLogger)
    const seen: number[] = []
    s.onChange((next) => seen.push(next.risk.maxOpenOrders))
    s.update({ risk: { maxOpenOrders: 12 } })
    expect(seen).toEqual([12])
    if (process.platform !== 'win32') expect(statSync(join(d, 'settings.json')).mode & 0o777).toBe(0o600)
    const before = readFileSync(join(d, 'settings.json'), 'utf8')
    expect(() => s.update({ risk: { maxOpenOrders: 0 } })).toThrow(KeelError)
    expect(readFileSync(join(d, 'settings.json'), 'utf8')).toBe(before)
    expect(new SettingsStore(d, silentLogger).current.risk.maxOpenOrders).toBe(12)
  })

  it('a read-only data dir: the change is refused as unavailable with the cause, the old value stays', () => {
    // Root writes anywhere and Windows has no POSIX modes: the refusal cannot be provoked there.
    if (process.getuid?.() === 0 || process.platform === 'win32') return
    const d = dir()
    const s = new SettingsStore(d, silentLogger)
    chmodSync(d, 0o500)
    try {
      expect(() => s.update({ openAtLogin: true })).toThrow(/could not be saved/)
      expect(s.current.openAtLogin).toBe(false)
    } finally {
      chmodSync(d, 0o700)
    }
  })
})
