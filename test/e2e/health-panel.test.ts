import { mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { useUiSession } from './ui-session'

// keel serve + Debian's Chromium: what a user sees in the browser.
const session = useUiSession()

describe('System health panel in Chromium', () => {
  it('shows every worker running, live', async () => {
    const { page } = session
    const panel = page.getByRole('region', { name: 'System health' })
    for (const name of ['execution', 'market', 'ai', 'strategy']) {
      await expect.poll(() => panel.getByRole('row', { name: `${name} worker` }).getAttribute('data-state'), { timeout: 15_000 }).toBe('running')
    }
    // The market worker's watchdogs: the demo feed is up and fresh.
    const demo = panel.getByRole('table', { name: 'Exchange feeds' }).getByRole('row', { name: 'demo feed' })
    await expect.poll(() => demo.getAttribute('data-status'), { timeout: 15_000 }).toBe('ok')
    // The token left the address bar once stored.
    expect(page.url()).not.toContain('token=')
    await expect.poll(() => panel.getByRole('button', { name: 'Restart market worker' }).isEnabled()).toBe(true)
  })

  it('sees a worker killed by hand come back, with the crash listed', async () => {
    const { page } = session
    const row = page.getByRole('row', { name: 'market worker' })
    const pid = Number(await row.getByRole('cell').nth(1).textContent())
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
    await expect.poll(() => row.locator('[data-col="restarts"]').textContent(), { timeout: 10_000 }).toBe('1')
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('running')
    await expect.poll(() => page.getByRole('list', { name: 'Recent crashes' }).textContent()).toContain('market')
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/health-panel.png', fullPage: true })
  })

  it('restarts a worker from its button', async () => {
    const { page } = session
    const row = page.getByRole('row', { name: 'ai worker' })
    const before = await row.getByRole('cell').nth(1).textContent()
    await page.getByRole('button', { name: 'Restart ai worker' }).click()
    await expect.poll(async () => (await row.getAttribute('data-state')) === 'running' && (await row.getByRole('cell').nth(1).textContent()) !== before, { timeout: 10_000 }).toBe(true)
  })
})
