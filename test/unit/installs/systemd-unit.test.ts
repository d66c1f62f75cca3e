import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { USAGE } from '../../../src/main/headless/cli-args'

// resources/keel.service parsed as systemd reads it: sections, keys, and an ExecStart whose
// flags `keel serve` knows.
function parseUnit(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  let section = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(\w+)\]$/.exec(line)
    if (header) {
      section = header[1]!
      out[section] ??= {}
      continue
    }
    const eq = line.indexOf('=')
    expect(eq, `not key=value: ${line}`).toBeGreaterThan(0)
    expect(section, `key outside a section: ${line}`).not.toBe('')
    out[section]![line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

describe('resources/keel.service', () => {
  const unit = parseUnit(readFileSync(resolve(__dirname, '../../../resources/keel.service'), 'utf8'))

  it('has the three sections and starts at login (user unit)', () => {
    expect(Object.keys(unit)).toEqual(['Unit', 'Service', 'Install'])
    expect(unit.Install!.WantedBy).toBe('default.target')
    expect(unit.Service!.Type).toBe('simple')
    expect(unit.Service!.Restart).toBe('on-failure')
  })

  it('runs keel serve on loopback with --token-file, never a token on the command line', () => {
    const exec = unit.Service!.ExecStart!
    expect(exec).toMatch(/\bkeel serve\b/)
    expect(exec).toContain('--token-file %h/.config/keel/token')
    expect(exec).not.toMatch(/--token\s/)
    expect(exec).toContain('--host 127.0.0.1')
    const flags = [...exec.matchAll(/\s(--[a-z-]+)/g)].map((m) => m[1]!)
    // --token-file comes with the host's CLI change; every other flag must be one keel serve has.
    for (const flag of flags.filter((f) => f !== '--token-file')) expect(USAGE, flag).toContain(flag)
  })

  it('stops gracefully: SIGTERM first, then the rest of the tree after a timeout', () => {
    expect(unit.Service).toMatchObject({ KillSignal: 'SIGTERM', KillMode: 'mixed', UMask: '0077' })
    expect(Number(unit.Service!.TimeoutStopSec)).toBeGreaterThanOrEqual(10)
  })
})
