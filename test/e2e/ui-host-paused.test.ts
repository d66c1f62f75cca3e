import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useUiSession } from './ui-session'

// A paused host (SIGSTOP: a frozen process, a laptop lid) keeps its socket open but says
// nothing: the page must call that "not responding", block trading, and recover on SIGCONT.
const session = useUiSession()
let page: Page
beforeAll(() => {
  page = session.page
})
const ticket = () => page.getByRole('form', { name: 'Order ticket' })

describe('a paused host', () => {
  it('marks a paused host as not responding, and recovers when it resumes', async () => {
    const submit = ticket().getByRole('button', { name: /Place (buy|sell) order/ })
    await expect.poll(() => submit.isEnabled(), { timeout: 10_000 }).toBe(true)
    const pid = session.serve.child.pid ?? 0
    process.kill(pid, 'SIGSTOP')
    try {
      const banner = page.getByRole('alert', { name: 'Host disconnected' })
      await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toMatch(/Host not responding since \d\d:\d\d:\d\d/)
      expect(await submit.isDisabled()).toBe(true)
      expect(await page.getByLabel('Feed status').textContent()).toMatch(/host not responding/)
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    await expect.poll(() => page.getByRole('alert', { name: 'Host disconnected' }).count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => submit.isEnabled(), { timeout: 10_000 }).toBe(true)
  })
})
