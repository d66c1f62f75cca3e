import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useUiSession } from '../../e2e/ui-session'
import { waitFor } from '../../support/processes'
import { bots } from './helpers'

// The Bots tab in a real Chromium against a real keel serve: a strategy file dropped into the
// folder shows up, a bot is created from the form generated from its params and trades; a
// broken file is listed with file:line:column.

const session = useUiSession()

const TICKER = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Panel ticker',
  params: { amount: { type: 'float', default: 0.0001, min: 0 }, loud: { type: 'bool', default: false } },
  async onTick(ctx) { await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: ctx.params.amount as number }) }
})
`

describe('Bots panel', () => {
  it('creates a bot from a dropped strategy file, shows it trading, and shows a broken file with its location', async () => {
    const { page, serve } = session
    const pageErrors: string[] = []
    page.on('pageerror', (err) => pageErrors.push(err.message))
    const folder = await waitFor('the strategies folder', async () => ((await serve.call('listStrategies')).body as { folder?: string }).folder)
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'panel.ts'), TICKER)
    writeFileSync(join(folder, 'broken.ts'), `export default {\n  name: 'x',\n  onTick() { return ) }\n}\n`)

    await page.getByRole('tab', { name: 'Bots' }).click()
    await page.getByText(`broken.ts:3:`).waitFor({ timeout: 20_000 })
    await page.getByRole('button', { name: 'New bot' }).click()
    const form = page.getByRole('form', { name: 'New bot' })
    await waitFor('the dropped strategy in the form', async () => (await form.getByLabel('Strategy').locator('option', { hasText: 'Panel ticker' }).count()) > 0, 20_000, 200)
    await form.getByLabel('Strategy').selectOption({ label: 'Panel ticker (panel.ts)' })
    await form.getByLabel('Name').fill('ui bot')
    expect(await form.getByLabel('amount').inputValue()).toBe('0.0001') // the spec's default
    await form.getByLabel('amount').fill('0.0002')
    await form.getByRole('button', { name: 'Create bot' }).click()

    const row = page.getByRole('row', { name: 'Bot ui bot' })
    await row.waitFor({ timeout: 10_000 })
    await row.getByRole('button', { name: 'Start bot ui bot' }).click()
    await waitFor('the bot to trade', async () => (await bots(serve)).find((b) => b.name === 'ui bot' && b.orders >= 2), 20_000, 200)
    const created = (await bots(serve)).find((b) => b.name === 'ui bot')!
    expect(created).toMatchObject({ strategy: 'file:panel.ts', params: { amount: 0.0002, loud: false }, state: 'running' })
    await row.locator('[data-col="state"]').getByText('running').waitFor()
    await row.getByRole('button', { name: 'Log of bot ui bot' }).click()
    await page.getByRole('list', { name: 'Bot log' }).getByText(/order buy 0.0002 BTC\/USDT market: filled/).first().waitFor({ timeout: 10_000 })
    await page.screenshot({ path: 'test-results/bots-panel.png' })
    expect(pageErrors).toEqual([])
  })

  it('shows the strategies folder with a working copy button in a browser, and no open button (the host cannot open folders here)', async () => {
    const { page, serve } = session
    const folder = ((await serve.call('listStrategies')).body as { folder: string }).folder
    expect(existsSync(folder)).toBe(true)
    expect(folder.endsWith('/strategies')).toBe(true)
    await page.getByRole('tab', { name: 'Bots' }).click()
    await expect.poll(() => page.getByLabel('Strategies folder path', { exact: true }).textContent(), { timeout: 10_000 }).toBe(folder)
    expect(await page.getByRole('button', { name: 'Open strategies folder' }).count()).toBe(0)

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.origin })
    await page.getByRole('button', { name: 'Copy the strategies folder path' }).click()
    await page.getByRole('status').filter({ hasText: 'copied' }).waitFor({ timeout: 5_000 })
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(folder)

    // The method itself refuses with the path, never a 5xx.
    const open = await serve.call('openStrategiesFolder')
    expect(open.status).toBe(422)
    expect(JSON.stringify(open.body)).toContain(folder)
  })
})
