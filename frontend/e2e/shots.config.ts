// The README's pictures of the browser page: `make screenshots` serves a
// library of the shared fixtures and the repo's example chat, and writes
// docs/browser-*.png (720 and 1920 px, light and dark), then docs/view-*.png
// of every view with the sample data loaded. Not part of make test.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/shots/*.shots.ts'],
    globalSetup: ['e2e/shots/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
})
