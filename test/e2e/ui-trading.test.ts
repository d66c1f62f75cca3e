import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useUiSession } from './ui-session'

// The trader's loop in Chromium against keel serve on the demo market: ticket → open orders →
// fill → position; cancel all; a killed worker healing in the health panel.
const session = useUiSession()
let page: Page
beforeAll(() => {
  page = session.page
})
const ticket = () => page.getByRole('form', { name: 'Order ticket' })
const book = () => page.getByRole('table', { name: 'Order book BTC/USDT' })
const tab = (name: string) => page.getByRole('tab', { name })

async function openTab(name: string): Promise<void> {
  await tab(name).click()
  await expect.poll(() => tab(name).getAttribute('aria-selected')).toBe('true')
}

describe('trading from the workstation', () => {
  it('shows the demo market live: watchlist, book and chart', async () => {
    const watchlist = page.getByRole('region', { name: 'Watchlist' })
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) {
      await expect.poll(() => watchlist.getByRole('row', { name: symbol }).locator('[data-col="last"]').textContent(), { timeout: 15_000 }).toMatch(/\d/)
    }
    await expect.poll(() => book().getByRole('button', { name: /^Use bid price/ }).count(), { timeout: 10_000 }).toBeGreaterThan(3)
    await expect.poll(() => page.getByRole('img', { name: 'BTC/USDT candlestick chart, 1m' }).isVisible()).toBe(true)
    await expect.poll(() => page.getByText('Loading candles…').count()).toBe(0)
  })

  it('switches timeframe and loads older candles when scrolled back', async () => {
    const candleRequests: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/api/candles')) candleRequests.push(r.postData() ?? '')
    })
    await page.getByRole('button', { name: 'Timeframe 5m' }).click()
    await expect.poll(() => page.getByRole('img', { name: 'BTC/USDT candlestick chart, 5m' }).count()).toBe(1)
    await expect.poll(() => candleRequests.some((body) => body.includes('"timeframe":"5m"'))).toBe(true)
    const chart = page.getByRole('group', { name: /BTC\/USDT 5m price chart/ })
    await chart.focus()
    for (let i = 0; i < 45; i++) await page.keyboard.press('ArrowLeft')
    await expect.poll(() => candleRequests.some((body) => body.includes('"before"')), { timeout: 10_000 }).toBe(true)
    await page.getByRole('button', { name: 'Scroll chart to latest' }).click()
    await page.getByRole('button', { name: 'Timeframe 1m' }).click()
  })

  it('puts an off-step amount on the market’s step and shows it before sending', async () => {
    await ticket().getByLabel('Limit price').fill('1000')
    await ticket().getByLabel('Amount').fill('0.012345')
    // BTC/USDT's amount step is 0.00001: the ticket sends the amount rounded down and says so.
    await expect.poll(() => ticket().getByLabel("Rounded to the market's ticks and steps").textContent()).toMatch(/amount 0\.012345 → 0\.01234\b/)
    await ticket().getByLabel('Amount').fill('0.000001')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    await expect.poll(() => ticket().getByRole('alert').first().textContent()).toMatch(/rounds to zero/)
  })

  it('places a resting limit order from a book click and lists it as open', async () => {
    // A deep bid: it rests. Its price comes from a click in the book.
    await book().getByRole('button', { name: /^Use bid price/ }).nth(3).click()
    const price = await ticket().getByLabel('Limit price').inputValue()
    expect(Number(price)).toBeGreaterThan(1000)
    await ticket().getByLabel('Amount').fill('0.002')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    await openTab('Open orders')
    const open = page.getByRole('table', { name: 'Open orders' })
    await expect.poll(() => open.getByRole('row', { name: /buy limit BTC\/USDT/ }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => open.locator('[data-col="status"]').first().textContent()).toMatch(/open|partially filled/)
    // Its locked funds show in the account panel.
    await expect.poll(async () => Number((await page.getByRole('row', { name: 'USDT balance' }).getByRole('cell').nth(1).textContent())?.replace(/,/g, '')), { timeout: 10_000 }).toBeGreaterThan(0)
  })

  it('fills a marketable limit order and shows the fill and the position', async () => {
    // Buy at a price above the best ask: it takes liquidity at once.
    await book().getByRole('button', { name: /^Use ask price/ }).last().click()
    const bestAsk = Number(await ticket().getByLabel('Limit price').inputValue())
    await ticket().getByLabel('Limit price').fill((bestAsk * 1.002).toFixed(2))
    await ticket().getByLabel('Amount').fill('0.01')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    await expect.poll(() => page.getByRole('status').filter({ hasText: /Bought 0.01000 BTC/ }).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await openTab('Fills')
    await expect.poll(() => page.getByRole('table', { name: 'Fills' }).getByRole('row', { name: /buy BTC\/USDT fill/ }).count()).toBeGreaterThan(0)
    await openTab('Positions')
    const position = page.getByRole('table', { name: 'Positions' }).getByRole('row', { name: 'BTC/USDT position' })
    await expect.poll(() => position.locator('[data-col="amount"]').textContent(), { timeout: 10_000 }).toMatch(/0\.01/)
    await expect.poll(() => page.getByRole('log', { name: 'Event log' }).textContent()).toMatch(/Bought 0.01000 BTC/)
  })

  it('cancels all open orders with Shift+X', async () => {
    await openTab('Open orders')
    const open = page.getByRole('table', { name: 'Open orders' })
    expect(await open.getByRole('row', { name: /BTC\/USDT/ }).count()).toBeGreaterThan(0)
    await page.locator('body').click({ position: { x: 5, y: 5 } }) // focus out of any input
    await page.keyboard.press('Shift+X')
    await expect.poll(() => open.getByText('No open orders.').count(), { timeout: 10_000 }).toBe(1)
    await openTab('Order history')
    await expect.poll(() => page.getByRole('table', { name: 'Order history' }).getByText('cancelled').count()).toBeGreaterThan(0)
  })

  it('asks for confirmation above the size threshold', async () => {
    await page.getByLabel('Confirmation threshold').fill('100')
    await book().getByRole('button', { name: /^Use bid price/ }).nth(5).click()
    await ticket().getByLabel('Amount').fill('0.01')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    const dialog = page.getByRole('dialog', { name: 'Confirm large order' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    await page.getByLabel('Confirmation threshold').fill('10000')
  })

  it('heals a killed execution worker: health panel, toast, and trading again', async () => {
    const row = page.getByRole('row', { name: 'execution worker' })
    const pid = Number(await row.getByRole('cell').nth(1).textContent())
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
    await expect.poll(() => page.getByRole('alert').filter({ hasText: /execution worker crashed/ }).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await expect.poll(() => row.locator('[data-col="restarts"]').textContent(), { timeout: 15_000 }).toBe('1')
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('running')
    // The account survived the crash: the position is still there, and a new order goes through.
    await openTab('Positions')
    await expect.poll(() => page.getByRole('row', { name: 'BTC/USDT position' }).count(), { timeout: 10_000 }).toBe(1)
    await book().getByRole('button', { name: /^Use bid price/ }).nth(4).click()
    await ticket().getByLabel('Amount').fill('0.002')
    await ticket().getByRole('button', { name: 'Place buy order' }).click()
    await openTab('Open orders')
    await expect.poll(() => page.getByRole('table', { name: 'Open orders' }).getByRole('row', { name: /buy limit BTC\/USDT/ }).count(), { timeout: 10_000 }).toBe(1)
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/ui-trading.png' })
  })
})
