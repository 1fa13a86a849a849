// What the global setup hands every spec (through vitest's provide/inject),
// and the paths both sides agree on.
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (frontend/..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Where specs leave their end-state screenshots (gitignored). */
export const shotDir = resolve(repoRoot, 'build', 'e2e')
/** Debian's browser: the only one these tests use; none is ever downloaded. */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'

export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} not found: install chromium: apt-get install chromium`)
  }
}

/** One timeline row as the CLI listed it before the server started. */
export interface ListedSession {
  id: number
  name: string
  started_at: string
  status: 'active' | 'completed'
}

export interface E2EContext {
  /** http://127.0.0.1:PORT, no trailing slash. */
  baseURL: string
  /** host:port the server was told to bind. */
  host: string
  /** The library before any spec ran, newest first (as `sessions list`). */
  sessions: ListedSession[]
  /** The server's log, for messages when something fails. */
  logPath: string
  /** The library's data dir, held open by the server. */
  dataDir: string
  /** The server's process id, and where its exit is written (server.ts Exit). */
  serverPid: number
  exitFile: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2EContext
  }
}
