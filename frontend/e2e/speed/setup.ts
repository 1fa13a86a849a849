// Serves the library named by SESSIONS_BENCH_LIBRARY (a data dir, e.g. the
// timeline benchmark's kept 1M library) for the speed script.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { requireChromium, shotDir } from '../env'
import { startServe } from '../server'

declare module 'vitest' {
  export interface ProvidedContext {
    speed: { baseURL: string; library: string }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireChromium()
  const library = process.env.SESSIONS_BENCH_LIBRARY ?? ''
  if (!library || !existsSync(join(library, 'sessions.db'))) {
    throw new Error(`SESSIONS_BENCH_LIBRARY=${library || '(unset)'} holds no sessions.db: run make bench-ui, which builds the 1M library`)
  }
  mkdirSync(shotDir, { recursive: true })
  // Opening a million-session index takes a while on a cold cache.
  const server = await startServe(library, join(shotDir, 'speed-serve.log'), 600_000)
  project.provide('speed', { baseURL: server.baseURL, library })
  return () => server.stop()
}
