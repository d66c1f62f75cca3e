import { afterAll, beforeAll } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowser, type BrowserSession } from '../support/browser'
import { startServe, stopProcess, tempDir, type ServeProcess } from '../support/processes'

export interface UiSession {
  serve: ServeProcess
  page: Page
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
    if (session.serve) await stopProcess(session.serve.child)
    dir?.remove()
  })
  return session
}
