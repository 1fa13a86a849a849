// Global setup of the end-to-end tests: a temp library filled by the real
// CLI from ../shared/fixtures plus the generated chats, then the real
// `sessions serve` on a free loopback port. shutdown.e2e.ts, run last, stops
// it with SIGINT and checks the exit; the teardown stops it otherwise (a
// partial run) and removes the library.
//
// It builds nothing: `make e2e` builds build/bin/sessions before it, and
// SESSIONS_BIN may point at another binary.
import { mkdirSync, mkdtempSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ACTIVE_NAME, AGENT, HOSTILE_NAME, MANY_COUNT, MANY_NAME, WEB_NAME, generatedChats } from './chats'
import { repoRoot, requireChromium, shotDir, type E2EContext, type ListedSession } from './env'
import { requireBin, run, startServe } from './server'

const fixtures = resolve(repoRoot, '..', 'shared', 'fixtures')

/** Every session of the library, newest first, paged through `list --json`. */
function listAll(data: string): ListedSession[] {
  const out: ListedSession[] = []
  let cursor = ''
  for (;;) {
    const args = ['--data', data, 'list', '--json', '--limit', '500']
    if (cursor) args.push('--cursor', cursor)
    const r = run(args)
    if (r.status !== 0) throw new Error(`sessions list failed (${r.status}): ${r.stderr}`)
    const page = JSON.parse(r.stdout) as {
      sessions: { id: number; contact: { name: string } | null; started_at: string; status: 'active' | 'completed' }[]
      next_cursor: string | null
    }
    for (const s of page.sessions) {
      out.push({ id: s.id, name: s.contact?.name ?? '', started_at: s.started_at, status: s.status })
    }
    if (!page.next_cursor) return out
    cursor = page.next_cursor
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireChromium()
  requireBin()
  if (!existsSync(fixtures)) throw new Error(`${fixtures} is missing: the shared fixtures must sit beside the repository`)
  mkdirSync(shotDir, { recursive: true })

  const tmp = mkdtempSync(join(tmpdir(), 'sessions-e2e-'))
  try {
    return await start(project, tmp)
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
}

/** Fills the library under tmp, starts the server and returns the teardown. */
async function start(project: TestProject, tmp: string): Promise<() => Promise<void>> {
  const data = join(tmp, 'data')
  const gen = join(tmp, 'gen')

  // All of the fixtures, as a user would import them. Some are meant to be
  // read only in part, which makes the exit status 1; anything else fails.
  const fx = run(['--data', data, 'import', '--tz', 'UTC', fixtures])
  if (fx.status !== 0 && fx.status !== 1) {
    throw new Error(`importing ${fixtures} failed (${fx.status}):\n${fx.stdout}\n${fx.stderr}`)
  }
  const fromFixtures = listAll(data).length
  if (fromFixtures < 10) throw new Error(`importing ${fixtures} gave ${fromFixtures} sessions:\n${fx.stdout}\n${fx.stderr}`)

  for (const f of generatedChats(Date.now())) {
    const path = join(gen, f.path)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, f.text)
  }
  const g = run(['--data', data, 'import', '--tz', 'UTC', '--agent', AGENT, gen])
  if (g.status !== 0) throw new Error(`importing the generated chats failed (${g.status}):\n${g.stdout}\n${g.stderr}`)

  const sessions = listAll(data)
  const count = (name: string) => sessions.filter((s) => s.name === name).length
  const want: [string, number][] = [
    [HOSTILE_NAME, 1],
    [ACTIVE_NAME, 1],
    [WEB_NAME, 1],
    [MANY_NAME, MANY_COUNT],
  ]
  for (const [name, n] of want) {
    if (count(name) !== n) throw new Error(`the library holds ${count(name)} sessions of ${name}, want ${n}`)
  }
  if (sessions.length <= 50) throw new Error(`${sessions.length} sessions: the timeline needs more than one page of 50`)

  const exitFile = join(tmp, 'serve.exit')
  const server = await startServe(data, join(shotDir, 'serve.log'), 60_000, exitFile)
  const ctx: E2EContext = {
    baseURL: server.baseURL,
    host: server.host,
    sessions,
    logPath: server.logPath,
    dataDir: data,
    serverPid: server.pid,
    exitFile,
  }
  project.provide('e2e', ctx)

  return async () => {
    try {
      await server.stop()
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }
}
