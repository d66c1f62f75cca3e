import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { stopGently, useUiSession } from './ui-session'

// The trader's second hour: grouped brackets, full order history, flattening a position, the
// net PnL, a reset marked in the tables, the log after a reload, a wrong token, and the host
// going away under a live page (last, as it stops the host).
const session = useUiSession()
let page: Page
beforeAll(() => {
  page = session.page
})
const ticket = () => page.getByRole('form', { name: 'Order ticket' })
const book = () => page.getByRole('table', { name: 'Order book BTC/USDT' })
const tab = (name: RegExp) => page.getByRole('tab', { name })
const num = (text: string | null) => Number((text ?? '').replace(/[,\s]/g, '').replace('−', '-').replace(/[^\d.+-]/g, ''))
const STARTING_USDT = 10_000 // the demo account's default deposit (docs/user-guide.md)

async function bestAsk(): Promise<number> {
  await expect.poll(() => book().getByRole('button', { name: /^Use ask price/ }).count(), { timeout: 20_000 }).toBeGreaterThan(3)
  const label = await book().getByRole('button', { name: /^Use ask price/ }).last().getAttribute('aria-label')
  return num(label?.replace('Use ask price', '') ?? '')
}

async function place(type: string, fields: Record<string, string>, side: 'buy' | 'sell' = 'buy'): Promise<void> {
  await ticket().getByRole('button', { name: side === 'buy' ? 'Buy' : 'Sell', exact: true }).click()
  await ticket().getByLabel('Order type').selectOption(type)
  for (const [label, value] of Object.entries(fields)) await ticket().getByLabel(label, { exact: true }).fill(value)
  await ticket().getByRole('button', { name: `Place ${side} order` }).click()
  await expect.poll(() => ticket().getByRole('alert').count()).toBe(0)
}

