import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { load } from 'js-yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, tempDir } from '../../support/processes'

// Packages the real build with electron-builder (`--linux dir`) against a stand-in unpacked
// Electron (no Electron binary can be downloaded here), then looks inside app.asar.
const ROOT = resolve(__dirname, '../../..')
const BUILDER = join(ROOT, 'node_modules/electron-builder/cli.js')
const OFFLINE = join(ROOT, 'test/support/offline.cjs')
const ARCH = process.arch

interface AsarNode {
  files?: Record<string, AsarNode>
  unpacked?: boolean
  size?: number
}

/** Reads an asar archive's header (Chromium pickle: sizes, then a JSON tree) without @electron/asar. */
function asarEntries(file: string): Map<string, AsarNode> {
  const buf = readFileSync(file)
  const jsonLength = buf.readUInt32LE(12)
  const root = JSON.parse(buf.toString('utf8', 16, 16 + jsonLength)) as AsarNode
  const out = new Map<string, AsarNode>()
  const walk = (node: AsarNode, path: string): void => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      out.set(`${path}/${name}`, child)
      walk(child, `${path}/${name}`)
    }
  }
  walk(root, '')
  return out
}

function builder(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BUILDER, ...args, '--publish', 'never'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: `--require=${OFFLINE}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('exit', (code) => done({ code, output }))
  })
}

// Linux packaging runs on Linux (CI's macOS and Windows runners build their own installers in release.yml).
describe.runIf(process.platform === 'linux')('electron-builder --linux dir (fake electronDist)', () => {
  const work = tempDir('keel-package-')
  const out = join(work.path, 'dist')
  const unpacked = join(out, 'linux-unpacked')
  let entries: Map<string, AsarNode>

  beforeAll(async () => {
    assertBuilt()
    const electronDist = join(work.path, 'electron')
    mkdirSync(electronDist)
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n')
    chmodSync(join(electronDist, 'electron'), 0o755)
    writeFileSync(join(electronDist, 'version'), 'v45.4.1')
    const { code, output } = await builder(['--linux', 'dir', `--${ARCH}`, `-c.electronDist=${electronDist}`, `-c.directories.output=${out}`])
    expect(code, output).toBe(0)
    entries = asarEntries(join(unpacked, 'resources/app.asar'))
  }, 180_000)
  afterAll(() => work.remove())

  it('app.asar holds the main entry, every worker, the preload and the renderer', () => {
    for (const file of ['index', 'cli', 'worker-execution', 'worker-market', 'worker-ai', 'worker-strategy', 'worker-standby']) {
      expect(entries.has(`/out/main/${file}.js`), file).toBe(true)
    }
    expect(entries.has('/out/preload/index.js')).toBe(true)
    expect(entries.has('/out/renderer/index.html')).toBe(true)
    expect([...entries.keys()].some((p) => /^\/out\/renderer\/assets\/index-.*\.js$/.test(p))).toBe(true)
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).main).toBe('./out/main/index.js')
  })

  it('better-sqlite3: only this platform\'s prebuilds, unpacked beside the asar; no SQLite sources', () => {
    const prebuilds = [...entries.keys()].filter((p) => p.startsWith('/node_modules/better-sqlite3/prebuilds/')).sort()
    expect(prebuilds).toEqual([`/node_modules/better-sqlite3/prebuilds/linux-${ARCH}.node`, `/node_modules/better-sqlite3/prebuilds/linuxmusl-${ARCH}.node`])
    for (const p of prebuilds) {
      expect(entries.get(p)?.unpacked).toBe(true)
      expect(existsSync(join(unpacked, 'resources/app.asar.unpacked', p))).toBe(true)
    }
    const native = readdirSync(join(unpacked, 'resources/app.asar.unpacked/node_modules/better-sqlite3/prebuilds'))
    expect(native.sort()).toEqual([`linux-${ARCH}.node`, `linuxmusl-${ARCH}.node`])
    const junk = [...entries.keys()].filter((p) => /^\/node_modules\/better-sqlite3\/(deps|src|build)\b|binding\.gyp$/.test(p))
    expect(junk).toEqual([])
    // No other platform's native binary anywhere in the package.
    const foreign = [...entries.keys()].filter((p) => /\.node$/.test(p) && /(darwin|win32)-|-(darwin|win32)\b/.test(p))
    expect(foreign).toEqual([])
  })

  it('tray icons, the window icon and the update feed config sit in resources/', () => {
    const res = readdirSync(join(unpacked, 'resources'))
    for (const f of ['icon.png', 'tray-ok.png', 'tray-degraded.png', 'tray-failed.png', 'tray-okTemplate.png', 'tray-okTemplate@2x.png', 'tray-ok.ico']) {
      expect(res, f).toContain(f)
    }
    const feed = load(readFileSync(join(unpacked, 'resources/app-update.yml'), 'utf8')) as Record<string, unknown>
    expect(feed).toMatchObject({ provider: 'github', owner: 'keel-trading', repo: 'keel' })
  })

  it('the deb target passes electron-builder\'s checks (homepage, maintainer) up to fpm', async () => {
    // fpm itself would be downloaded; a stand-in records the arguments electron-builder passes.
    const fpm = join(work.path, 'fpm')
    const argsFile = join(work.path, 'fpm-args.json')
    writeFileSync(
      fpm,
      `#!${process.execPath}\nconst fs=require('fs');const a=process.argv.slice(2);fs.writeFileSync(${JSON.stringify(argsFile)},JSON.stringify(a));fs.writeFileSync(a[a.indexOf('--package')+1],'')\n`
    )
    chmodSync(fpm, 0o755)
    const { code, output } = await builder(['--linux', 'deb', `--${ARCH}`, '--prepackaged', unpacked, `-c.directories.output=${out}`], { CUSTOM_FPM_PATH: fpm })
    expect(code, output).toBe(0)
    const args = JSON.parse(readFileSync(argsFile, 'utf8')) as string[]
    const flag = (name: string): string | undefined => args[args.indexOf(name) + 1]
    expect(flag('-t')).toBe('deb')
    expect(flag('--maintainer')).toMatch(/^Keel contributors <[^@\s]+@[^@\s]+>$/)
    expect(flag('--url')).toBe('https://github.com/keel-trading/keel')
    expect(flag('--name')).toBe('keel')
    expect(args.filter((a, i) => args[i - 1] === '-d')).toContain('libnss3')
    expect(args.some((a) => a.endsWith('=/usr/share/icons/hicolor/512x512/apps/keel.png'))).toBe(true)
  }, 120_000)

  it('the whole config (mac, win, linux sections) passes electron-builder\'s schema; a wrong one does not', async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config')) as unknown as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>
    }
    const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>
    const logger = { isEnabled: false, add() {} }
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined()
    await expect(validateConfiguration({ ...config, nsis: { oneClik: false } }, logger)).rejects.toThrow(/configuration\.nsis/)
    expect(config).toMatchObject({ mac: { target: [{ target: 'dmg', arch: ['x64', 'arm64'] }, { target: 'zip', arch: ['x64', 'arm64'] }] }, win: { target: ['nsis'] }, linux: { target: ['AppImage', 'deb'] }, publish: { releaseType: 'release' } })
  })
})
