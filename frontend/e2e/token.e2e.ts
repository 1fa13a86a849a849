// Beyond loopback `sessions serve` prints a token and every API call needs
// it: the page asks for it once, keeps it, and the event stream takes it as
// ?token=. The server binds 0.0.0.0 but is only ever reached over 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useBrowser } from './browser'
import { repoRoot, shotDir } from './env'
import { run, startServe, type Server } from './server'
import { readRows, ROWS } from './ui'

const s = useBrowser({ name: 'token' })
let server: Server
let token = ''
let tmp = ''

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sessions-e2e-token-'))
  const data = join(tmp, 'data')
  const example = join(repoRoot, 'backend', 'importer', 'testdata', 'WhatsApp Chat with Alice Example.txt')
  const r = run(['--data', data, 'import', '--tz', 'UTC', example])
  expect(r.status, r.stderr).toBe(0)
  const logPath = join(shotDir, 'token-serve.log')
  server = await startServe(data, logPath, 60_000, '', '0.0.0.0')
  // The token line follows the URL line on stdout.
  for (let i = 0; i < 100 && !token; i++) {
    token = /asks for this token once:\s*\n\s*(\S+)/.exec(readFileSync(logPath, 'utf8'))?.[1] ?? ''
    if (!token) await new Promise((r) => setTimeout(r, 100))
  }
  if (!token) throw new Error(`sessions serve on 0.0.0.0 printed no token:\n${readFileSync(logPath, 'utf8')}`)
})

afterAll(async () => {
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

async function list(auth?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.baseURL}/api/SessionsService/ListSessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
    body: JSON.stringify([{ status: 'all', limit: 5 }]),
  })
  return { status: res.status, body: await res.text() }
}

describe('token beyond loopback', () => {
  test('every API call needs the printed token; the event stream takes it as ?token=', async () => {
    expect(token.length).toBeGreaterThanOrEqual(16)
    const none = await list()
    expect(none).toEqual({ status: 401, body: expect.stringContaining('"error":"token required"') })
    expect((await list('Bearer not-the-token')).status).toBe(401)
    const ok = await list(`Bearer ${token}`)
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).total).toBeGreaterThan(0)

    expect((await fetch(`${server.baseURL}/api/events`)).status).toBe(401)
    const ac = new AbortController()
    const ev = await fetch(`${server.baseURL}/api/events?token=${encodeURIComponent(token)}`, { signal: ac.signal })
    expect(ev.status).toBe(200)
    expect(ev.headers.get('content-type')).toMatch(/^text\/event-stream/)
    ac.abort()
  })

  test('the page asks for the token once and keeps it', async () => {
    await s.page.goto(server.baseURL + '/')
    const prompt = s.page.getByRole('dialog', { name: 'Access token' })
    await prompt.waitFor()
    expect(await s.page.locator(ROWS).count()).toBe(0)

    await prompt.getByLabel('Token').fill('wrong-token')
    await prompt.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => prompt.innerText()).toContain('That token was refused')
    await s.shot('prompt after a wrong token')

    await prompt.getByLabel('Token').fill(token)
    await prompt.getByRole('button', { name: 'Continue' }).click()
    await s.page.locator(ROWS).first().waitFor()
    expect((await readRows(s.page)).map((r) => r.name)).toContain('Alice Example')
    expect(await s.page.evaluate(() => localStorage.getItem('sessions.token'))).toBe(token)

    // Kept: a reload asks nothing.
    await s.page.reload()
    await s.page.locator(ROWS).first().waitFor()
    expect(await prompt.count()).toBe(0)
  })
})
