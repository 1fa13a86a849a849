// The timeline's speed in Chromium against `sessions serve` on a big kept
// library (make bench-ui builds the 1,000,000-session one and points
// SESSIONS_BENCH_LIBRARY at it). A benchmark: it reports figures, it does
// not fail on them. Not part of make test.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/speed/*.speed.ts'],
    globalSetup: ['e2e/speed/setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    teardownTimeout: 120_000,
  },
})
