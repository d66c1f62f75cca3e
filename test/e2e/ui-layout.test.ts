import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useUiSession } from './ui-session'

// Layout facts at the four window sizes a trader uses (1440×900 is the desktop default, 960×600
// its minimum), in both themes, with the longest ticket form (a bracket): the submit button and
// side switch are in view, the chart keeps a usable price area, every tab and health control is
// reachable. Each case also saves a PNG (test-results/layout) to look at.
const OUT = 'test-results/layout'
const SIZES = [
  [1920, 1080],
  [1440, 900],
  [1280, 720],
  [960, 600]
] as const
const session = useUiSession()
let page: Page
beforeAll(() => {
  mkdirSync(OUT, { recursive: true })
  page = session.page
})

interface Box {
  x: number
  y: number
  width: number
  height: number
}
const ticket = () => page.getByRole('form', { name: 'Order ticket' })
async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox()
  if (!b) throw new Error(`${String(locator)} has no box (not rendered)`)
  return b
}
/** b lies inside a (1 px slack for borders). */
function inside(b: Box, a: Box): boolean {
  return b.x >= a.x - 1 && b.y >= a.y - 1 && b.x + b.width <= a.x + a.width + 1 && b.y + b.height <= a.y + a.height + 1
}
function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}
/** The element at the control's centre is the control (or inside it): nothing covers or clips it. */
async function hittable(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect()
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)
    return hit !== null && (hit === el || el.contains(hit))
  })
}
const viewport = (): Box => ({ x: 0, y: 0, width: page.viewportSize()?.width ?? 0, height: page.viewportSize()?.height ?? 0 })
const paneHeight = async (pane: 'Price' | 'Vol' | 'Rsi' | 'Macd') => Number(await page.locator('.chart-area').getAttribute(`data-pane-${pane.toLowerCase()}`))

