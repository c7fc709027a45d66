import { defineConfig } from 'vitest/config'

// Unit and integration tests run under plain Node; e2e tests drive Debian's Chromium.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One file at a time: the transfer, sandbox and Chromium tests each want both cores, and racing
    // them against each other makes timeouts, not findings. The whole run still takes a few minutes.
    fileParallelism: false,
  },
})
