import { mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SettingsView } from '../../src/shared/settings'
import { useUiSession } from './ui-session'

// keel serve + Chromium: the version strip and the Settings dialog as a user meets them.
const session = useUiSession()

describe('Settings dialog and version strip in Chromium', () => {
  it('shows the running version and that updates are off in keel serve, with no strip taking room', async () => {
    const { page } = session
    await expect.poll(() => page.getByLabel('App version').textContent(), { timeout: 15_000 }).toMatch(/^v\d+\.\d+\.\d+/)
    // The update strip shows only with news; headless updates are off, so there is none.
    expect(await page.getByRole('status', { name: 'Keel updates' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Settings' }).click()
    const status = page.getByRole('dialog', { name: 'Keel settings' }).getByRole('group', { name: 'Keel version and updates' })
    await expect.poll(() => status.textContent()).toMatch(/Keel \d+\.\d+\.\d+ · Updates are off/)
    // Headless updates are disabled: no check button.
    expect(await status.getByRole('button', { name: 'Check for updates' }).count()).toBe(0)
    await page.keyboard.press('Escape')
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
