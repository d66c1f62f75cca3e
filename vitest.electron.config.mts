import { defineConfig } from 'vitest/config'

// The Electron smoke test: the real app under Playwright's _electron. It needs the Electron
// binary, so it runs in the GitHub workflow (ci.yml), not in `npm test`.
export default defineConfig({
  test: {
    include: ['test/electron/**/*.electron.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false
  }
})
