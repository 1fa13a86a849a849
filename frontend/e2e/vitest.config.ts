// End-to-end tests: the real `sessions serve` binary on a temp library,
// driven in Debian's Chromium through playwright-core. Run by `make e2e`
// (which builds build/bin/sessions first) or `npm run e2e` in frontend/.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// shutdown.e2e.ts stops the one server every spec uses: it runs last.
class ShutdownLast extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const last = (f: TestSpecification) => f.moduleId.endsWith('/shutdown.e2e.ts')
    return [...sorted.filter((f) => !last(f)), ...sorted.filter(last)]
  }
}

export default defineConfig({
  // The frontend's own vite.config.ts is not read: these tests need no
  // Svelte compiler, only Node.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    // One server and one library are shared by every spec: files run one
    // after the other so an import in one cannot race a count in another.
    fileParallelism: false,
    sequence: { sequencer: ShutdownLast },
    pool: 'forks',
    // A browser start, a page load against a 2-core machine shared with
    // other work: generous, since these bound waits, not speed.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    retry: 0,
  },
})
