import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../support/processes'

const SCRIPT = resolve(__dirname, '../../../scripts/ensure-electron.js')
const OFFLINE = resolve(__dirname, '../../support/offline.cjs')

function run(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 })
  return { status: result.status, stderr: result.stderr }
}

/** A stand-in electron package whose install.js "downloads" by writing what electron's writes. */
function fakeElectron(dir: string, installerWorks: boolean): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }))
  const install = installerWorks
    ? `const fs=require('fs');fs.mkdirSync(__dirname+'/dist',{recursive:true});fs.writeFileSync(__dirname+'/dist/version','v45.4.1');fs.writeFileSync(__dirname+'/dist/electron','');fs.writeFileSync(__dirname+'/path.txt','electron');fs.appendFileSync(__dirname+'/runs','x')`
    : `console.error(new Error('getaddrinfo ENOTFOUND github.com').stack);process.exit(1)`
  writeFileSync(join(dir, 'install.js'), install)
}

describe('scripts/ensure-electron.js (prestart/predev)', () => {
  const dirs: { remove(): void }[] = []
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

  it('offline: one line says the binary could not be downloaded and suggests npm run serve, no stack trace', () => {
    // The real electron package of this repo, its real installer, with the network unavailable.
    const cache = tempDir('keel-electron-cache-')
    dirs.push(cache)
    const { status, stderr } = run({ NODE_OPTIONS: `--require=${OFFLINE}`, electron_config_cache: cache.path })
    expect(status).not.toBe(0)
    const failures = stderr.split('\n').filter((l) => /could not be downloaded/.test(l))
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatch(/Electron binary could not be downloaded/)
    expect(failures[0]).toContain('npm run serve')
    expect(stderr).not.toMatch(/^\s+at /m)
    expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
  })

  it('runs electron\'s installer when path.txt is missing, and not again once installed', () => {
    const dir = tempDir('keel-fake-electron-')
    dirs.push(dir)
    fakeElectron(dir.path, true)
    expect(run({ KEEL_ELECTRON_DIR: dir.path }).status).toBe(0)
    expect(existsSync(join(dir.path, 'path.txt'))).toBe(true)
    expect(run({ KEEL_ELECTRON_DIR: dir.path }).status).toBe(0)
    expect(readFileSync(join(dir.path, 'runs'), 'utf8')).toBe('x')
  })

  it('re-installs when the binary path.txt names is gone or the version differs', () => {
    const dir = tempDir('keel-fake-electron-')
    dirs.push(dir)
    fakeElectron(dir.path, true)
    mkdirSync(join(dir.path, 'dist'))
    writeFileSync(join(dir.path, 'path.txt'), 'electron')
    writeFileSync(join(dir.path, 'dist/version'), 'v44.0.0')
    writeFileSync(join(dir.path, 'dist/electron'), '')
    expect(run({ KEEL_ELECTRON_DIR: dir.path }).status).toBe(0)
    expect(existsSync(join(dir.path, 'runs'))).toBe(true)
  })

  it('an installer that fails reports its reason on the one line', () => {
    const dir = tempDir('keel-fake-electron-')
    dirs.push(dir)
    fakeElectron(dir.path, false)
    const { status, stderr } = run({ KEEL_ELECTRON_DIR: dir.path })
    expect(status).toBe(1)
    expect(stderr).toMatch(/could not be downloaded \(Error: getaddrinfo ENOTFOUND github.com\)/)
    expect(stderr).not.toMatch(/^\s+at /m)
  })
})
