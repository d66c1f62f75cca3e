import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/processes'

// The real desktop app (Electron, utilityProcess workers, IPC bridge, tray) under Playwright.
// Needs the Electron binary: runs in .github/workflows/ci.yml, excluded from `npm test`.
const ROOT = resolve(__dirname, '../..')
const WORKERS = ['execution', 'market', 'ai', 'strategy']

/** Signal 0 checks a pid exists on every OS (support/processes' isAlive reads Linux's /proc). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('Keel desktop app', () => {
  const data = tempDir('keel-electron-')
  let app: ElectronApplication
  let page: Page

  beforeAll(async () => {
    // require('electron') from Node is the path of the binary electron's installer fetched.
    const executablePath = (await import('electron')).default as unknown as string
    app = await electron.launch({
      executablePath,
      args: [resolve(ROOT, 'out/main/index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      cwd: ROOT,
      env: { ...process.env, KEEL_DATA_DIR: data.path }
    })
    page = await app.firstWindow()
  })
  afterAll(async () => {
    await app?.close()
    data.remove()
  })

  it('opens a window whose health panel shows four running workers', async () => {
    const panel = page.getByRole('region', { name: 'System health' })
    for (const name of WORKERS) {
      await expect.poll(() => panel.getByRole('row', { name: `${name} worker` }).getAttribute('data-state'), { timeout: 60_000 }).toBe('running')
    }
    expect(await page.title()).toContain('Keel')
  })

  it('brings back a worker killed by hand', async () => {
    const row = page.getByRole('row', { name: 'market worker' })
    const pid = Number(await row.getByRole('cell').nth(1).textContent())
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
    await expect.poll(() => row.locator('[data-col="restarts"]').textContent(), { timeout: 30_000 }).toBe('1')
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('running')
    const newPid = Number(await row.getByRole('cell').nth(1).textContent())
    expect(newPid).not.toBe(pid)
    expect(isAlive(newPid)).toBe(true)
  })

  it('closing the window leaves Keel running in the tray, and it shows again', async () => {
    // BrowserWindow.close() is what the title bar's close button does (it emits 'close').
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close())
    const mainPid = app.process().pid!
    await expect
      .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible())), { timeout: 10_000 })
      .toEqual([false])
    expect(isAlive(mainPid)).toBe(true)
    expect(await app.evaluate(({ app: a }) => a.isReady())).toBe(true)
    // What the tray's "Show Keel" does; the workers kept running meanwhile.
    await app.evaluate(({ app: a }) => a.emit('activate'))
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().some((w) => w.isVisible())), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => page.getByRole('row', { name: 'execution worker' }).getAttribute('data-state')).toBe('running')
  })
})
