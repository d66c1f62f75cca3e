import { describe, expect, it } from 'vitest'
import { useUiSession } from './ui-session'

describe('Backtest panel (keel serve + Chromium)', () => {
  const session = useUiSession()

  it('runs a backtest on the demo history with progress, then shows its metrics and curves', async () => {
    const { page } = session
    await page.getByRole('tab', { name: 'Backtest' }).click()
    const form = page.getByRole('form', { name: 'New backtest' })
    await form.getByLabel('Data').fill('demo:BTC/USDT:1h')
    await form.getByLabel('Params').fill('fast=10, slow=30, amount=0.01')
    await form.getByLabel('Warm-up').fill('30')
    await form.getByRole('button', { name: 'Run backtest' }).click()
    const metrics = page.getByRole('table', { name: 'Metrics' })
    await metrics.waitFor({ timeout: 60_000 })
    await expect(metrics.getByRole('row', { name: /Total return/ }).textContent()).resolves.toMatch(/%/)
    expect(await page.getByRole('img', { name: 'Equity curve' }).count()).toBe(1)
    expect(await page.getByRole('table', { name: 'Stored backtests' }).getByRole('row').count()).toBe(2)
    await page.screenshot({ path: 'test-results/backtest-panel.png' })
  }, 120_000)

  it('a bad request shows the reason', async () => {
    const { page } = session
    const form = page.getByRole('form', { name: 'New backtest' })
    await form.getByLabel('Params').fill('speed=3')
    await form.getByRole('button', { name: 'Run backtest' }).click()
    await expect(page.getByRole('alert').first().textContent({ timeout: 30_000 })).resolves.toMatch(/unknown param "speed"/)
  }, 60_000)
})
