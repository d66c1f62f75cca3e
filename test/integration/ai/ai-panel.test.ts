import { describe, expect, it } from 'vitest'
import { useUiSession } from '../../e2e/ui-session'

// The AI tab in a real browser against a real `keel serve`: signals with their measured
// quality, a training job with progress, and the LLM analyst off by default.

const session = useUiSession()
// KEEL_SCREENSHOTS=docs retakes the user guide's pictures; a plain run never touches docs/.
const OUT = process.env.KEEL_SCREENSHOTS === 'docs' ? 'docs/screenshots' : 'test-results/screenshots'

describe('AI panel', () => {
  it('shows live signals with their out-of-sample quality and "no edge" flags', async () => {
    const { page } = session
    await page.getByRole('tab', { name: 'AI' }).click()
    const table = page.getByRole('table', { name: 'AI signals' })
    // 5 demo symbols x 3 timeframes from the start; more series join as their candles close.
    await expect.poll(async () => table.locator('tbody tr').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(15)
    const btc = page.getByRole('row', { name: 'BTC/USDT 1m signal' })
    await expect.poll(async () => btc.textContent(), { timeout: 30_000 }).toMatch(/%\s*±[\d.]+ vs [\d.]+%/)
    // The demo market is a random walk: the ensemble has no edge there, and says so.
    await expect.poll(async () => page.getByText('no edge').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.screenshot({ path: `${OUT}/ai-signals.png` })
  }, 120_000)

  it('trains a model with visible progress and lists it with its walk-forward record', async () => {
    const { page } = session
    await page.getByRole('button', { name: 'Models & training' }).click()
    const form = page.getByRole('form', { name: 'Train a model' })
    await form.getByLabel('Timeframe').selectOption('1h')
    await form.getByRole('button', { name: 'Train' }).click()
    const runs = page.getByRole('table', { name: 'Training runs' })
    await expect.poll(async () => runs.locator('tbody tr').first().textContent(), { timeout: 120_000 }).toMatch(/done/)
    const models = page.getByRole('table', { name: 'Models' })
    await expect.poll(async () => models.locator('tbody tr').count(), { timeout: 30_000 }).toBe(1)
    expect(await models.locator('tbody tr').first().textContent()).toMatch(/gbt BTC\/USDT 1h.*4 folds, embargo 1/)
    await page.screenshot({ path: `${OUT}/ai-training.png` })
  })

  it('keeps the analyst off until configured, and says why', async () => {
    const { page } = session
    await page.getByRole('button', { name: 'LLM analyst' }).click()
    await expect.poll(async () => page.getByRole('form', { name: 'LLM settings' }).isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await page.getByLabel('LLM analyst on').isChecked()).toBe(false)
    await page.getByRole('button', { name: 'Analyze (advisory)' }).click()
    await expect.poll(async () => page.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/analyst is off/)
    await page.screenshot({ path: `${OUT}/ai-analyst.png` })
  })
})
