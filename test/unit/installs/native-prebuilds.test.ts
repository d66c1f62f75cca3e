import { readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { load } from 'js-yaml'
import { minimatch } from 'minimatch'
import { describe, expect, it } from 'vitest'

// The per-platform `files` patterns of electron-builder.yml, matched (with minimatch, which
// electron-builder uses) against the prebuilds better-sqlite3 really ships: each platform and
// architecture keeps exactly its own. The Linux case is also packaged for real in
// test/integration/installs/package.test.ts.
const ROOT = resolve(__dirname, '../../..')
const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, { files?: string[] }>
const prebuilds = readdirSync(join(ROOT, 'node_modules/better-sqlite3/prebuilds')).map((f) => `node_modules/better-sqlite3/prebuilds/${f}`)

function kept(platform: 'mac' | 'win' | 'linux', arch: string): string[] {
  const excludes = (config[platform]?.files ?? []).filter((p) => p.startsWith('!')).map((p) => p.slice(1).replaceAll('${arch}', arch))
  return prebuilds.filter((file) => !excludes.some((pattern) => minimatch(file, pattern, { dot: true })))
    .map((f) => f.split('/').pop()!)
    .sort()
}

describe('only the target platform\'s better-sqlite3 prebuilds are packed', () => {
  it('the package ships all eight (so the patterns have something to choose from)', () => {
    expect(prebuilds).toHaveLength(8)
  })

  it.each([
    ['mac', 'x64', ['darwin-x64.node']],
    ['mac', 'arm64', ['darwin-arm64.node']],
    ['win', 'x64', ['win32-x64.node']],
    ['win', 'arm64', ['win32-arm64.node']],
    ['linux', 'x64', ['linux-x64.node', 'linuxmusl-x64.node']],
    ['linux', 'arm64', ['linux-arm64.node', 'linuxmusl-arm64.node']]
  ] as const)('%s %s keeps %j', (platform, arch, expected) => {
    expect(kept(platform, arch)).toEqual([...expected])
  })
})
