import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { stopGently, useUiSession } from './ui-session'

// Screenshots of the main screens in both themes, with a realistic account behind them.
// KEEL_SCREENSHOTS=docs writes them to docs/screenshots (the user guide shows them); otherwise
// to test-results/screenshots, so a plain test run never touches the docs.
const OUT = process.env.KEEL_SCREENSHOTS === 'docs' ? 'docs/screenshots' : 'test-results/screenshots'
const session = useUiSession()
let page: Page
beforeAll(() => {
  mkdirSync(OUT, { recursive: true })
  page = session.page
})

const ticket = () => page.getByRole('form', { name: 'Order ticket' })
const bookPrice = (side: 'bid' | 'ask', n: number) => page.getByRole('table', { name: 'Order book BTC/USDT' }).getByRole('button', { name: new RegExp(`^Use ${side} price`) }).nth(n)
const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`) })

async function order(type: string, fill: Record<string, string>, side: 'buy' | 'sell' = 'buy'): Promise<void> {
  await ticket().getByRole('button', { name: side === 'buy' ? 'Buy' : 'Sell', exact: true }).click()
  await ticket().getByLabel('Order type').selectOption(type)
  for (const [label, value] of Object.entries(fill)) await ticket().getByLabel(label, { exact: true }).fill(value)
  await ticket().getByRole('button', { name: `Place ${side} order` }).click()
  await expect.poll(() => ticket().getByRole('alert').count()).toBe(0)
}

describe('screenshots', () => {
  it('trading screen, dark', async () => {
    await expect.poll(() => bookPrice('bid', 8).isVisible(), { timeout: 15_000 }).toBe(true)
    // A position (marketable limit), a resting bid, a stop-loss under the market.
    await bookPrice('ask', 0).click()
    const ask = Number(await ticket().getByLabel('Limit price').inputValue())
    await order('limit', { 'Limit price': (ask * 1.002).toFixed(2), Amount: '0.05' })
    await bookPrice('bid', 8).click()
    await order('limit', { Amount: '0.02' })
    await order('stop_market', { 'Trigger price': (ask * 0.995).toFixed(2), Amount: '0.02' }, 'sell')
    for (const name of ['Overlay BB 20,2', 'Pane RSI']) await page.getByRole('button', { name }).click()
    await page.getByRole('tab', { name: /Open orders/ }).click()
    await page.waitForTimeout(1_500)
    await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('[aria-label="Dismiss notification"]').forEach((b) => b.click()))
    await shot('trading-dark')
  })

  it('bracket ticket and positions, light', async () => {
    await page.getByRole('button', { name: 'Switch to light theme' }).click()
    await page.getByRole('button', { name: 'Pane MACD' }).click()
    await ticket().getByRole('button', { name: 'Buy', exact: true }).click()
    await ticket().getByLabel('Order type').selectOption('bracket')
    await bookPrice('bid', 2).click()
    const entry = Number(await ticket().getByLabel('Entry limit price (empty = market)').inputValue())
    await ticket().getByLabel('Stop-loss', { exact: true }).fill((entry * 0.99).toFixed(2))
    await ticket().getByLabel('Take-profit', { exact: true }).fill((entry * 1.02).toFixed(2))
    await ticket().getByLabel('Amount').fill('0.01')
    await page.getByRole('tab', { name: /Positions/ }).click()
    await page.waitForTimeout(1_000)
    await shot('trading-light')
  })

  it('confirmation dialog and ticket errors', async () => {
    await ticket().getByLabel('Amount').fill('0.5')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    await expect.poll(() => ticket().getByRole('alert').first().textContent()).toMatch(/Insufficient USDT/)
    await shot('ticket-error-light')
    await page.getByRole('button', { name: 'Switch to dark theme' }).click()
    await page.getByLabel('Confirmation threshold').fill('1000')
    await ticket().getByLabel('Amount').fill('0.05')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    await expect.poll(() => page.getByRole('dialog', { name: 'Confirm large order' }).isVisible()).toBe(true)
    await shot('confirm-dark')
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
  })

  it('a worker crash in the health panel and the log', async () => {
    const row = page.getByRole('row', { name: 'market worker' })
    process.kill(Number(await row.getByRole('cell').nth(1).textContent()), 'SIGKILL')
    await expect.poll(() => row.locator('[data-col="restarts"]').textContent(), { timeout: 15_000 }).toBe('1')
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('running')
    await page.getByRole('tab', { name: /Fills/ }).click()
    await page.waitForTimeout(500)
    await shot('health-crash-dark')
  })

  it('the compact layout at the minimum window, with the health tab', async () => {
    await page.setViewportSize({ width: 960, height: 600 })
    await page.getByRole('tab', { name: 'Health' }).click()
    await page.waitForTimeout(600)
    await shot('compact-960x600-dark')
    await page.getByRole('tab', { name: /Open orders/ }).click()
    await page.setViewportSize({ width: 1440, height: 900 })
  })

  it('a wrong token', async () => {
    const other = await page.context().newPage()
    await other.setViewportSize({ width: 1280, height: 720 })
    await other.goto(`${session.serve.origin}/?token=not-the-token`)
    await expect.poll(() => other.getByRole('heading', { name: /access token is missing or wrong/ }).isVisible(), { timeout: 10_000 }).toBe(true)
    await other.screenshot({ path: join(OUT, 'access-token-dark.png') })
    await other.getByLabel('Access token', { exact: true }).fill(session.serve.token) // the context shares the stored token
    await other.getByRole('button', { name: 'Use token' }).click()
    await expect.poll(() => other.getByRole('form', { name: 'Order ticket' }).isVisible(), { timeout: 15_000 }).toBe(true)
    await other.close()
  })

  it('the host stopped under a live page', async () => {
    await stopGently(session.serve, 10_000)
    await expect.poll(() => page.getByRole('alert', { name: 'Host disconnected' }).isVisible(), { timeout: 10_000 }).toBe(true)
    await page.waitForTimeout(300)
    await shot('host-stopped-dark')
  })
})
