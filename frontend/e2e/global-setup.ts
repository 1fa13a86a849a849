// Global setup of the end-to-end tests: a temp library filled by the real
// CLI from ../shared/fixtures plus the generated chats, then the real
// `sessions serve` on a free loopback port, stopped with SIGINT at the end
// (and its exit checked: the shutdown must be graceful).
//
// It builds nothing: `make e2e` builds build/bin/sessions before it, and
// SESSIONS_BIN may point at another binary.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ACTIVE_NAME, AGENT, HOSTILE_NAME, MANY_COUNT, MANY_NAME, generatedChats } from './chats'
import { repoRoot, requireChromium, shotDir, type E2EContext, type ListedSession } from './env'

const bin = resolve(process.env.SESSIONS_BIN ?? join(repoRoot, 'build', 'bin', 'sessions'))
const fixtures = resolve(repoRoot, '..', 'shared', 'fixtures')

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 })
  if (r.error) throw new Error(`running ${bin} ${args.join(' ')}: ${r.error.message}`)
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

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

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.once('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => ok(port))
    })
  })
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Waits until GET / answers 200, failing early when the server exits. */
async function waitReady(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000
  let last = ''
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      // Let its last words reach the log before quoting it.
      await new Promise((r) => setTimeout(r, 300))
      throw new Error(`sessions serve exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail(logPath)}`)
    }
    try {
      const res = await fetch(url + '/')
      if (res.status === 200) return
      last = `status ${res.status}`
    } catch (e) {
      last = String(e)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`sessions serve did not answer ${url}/ within 60s (${last}):\n${tail(logPath)}`)
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((ok) => {
    const t = setTimeout(() => ok(false), ms)
    child.once('exit', () => {
      clearTimeout(t)
      ok(true)
    })
  })
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireChromium()
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it first (make build; make e2e does it)`)
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
    [MANY_NAME, MANY_COUNT],
  ]
  for (const [name, n] of want) {
    if (count(name) !== n) throw new Error(`the library holds ${count(name)} sessions of ${name}, want ${n}`)
  }
  if (sessions.length <= 50) throw new Error(`${sessions.length} sessions: the timeline needs more than one page of 50`)

  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const baseURL = `http://${host}`
  const logPath = join(shotDir, 'serve.log')
  const log = createWriteStream(logPath)
  const child = spawn(bin, ['--data', data, 'serve', '--addr', host], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  try {
    await waitReady(baseURL, child, logPath)
  } catch (e) {
    child.kill('SIGKILL')
    throw e
  }

  const ctx: E2EContext = { baseURL, host, sessions, logPath }
  project.provide('e2e', ctx)

  return async () => {
    let problem = ''
    if (child.exitCode !== null || child.signalCode !== null) {
      problem = `sessions serve exited (${child.exitCode ?? child.signalCode}) before the tests ended`
    } else {
      child.kill('SIGINT')
      if (!(await exited(child, 20_000))) {
        child.kill('SIGKILL')
        await exited(child, 5_000)
        problem = 'sessions serve did not exit within 20s of SIGINT'
      } else if (child.exitCode !== 0) {
        problem = `sessions serve exited with ${child.exitCode ?? child.signalCode} after SIGINT, want 0`
      }
    }
    log.end()
    rmSync(tmp, { recursive: true, force: true })
    if (problem) throw new Error(`${problem}:\n${tail(logPath)}`)
  }
}