async function setTheme(theme: 'dark' | 'light'): Promise<void> {
  const now = await page.evaluate(() => document.documentElement.dataset.theme)
  if (now !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
}

describe('layout at every window size, both themes', () => {
  it('loads the market', async () => {
    await expect.poll(() => page.getByRole('table', { name: 'Order book BTC/USDT' }).getByRole('button').count(), { timeout: 20_000 }).toBeGreaterThan(8)
    await ticket().getByLabel('Order type').selectOption('bracket')
  })

  for (const theme of ['dark', 'light'] as const) {
    for (const [width, height] of SIZES) {
      it(`${width}×${height} ${theme}`, async () => {
        await page.setViewportSize({ width, height })
        await setTheme(theme)
        const compact = width < 1200 || height < 800
        await expect.poll(() => page.locator('.workspace').getAttribute('data-layout')).toBe(compact ? 'compact' : 'full')
        await page.waitForTimeout(400) // a chart resize lands on the next frame
        const view = viewport()

        // Ticket: side switch, order type and submit visible and not covered, whatever the form's length.
        const ticketPanel = await box(page.getByRole('region', { name: 'Order ticket' }))
        for (const control of [ticket().getByRole('button', { name: 'Buy', exact: true }), ticket().getByRole('button', { name: 'Sell', exact: true }), ticket().getByLabel('Order type'), ticket().getByRole('button', { name: /Place (buy|sell) order/ })]) {
          const b = await box(control)
          expect(inside(b, view), `${String(control)} in the window`).toBe(true)
          expect(inside(b, ticketPanel), `${String(control)} in the ticket`).toBe(true)
          expect(await hittable(control), `${String(control)} not covered`).toBe(true)
        }
        // The fields scroll inside the ticket instead of pushing the button away.
        const fields = page.locator('.ticket-scroll')
        expect(await fields.evaluate((el) => el.scrollHeight >= el.clientHeight)).toBe(true)
        await page.getByLabel('Confirm orders above').scrollIntoViewIfNeeded()
        expect(inside(await box(page.getByLabel('Confirmation threshold')), ticketPanel)).toBe(true)

        // Chart: a usable price area (a canvas has no DOM: the chart reports its pane heights).
        const price = await paneHeight('Price')
        expect(price, 'price pane height').toBeGreaterThanOrEqual(compact ? 150 : 250)
        for (const button of await page.getByRole('region', { name: 'Chart' }).locator('.toolbar button').all()) expect(inside(await box(button), await box(page.getByRole('region', { name: 'Chart' })))).toBe(true)

        // Every tab of the tab group is whole and clickable.
        const tabsPanel = await box(page.getByRole('region', { name: 'Orders and positions' }))
        const tabs = await page.getByRole('tab').all()
        expect(tabs.length).toBeGreaterThanOrEqual(compact ? 7 : 5)
        for (const tab of tabs) {
          expect(inside(await box(tab), tabsPanel), `${await tab.textContent()} tab whole`).toBe(true)
          expect(await hittable(tab)).toBe(true)
        }

        // The active tab's action (Open orders: Cancel all) is whole, next to the tabs or over the table.
        const cancelAll = page.getByRole('button', { name: 'Cancel all orders' })
        expect(inside(await box(cancelAll), tabsPanel)).toBe(true)
        expect(await hittable(cancelAll)).toBe(true)

        // Account: its equity row is visible in its panel.
        const account = await box(page.getByRole('region', { name: 'Account' }))
        expect(account.height).toBeGreaterThanOrEqual(120)
        expect(inside(await box(page.getByRole('region', { name: 'Account' }).locator('[data-field="equity"]')), account)).toBe(true)

        // Header: every quote figure shown is whole (narrow windows drop figures rather than clip them).
        const quote = await box(page.getByRole('group', { name: 'BTC/USDT quote' }))
        for (const figure of await page.getByRole('group', { name: 'BTC/USDT quote' }).locator(':scope > *').all()) {
          if (await figure.isVisible()) expect(inside(await box(figure), quote), `${await figure.textContent()} whole`).toBe(true)
        }
        // Header controls in the window.
        expect(inside(await box(page.getByRole('button', { name: /Switch to (light|dark) theme/ })), view)).toBe(true)

        // A toast (a fill's) sits over the chart's price area: it covers no control, the ticket or the log.
        const placed = await session.serve.call('placeOrder', { account: 'default', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 })
        expect(placed.status).toBe(200)
        const toast = page.getByRole('region', { name: 'Notifications' }).getByRole('status').first()
        await expect.poll(() => toast.count(), { timeout: 10_000 }).toBe(1)
        await page.waitForTimeout(100) // the toast anchors on the frame after it appears
        const toastBox = await box(toast)
        expect(inside(toastBox, await box(page.locator('.chart-area'))), 'toast over the chart').toBe(true)
        for (const control of [...(await page.getByRole('region', { name: 'Chart' }).locator('.toolbar button, .toolbar select').all()), ...(await page.getByRole('tab').all())]) {
          expect(overlaps(toastBox, await box(control)), `toast clear of ${await control.textContent()}`).toBe(false)
        }
        expect(overlaps(toastBox, ticketPanel), 'toast clear of the ticket').toBe(false)
        for (const dismiss of await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss notification' }).all()) await dismiss.click()

        // Health: in the full layout its own panel, in the compact one a tab; every Restart button reachable.
        if (compact) await page.getByRole('tab', { name: 'Health' }).click()
        const restart = page.getByRole('button', { name: 'Restart execution worker' })
        await restart.scrollIntoViewIfNeeded()
        expect(inside(await box(restart), view)).toBe(true)
        expect(await hittable(restart)).toBe(true)
        expect(await page.getByRole('columnheader', { name: 'Last crash' }).isVisible()).toBe(true)
        await page.screenshot({ path: join(OUT, `layout-${width}x${height}-${theme}.png`) })
        if (compact) await page.getByRole('tab', { name: /Open orders/ }).click()
      })
    }
  }

  it('indicator panes keep readable heights at the minimum window', async () => {
    await page.setViewportSize({ width: 960, height: 600 })
    for (const name of ['Pane RSI', 'Pane MACD']) await page.getByRole('button', { name }).click()
    await page.waitForTimeout(400)
    expect(await paneHeight('Rsi')).toBeGreaterThanOrEqual(40)
    expect(await paneHeight('Macd')).toBeGreaterThanOrEqual(40)
    expect(await paneHeight('Price')).toBeGreaterThanOrEqual(90)
    await page.screenshot({ path: join(OUT, 'layout-960x600-panes.png') })
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.waitForTimeout(400)
    expect(await paneHeight('Rsi')).toBeGreaterThanOrEqual(64)
    expect(await paneHeight('Price')).toBeGreaterThanOrEqual(180)
    await page.screenshot({ path: join(OUT, 'layout-1440x900-panes.png') })
    for (const name of ['Pane RSI', 'Pane MACD']) await page.getByRole('button', { name }).click()
  })
})
