import { mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SettingsView } from '../../src/shared/settings'
import { useUiSession } from './ui-session'

// keel serve + Chromium: the version strip and the Settings dialog as a user meets them.
const session = useUiSession()

describe('Settings dialog and version strip in Chromium', () => {
  it('shows the running version and that updates are off in keel serve', async () => {
    const strip = session.page.getByRole('status', { name: 'Keel version and updates' })
    await expect.poll(() => strip.textContent(), { timeout: 15_000 }).toMatch(/Keel \d+\.\d+\.\d+/)
    // Headless updates are disabled: no check button.
    expect(await strip.getByRole('button', { name: 'Check for updates' }).count()).toBe(0)
  })

  it('refuses an invalid value with the server\'s reason, then saves a valid one that the API sees', async () => {
    const { page, serve } = session
    await page.getByRole('button', { name: 'Settings' }).click()
    const dialog = page.getByRole('dialog', { name: 'Keel settings' })
    await dialog.getByLabel('Max daily loss').fill('-3')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('risk.maxDailyLoss')
    expect(SettingsView.parse((await serve.call('getSettings')).body).settings.risk.maxDailyLoss).toBe(2000)

    await dialog.getByLabel('Max daily loss').fill('1234')
    await dialog.getByLabel('Update channel').selectOption('beta')
    await dialog.getByLabel('Fills').uncheck()
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/settings-dialog.png' })
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    const saved = SettingsView.parse((await serve.call('getSettings')).body).settings
    expect(saved.risk.maxDailyLoss).toBe(1234)
    expect(saved.updates.channel).toBe('beta')
    expect(saved.notifications.fills).toBe(false)
  })

  it('exports diagnostics from the dialog and shows where the zip went; no Open folder outside the desktop app', async () => {
    const { page } = session
    await page.getByRole('button', { name: 'Settings' }).click()
    const dialog = page.getByRole('dialog', { name: 'Keel settings' })
    expect(await dialog.getByRole('button', { name: 'Open folder' }).count()).toBe(0)
    await dialog.getByRole('button', { name: 'Export diagnostics' }).click()
    await expect.poll(() => dialog.getByRole('status').textContent()).toMatch(/Saved \d+ files .* to .*keel-diagnostics-.*\.zip/)
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
  })
})