describe('the workstation, polished', () => {
  it('shows the app version from package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    await expect.poll(() => page.getByLabel('App version').textContent(), { timeout: 15_000 }).toBe(`v${version}`)
  })

  it('keeps the header quote tight for a low-priced market (XRP)', async () => {
    await page.getByRole('button', { name: 'Show XRP/USDT' }).click()
    const quote = page.getByRole('group', { name: 'XRP/USDT quote' })
    await expect.poll(() => quote.getByLabel('Last price').textContent(), { timeout: 10_000 }).toMatch(/^\d\.\d{4}$/)
    // From the end of the price's text to the change figure: the flex gap and at most a digit's slack.
    const gap = await quote.getByLabel('Last price').evaluate((el) => {
      const range = document.createRange()
      range.selectNodeContents(el)
      const next = el.nextElementSibling
      return next ? next.getBoundingClientRect().left - range.getBoundingClientRect().right : Number.NaN
    })
    expect(gap).toBeGreaterThan(0)
    expect(gap).toBeLessThan(30)
    await page.getByRole('button', { name: 'Show BTC/USDT' }).click()
    await expect.poll(() => page.getByRole('group', { name: 'BTC/USDT quote' }).count()).toBe(1)
  })

  it('groups a bracket’s legs under its entry', async () => {
    const ask = await bestAsk()
    await page.getByLabel('Confirmation threshold').fill('1000000')
    await place('bracket', { 'Entry limit price (empty = market)': (ask * 0.95).toFixed(2), 'Stop-loss': (ask * 0.9).toFixed(2), 'Take-profit': (ask * 1.05).toFixed(2), Amount: '0.01' })
    await tab(/Open orders/).click()
    const rows = page.getByRole('table', { name: 'Open orders' }).locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3)
    const types = await rows.locator('[data-col="type"]').allTextContents()
    expect(types[0]).toBe('bracket')
    expect(types.slice(1).sort()).toEqual(['└ stop-loss stop market', '└ take-profit limit'])
    expect(await rows.nth(1).getAttribute('class')).toMatch(/leg-row/)
  })

  it('keeps both times and the whole reason in the order history', async () => {
    const entry = page.getByRole('table', { name: 'Open orders' }).getByRole('row', { name: /buy bracket/ })
    await entry.getByRole('button', { name: /^Cancel order/ }).click()
    await tab(/Order history/).click()
    const row = page.getByRole('table', { name: 'Order history' }).getByRole('row', { name: /buy bracket/ })
    await expect.poll(() => row.locator('[data-col="status"]').textContent(), { timeout: 10_000 }).toBe('cancelled')
    for (const col of ['created', 'closed']) expect(await row.locator(`[data-col="${col}"]`).textContent()).toMatch(/^\d\d:\d\d:\d\d$/)
    const reason = row.locator('[data-col="reason"]')
    const text = (await reason.textContent()) ?? ''
    expect(text.length).toBeGreaterThan(0)
    expect(await reason.getAttribute('title')).toBe(text)
    // Wrapped, not cut: nothing of it overflows its cell.
    expect(await reason.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
  })

  it('shows the net PnL since reset: equity minus the starting equity, fees included', async () => {
    const ask = await bestAsk()
    await place('limit', { 'Limit price': (ask * 1.003).toFixed(2), Amount: '0.02' })
    await expect.poll(async () => (await session.serve.call('positions', { account: 'default' })).body, { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'BTC/USDT', amount: 0.02 })]))
    // The fill's toast sits over the chart: not over the log, the ticket or the tab group.
    const toast = page.getByRole('region', { name: 'Notifications' }).getByRole('status').filter({ hasText: /Bought/ }).first()
    await expect.poll(() => toast.isVisible(), { timeout: 10_000 }).toBe(true)
    const t = await toast.boundingBox()
    for (const name of ['Log', 'Order ticket', 'Orders and positions']) {
      const p = await page.getByRole('region', { name, exact: true }).boundingBox()
      const overlaps = !!t && !!p && t.x < p.x + p.width && p.x < t.x + t.width && t.y < p.y + p.height && p.y < t.y + t.height
      expect(overlaps, `toast over ${name}`).toBe(false)
    }
    const badge = page.getByRole('group', { name: 'Equity' })
    await expect.poll(async () => {
      const [equity, pnl] = await badge.locator('.num').allTextContents()
      return Math.abs(num(pnl) - (num(equity) - STARTING_USDT))
    }, { timeout: 10_000 }).toBeLessThanOrEqual(0.011)
    // Right after a buy, before the price moves much, the figure is about minus the fees paid.
    const fills = (await session.serve.call('listFills', { account: 'default' })).body as { fills: { fee: number }[] }
    const fees = fills.fills.reduce((sum, f) => sum + f.fee, 0)
    expect(fees).toBeGreaterThan(0)
    const pnl = num(await badge.locator('[data-field="net-pnl"]').textContent())
    expect(pnl).toBeLessThan(0.5 * fees + 0.02 * ask * 0.01) // fees are in it: not a green "+0.15" after a taker buy
  })

  it('flattens a position after a confirmation that traps focus', async () => {
    await tab(/Positions/).click()
    const row = page.getByRole('table', { name: 'Positions' }).getByRole('row', { name: 'BTC/USDT position' })
    await row.getByRole('button', { name: 'Close BTC/USDT position' }).click()
    const dialog = page.getByRole('dialog', { name: 'Close BTC/USDT position?' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.textContent()).toMatch(/SELL 0\.02000 BTC \(BTC\/USDT\) at market/)
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab')
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true)
    }
    await dialog.getByRole('button', { name: 'Close position' }).click()
    await expect.poll(async () => {
      const positions = (await session.serve.call('positions', { account: 'default' })).body as { symbol: string; amount: number }[]
      return positions.find((p) => p.symbol === 'BTC/USDT')?.amount
    }, { timeout: 10_000 }).toBe(0)
    await expect.poll(() => row.locator('[data-col="amount"]').textContent()).toBe('0.00000')
  })

  it('closes every open position with Close all', async () => {
    for (const [symbol, amount] of [['BTC/USDT', 0.003], ['ETH/USDT', 0.05]] as const) {
      expect((await session.serve.call('placeOrder', { account: 'default', symbol, side: 'buy', type: 'market', amount })).status).toBe(200)
    }
    const open = async () => ((await session.serve.call('positions', { account: 'default' })).body as { symbol: string; amount: number }[]).filter((p) => p.amount !== 0)
    await expect.poll(async () => (await open()).length, { timeout: 10_000 }).toBe(2)
    await tab(/Positions/).click()
    await page.getByRole('button', { name: 'Close all positions' }).click()
    const dialog = page.getByRole('dialog', { name: 'Close all 2 positions?' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.textContent()).toMatch(/SELL 0\.00300 BTC[\s\S]*SELL 0\.0500\d* ETH/)
    await dialog.getByRole('button', { name: 'Close all' }).click()
    await expect.poll(async () => (await open()).length, { timeout: 10_000 }).toBe(0)
  })

  it('rebuilds the log after a reload from what the host keeps', async () => {
    await page.reload()
    const log = page.getByRole('log', { name: 'Event log' })
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/Bought 0\.0\d{4} BTC at [\d,]+\.\d\d/)
    expect(await log.textContent()).toMatch(/Sold 0\.0\d{4} BTC/)
  })

  it('marks an account reset in fills and order history', async () => {
    await page.getByRole('button', { name: 'Reset paper account' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Reset account' }).click()
    await tab(/Fills/).click()
    const marker = page.getByRole('table', { name: 'Fills' }).locator('tr[data-heading="reset"]')
    await expect.poll(() => marker.textContent(), { timeout: 10_000 }).toMatch(/^Account reset at \d\d:\d\d:\d\d with 10,000\.00 USDT/)
    // Every fill is older than the reset, so the marker is the first row.
    expect(await page.getByRole('table', { name: 'Fills' }).locator('tbody tr').first().getAttribute('data-heading')).toBe('reset')
    await tab(/Order history/).click()
    expect(await page.getByRole('table', { name: 'Order history' }).locator('tr[data-heading="reset"]').count()).toBe(1)
  })

  it('says a wrong token is wrong, stops retrying, and takes the right one', async () => {
    const other = await page.context().newPage()
    const sockets: string[] = []
    other.on('websocket', (ws) => sockets.push(ws.url()))
    await other.goto(`${session.serve.origin}/?token=wrong-token`)
    await expect.poll(() => other.getByRole('heading', { name: /access token is missing or wrong/ }).isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await other.getByLabel('Feed status').textContent()).toMatch(/access refused/)
    const tried = sockets.length
    await other.waitForTimeout(3_000)
    expect(sockets.length).toBe(tried) // no reconnect loop
    await other.getByLabel('Access token', { exact: true }).fill(session.serve.token)
    await other.getByRole('button', { name: 'Use token' }).click()
    await expect.poll(() => other.getByRole('form', { name: 'Order ticket' }).isVisible(), { timeout: 15_000 }).toBe(true)
    await other.close()
  })

  it('makes stale data look stale when the host stops', async () => {
    const submit = ticket().getByRole('button', { name: /Place (buy|sell) order/ })
    await expect.poll(() => submit.isEnabled(), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => page.getByRole('row', { name: 'execution worker' }).getAttribute('data-state'), { timeout: 10_000 }).toBe('running')
    const stopped = Date.now()
    await stopGently(session.serve, 10_000)
    if (Date.now() - stopped > 9_000) console.warn(`keel serve took ${Date.now() - stopped} ms to stop on SIGTERM:\n${session.serve.stderr().slice(-3000)}`)
    const banner = page.getByRole('alert', { name: 'Host disconnected' })
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toMatch(/Host disconnected since \d\d:\d\d:\d\d/)
    expect(await submit.isDisabled()).toBe(true)
    expect(await submit.textContent()).toBe('Host disconnected')
    expect(await page.getByRole('button', { name: 'Reset paper account' }).isDisabled()).toBe(true)
    const row = page.getByRole('row', { name: 'execution worker' })
    expect(await row.getAttribute('data-state')).toBe('unknown')
    expect(await row.locator('[data-col="uptime"]').textContent()).toBe('—')
    expect(await row.getByRole('button', { name: 'Restart execution worker' }).isDisabled()).toBe(true)
    const opacity = await page.locator('.workspace .panel-body').first().evaluate((el) => Number(getComputedStyle(el).opacity))
    expect(opacity).toBeLessThan(1)
    await page.screenshot({ path: 'test-results/host-stopped.png' })
  })
})
