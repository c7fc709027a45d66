import { defineConfig } from 'vitest/config'

// Unit and integration tests run under plain Node; e2e tests drive Debian's Chromium.
// Two groups, one after the other: pure-logic files in parallel first, then the files that start real
// servers, child processes and Chromium one at a time — each of those wants both cores, and racing
// them against each other makes timeouts, not findings.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/renderer/**/*.test.ts'],
          // Forks a writer and SIGKILLs it 20 times: timing-sensitive, so it runs with the serial group.
          exclude: ['test/unit/offline/snapshot-store.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'servers',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/unit/offline/snapshot-store.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
