import { defineConfig } from 'vitest/config'

// Unit and integration tests run under plain Node; e2e tests drive Debian's Chromium.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
