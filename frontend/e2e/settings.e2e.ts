// Settings and the first run against their own `sessions serve` on an empty
// library: sample data loaded from the first-run screen and removed from
// Settings; settings changed in the page and kept after a restart of the
// server; a new session gap previewed before it is applied.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useBrowser } from './browser'
import { shotDir } from './env'
import { startServe, type Server } from './server'
import { readRows, ROWS } from './ui'

const s = useBrowser({ name: 'settings' })
let server: Server
let tmp = ''
let data = ''

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sessions-e2e-settings-'))
  data = join(tmp, 'data')
  server = await startServe(data, join(shotDir, 'settings-serve.log'))
})

afterAll(async () => {
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

async function api<T>(method: string, ...args: unknown[]): Promise<T> {
  const res = await fetch(`${server.baseURL}/api/SettingsService/${method}`, { method: 'POST', body: JSON.stringify(args) })
  expect(res.status, `${method}: ${await res.clone().text()}`).toBe(200)
  return (await res.json()) as T
}

describe('first run and settings', () => {
  test('an empty library tries the sample data from the first run, and Settings removes it', async () => {
    const page = s.page
    await page.goto(`${server.baseURL}/#/welcome`)
    await page.getByRole('heading', { name: 'Welcome to Sessions' }).waitFor()
    await page.getByRole('button', { name: 'Try with sample data' }).click()
    await page.waitForURL(/#\/sessions/)
    await page.locator(ROWS).first().waitFor()
    const rows = await readRows(page)
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.some((r) => r.status === 'Active')).toBe(true)
    expect(await api<boolean>('HasSampleData')).toBe(true)

    await page.goto(`${server.baseURL}/#/settings`)
    await page.getByRole('button', { name: 'Remove sample data' }).click()
    await page.getByText(/Removed \d+ sample sessions\./).waitFor()
    expect(await api<boolean>('HasSampleData')).toBe(false)
    const list = await fetch(`${server.baseURL}/api/SessionsService/ListSessions`, {
      method: 'POST',
      body: JSON.stringify([{ status: 'all', limit: 5 }]),
    })
    expect((await list.json()).total).toBe(0)
  })

  test('settings changed in the page are kept after a restart', async () => {
    const page = s.page
    await page.goto(`${server.baseURL}/#/settings`)
    const agents = page.getByLabel('Agent names', { exact: true })
    await agents.fill('Maya (Fernhill)')
    await agents.press('Enter')
    await page.getByRole('list', { name: 'Current agent names' }).getByRole('button', { name: 'Maya (Fernhill)', exact: true }).waitFor()
    const zone = page.getByRole('combobox', { name: "Phone's time zone (WhatsApp)" })
    await zone.click()
    await zone.fill('berlin')
    await zone.press('Enter')
    await page.getByText(/Saved: later WhatsApp imports read times in Europe \/ Berlin/).waitFor()
    await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await expect.poll(async () => (await api<{ theme: string }>('GetSettings')).theme).toBe('dark')

    await server.stop()
    server = await startServe(data, join(shotDir, 'settings-serve-2.log'))
    const v = await api<{ agents: string[]; whatsapp_zone: string; theme: string }>('GetSettings')
    expect(v).toMatchObject({ agents: ['Maya (Fernhill)'], whatsapp_zone: 'Europe/Berlin', theme: 'dark' })
    await page.goto(`${server.baseURL}/#/settings`)
    await page.getByRole('list', { name: 'Current agent names' }).getByRole('button', { name: 'Maya (Fernhill)', exact: true }).waitFor()
    expect(await page.getByRole('combobox', { name: "Phone's time zone (WhatsApp)" }).inputValue()).toBe('Europe / Berlin')
    // Another port is another origin with no theme of its own: the library's applies.
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await page.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true')
  })

  test('a new session gap says how many sessions change before it is applied', async () => {
    await api('LoadSampleData')
    const page = s.page
    await page.goto(`${server.baseURL}/#/settings`)
    const before = (await api<{ sessions_now: number }>('PreviewGap', '24h')).sessions_now
    await page.getByLabel('Session gap').fill('3')
    await page.getByText(/\d+ sessions? would change/).waitFor()
    const preview = await api<{ changed: number; sessions_after: number }>('PreviewGap', '72h')
    expect(preview.changed).toBeGreaterThan(0)
    expect(await page.getByText(/would change/).textContent()).toContain(`${preview.changed} sessions would change`)
    expect((await api<{ session_gap: string }>('GetSettings')).session_gap).toBe('24h0m0s') // nothing applied yet
    await page.getByRole('button', { name: 'Apply 3 days' }).click()
    await page.getByText(/Applied: \d+ sessions? changed/).waitFor()
    expect((await api<{ session_gap: string }>('GetSettings')).session_gap).toBe('72h0m0s')
    const total = await fetch(`${server.baseURL}/api/SessionsService/ListSessions`, {
      method: 'POST',
      body: JSON.stringify([{ status: 'all', limit: 1 }]),
    })
    expect((await total.json()).total).toBe(preview.sessions_after)
    expect(preview.sessions_after).toBeLessThan(before)
    await api('RemoveSampleData')
  })
})
