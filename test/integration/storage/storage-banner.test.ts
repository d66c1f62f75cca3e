import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBrowser } from '../../support/browser'
import { waitFor } from '../../support/processes'
import { clientOrderIds, placeResting, tradingStorage } from './helpers'
import { servePerTest } from '../trading/helpers'

// The trader sees a damaged trading.db in the window (real Chromium on a real `keel serve`),
// not a fresh account: a blocking banner with the file and the cause, and a restore button
// that brings the account back.

const server = servePerTest('keel-storage-ui-')

describe('storage banner', () => {
  it('blocks the window on a deleted trading.db and restores the account from it', async () => {
    let s = await server.start(['BTC/USDT'])
    const placed = await placeResting(s, 'ui-', 5)
    await server.stop('clean')
    for (const f of ['trading.db', 'trading.db-wal', 'trading.db-shm']) rmSync(join(server.dataDir, f), { force: true })
    s = await server.start()

    const browser = await openBrowser()
    try {
      const { page } = browser
      await page.goto(s.url)
      const banner = page.getByTestId('storage-banner')
      await banner.waitFor({ state: 'visible', timeout: 20_000 })
      const text = await banner.innerText()
      expect(text).toContain('Trading is stopped')
      expect(text).toContain('trading.db')
      expect(text).toMatch(/does not exist/)
      await page.screenshot({ path: join(tmpdir(), 'keel-storage-banner.png') })

      await page.getByRole('button', { name: 'Restore newest backup' }).click()
      await page.getByTestId('storage-outcome').waitFor({ state: 'visible', timeout: 20_000 })
      expect(await page.getByTestId('storage-outcome').innerText()).toContain('nothing acknowledged was lost')
      await banner.waitFor({ state: 'detached', timeout: 10_000 })
    } finally {
      await browser.close()
    }
    await waitFor('storage ok', async () => (await tradingStorage(s)).state === 'ok')
    const ids = await clientOrderIds(s)
    expect(placed.filter((id) => !ids.has(id))).toEqual([])
  })
})
