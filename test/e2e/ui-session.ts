import { afterAll, beforeAll } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowser, type BrowserSession } from '../support/browser'
import { startServe, stopProcess, tempDir, type ServeProcess } from '../support/processes'

export interface UiSession {
  serve: ServeProcess
  page: Page
}

/** SIGTERM, and SIGKILL if the host has not exited after `graceMs` (a test must not hang on it). */
export async function stopGently(serve: ServeProcess, graceMs = 20_000): Promise<void> {
  const kill = setTimeout(() => serve.child.kill('SIGKILL'), graceMs)
  await stopProcess(serve.child)
  clearTimeout(kill)
}

/** keel serve on a fresh data dir + Chromium on its URL, for one test file; torn down after it. */
export function useUiSession(): UiSession {
  const session = {} as UiSession
  let browser: BrowserSession | undefined
  let dir: ReturnType<typeof tempDir> | undefined
  beforeAll(async () => {
    dir = tempDir()
    session.serve = await startServe(dir.path)
    browser = await openBrowser()
    session.page = browser.page
    await session.page.goto(session.serve.url)
  })
  afterAll(async () => {
    await browser?.close()
    if (session.serve) await stopGently(session.serve)
    dir?.remove()
  })
  return session
}
