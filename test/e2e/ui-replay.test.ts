import { describe, expect, it } from 'vitest'
import { Fill } from '../../src/shared/trading'
import { ok, waitTradable } from '../integration/trading/helpers'
import { useUiSession } from './ui-session'

describe('Paper vs backtest in the Backtest tab (keel serve + Chromium)', () => {
  const session = useUiSession()

  it('replays the recorded session: the same fills as the journal, and each order over candles with its reasons', async () => {
    const { page, serve } = session
    await waitTradable(serve, ['BTC/USDT'])
    await ok(serve, 'resetAccount', { account: 'ui-replay', balances: { USDT: 10_000 } })
    for (const amount of [0.001, 0.002]) await ok(serve, 'placeOrder', { account: 'ui-replay', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount })
    const fills = (await ok<{ fills: unknown[] }>(serve, 'listFills', { account: 'ui-replay', limit: 1000 })).fills.map((f) => Fill.parse(f))
    expect(fills.length).toBeGreaterThanOrEqual(2)

    await page.getByRole('tab', { name: 'Backtest' }).click()
    const form = page.getByRole('form', { name: 'Compare a recorded session' })
    await form.getByLabel('Session').focus()
    await form.getByLabel('Account').fill('ui-replay')
    await form.getByRole('button', { name: 'Replay and compare' }).click()
    const faithful = page.getByLabel('Faithful replay')
    await faithful.waitFor({ timeout: 60_000 })
    expect(await faithful.textContent()).toContain(`journal ${fills.length}, identical ${fills.length}, 0 differences`)
    const table = page.getByRole('table', { name: 'Tick vs candle fills ui-replay BTC/USDT' })
    // A header row and one row per order placed.
    expect(await table.getByRole('row').count()).toBe(3)
    await page.getByRole('region', { name: 'Paper vs backtest' }).screenshot({ path: 'test-results/replay-section.png' })
  }, 120_000)
})
