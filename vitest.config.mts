import { defineConfig } from 'vitest/config'

// Integration and e2e tests start real processes from the build in out/ (npm test builds
// first). They share this 2-core machine, so files run one at a time to keep timing-sensitive
// supervision tests (freeze windows, heartbeats) honest. The few files that spend minutes
// waiting for the demo market's 1-minute candles to close are a second project, run beside the
// first: they are idle nearly all that time.
const WAITING_ON_THE_CLOCK = ['test/integration/ai/bot-signals.test.ts', 'test/integration/strategy/reload.test.ts']

const shared = { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false }

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { test: { ...shared, name: 'suite', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: WAITING_ON_THE_CLOCK } },
      { test: { ...shared, name: 'candle-clock', include: WAITING_ON_THE_CLOCK } }
    ]
  }
})
