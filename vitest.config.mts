import { defineConfig } from 'vitest/config'

// Two groups, one after the other. Unit files touch nothing shared (each makes its own temp
// dir) and run two at a time, one per core. Integration and e2e files start real processes
// from the build in out/ (npm test builds first); they share this 2-core machine, so they
// run one at a time, after the unit files, to keep timing-sensitive supervision tests
// (freeze windows, heartbeats) honest. Each gets a fresh test process, so that no file inherits
// what an earlier one left running (one reused process would save about 70 s).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 }
        }
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/e2e/**/*.test.tsx'],
          fileParallelism: false,
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
