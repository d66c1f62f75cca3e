import { defineConfig } from 'vitest/config'

// Integration and e2e tests start real processes from the build in out/ (npm test builds
// first). They share this 2-core machine, so files run one at a time to keep timing-sensitive
// supervision tests (freeze windows, heartbeats) honest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
  }
})
