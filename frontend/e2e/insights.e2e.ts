// Insights, saved views and the CSV export against their own `sessions
// serve` on the sample library: insights opened with a filter agree with the
// server, a chart's period switched, a bar clicked on the canvas lands on the
// timeline of that bar's sessions, a saved view reopens after a restart of
// the server, and Export CSV downloads a file that parses back to the
// timeline's rows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useBrowser } from './browser'
import { shotDir } from './env'
import { startServe, type Server } from './server'
import { readRows, ROWS } from './ui'

const s = useBrowser({ name: 'insights' })
let server: Server
let tmp = ''
let data = ''

interface Bucket {
  start: string
  end: string
  by_channel: Record<string, number>
  total: number
}
interface Insights {
  total: number
  period: string
  sessions_per_bucket: Bucket[]
}

async function api<T>(service: string, method: string, ...args: unknown[]): Promise<T> {
  const res = await fetch(`${server.baseURL}/api/${service}/${method}`, { method: 'POST', body: JSON.stringify(args) })
  expect(res.status, `${service}.${method}: ${await res.clone().text()}`).toBe(200)
  return (await res.json()) as T
}

const total = async (filter: Record<string, unknown>) =>
  (await api<{ total: number }>('SessionsService', 'ListSessions', { ...filter, limit: 1 })).total

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sessions-e2e-insights-'))
  data = join(tmp, 'data')
  server = await startServe(data, join(shotDir, 'insights-serve.log'))
  const report = await api<{ totals: { sessions: number } }>('SettingsService', 'LoadSampleData')
  expect(report.totals.sessions).toBeGreaterThan(20)
})

afterAll(async () => {
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

/** The number the filter bar shows ("42 sessions"). */
async function shownCount(page: Page): Promise<number> {
  const loc = page.locator('.filter-bar').getByText(/^[\d,]+ sessions?$/)
  await loc.waitFor()
  return Number((await loc.textContent())!.replace(/\D/g, ''))
}

async function openInsights(page: Page, hash: string): Promise<void> {
  await page.goto(`${server.baseURL}/${hash}`)
  await page.getByRole('heading', { name: 'Sessions by channel' }).waitFor()
}

/** A simple RFC 4180 reader: quoted cells with commas, quotes and line breaks. */
function parseCSV(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++
      else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') row.push(cell), (cell = '')
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row)
  return rows
}

describe('insights', () => {
  test('open with a filter, switch the period, click a bar and land on its sessions', async () => {
    const page = s.page
    await openInsights(page, '#/insights?channel=whatsapp')
    const want = await total({ channels: ['whatsapp'] })
    expect(want).toBeGreaterThan(0)
    expect(await shownCount(page)).toBe(want)
    expect(await page.getByRole('heading', { name: 'Sessions by channel' }).locator('..').getByText(/sessions?$/).textContent()).toBe(
      `${want} sessions`,
    )

    // The period: a month per bar, in the URL, and the table says the same as the server.
    const period = page.getByRole('group', { name: 'Period' })
    expect(await period.getByRole('button', { name: 'Day' }).getAttribute('aria-pressed')).toBe('true')
    await period.getByRole('button', { name: 'Month' }).click()
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/insights?channel=whatsapp&period=month')
    const months = await api<Insights>('InsightsService', 'Insights', { filter: { channels: ['whatsapp'] }, period: 'month' })
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Sessions by channel' }) })
    await card.getByRole('button', { name: 'Table' }).click()
    const table = card.getByRole('table')
    await expect.poll(async () => (await table.locator('tbody tr').count())).toBe(months.sessions_per_bucket.length)
    const firstRow = await table.locator('tbody tr').first().locator('th, td').allTextContents()
    const b0 = months.sessions_per_bucket[0]
    expect(firstRow.at(-1)).toBe(String(b0.total))
    expect(firstRow[0]).toMatch(/^\w+ \d{4}$/)
    await s.shot('month table')
    await card.getByRole('button', { name: 'Table' }).click()

    // The chart's CSV, as the program writes it: one row a month, the same totals.
    const [csvFile] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'Download Sessions by channel as CSV' }).click(),
    ])
    expect(csvFile.suggestedFilename()).toBe('insights-sessions-month.csv')
    const csvPath = join(tmp, 'chart.csv')
    await csvFile.saveAs(csvPath)
    const [head, ...monthRows] = parseCSV(readFileSync(csvPath, 'utf8').replace(/^\ufeff/, '')).filter((r) => r.length > 1)
    expect(head.slice(0, 3)).toEqual(['start', 'end', 'sessions'])
    expect(monthRows.map((r) => [r[0], r[1], Number(r[2])])).toEqual(months.sessions_per_bucket.map((b) => [b.start, b.end, b.total]))

    // A click on the canvas: along the foot of the plot, where every bar starts, until one is hit.
    const chart = card.getByRole('img', { name: 'Sessions by channel chart' })
    const box = (await chart.boundingBox())!
    let landed = ''
    for (let x = box.x + 40; x < box.x + box.width - 10 && !landed; x += 6) {
      await page.mouse.click(x, box.y + box.height - 38)
      const hash = await page.evaluate(() => location.hash)
      if (hash.startsWith('#/sessions')) landed = hash
    }
    expect(landed, 'no bar of the chart took a click').not.toBe('')
    const params = new URLSearchParams(landed.slice(landed.indexOf('?') + 1))
    expect(params.get('channel')).toBe('whatsapp')
    const bucket = months.sessions_per_bucket.find((b) => b.start === params.get('from'))
    expect(bucket, `no month starts on ${params.get('from')}`).toBeDefined()
    expect(params.get('to')).toBe(bucket!.end)
    await page.locator(ROWS).first().waitFor()
    const n = bucket!.by_channel.whatsapp
    expect(await shownCount(page)).toBe(n)
    expect(await total({ channels: ['whatsapp'], from: bucket!.start, to: bucket!.end })).toBe(n)
    const rows = await readRows(page)
    for (const r of rows) expect(r.started.slice(0, 7), `row ${r.id} started ${r.started}`).toBe(bucket!.start.slice(0, 7))
    // Back: the insights as they were.
    await page.goBack()
    await page.getByRole('heading', { name: 'Sessions by channel' }).waitFor()
    expect(await page.evaluate(() => location.hash)).toBe('#/insights?channel=whatsapp&period=month')
  })

  test('a saved view is listed, renamed and reopens with its filter after a restart', async () => {
    const page = s.page
    await openInsights(page, '#/insights?channel=whatsapp&period=week&sentiment=positive')
    await page.getByRole('button', { name: 'Save view' }).click()
    await page.getByLabel('Name of the view').fill('Happy WhatsApp')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    const list = page.getByRole('list', { name: 'Saved views' })
    const link = list.getByRole('link', { name: 'Happy WhatsApp' })
    await link.waitFor()
    expect(await link.getAttribute('aria-current')).toBe('page')
    const href = (await link.getAttribute('href'))!
    expect(href).toMatch(/^#\/view\/\d+$/)

    // A second name, then the first renamed from its menu.
    await page.getByRole('button', { name: 'Save view' }).click()
    await page.getByLabel('Name of the view').fill('happy whatsapp')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: /happy whatsapp/i }).waitFor()
    await page.getByRole('button', { name: 'Cancel' }).click()
    await list.getByRole('button', { name: 'Change view Happy WhatsApp' }).click()
    await list.getByRole('button', { name: 'Rename…' }).click()
    await list.getByLabel('New name').fill('Glad on WhatsApp')
    await list.getByRole('button', { name: 'Rename', exact: true }).click()
    await list.getByRole('link', { name: 'Glad on WhatsApp' }).waitFor()
    const views = await api<{ id: number; name: string; page: string; params: Record<string, string> }[]>('ViewsService', 'ListViews')
    expect(views).toEqual([
      expect.objectContaining({ name: 'Glad on WhatsApp', page: 'insights', params: { channel: 'whatsapp', period: 'week', sentiment: 'positive' } }),
    ])

    await server.stop()
    server = await startServe(data, join(shotDir, 'insights-serve-2.log'))
    await page.goto(`${server.baseURL}/${href}`)
    await page.getByRole('heading', { name: 'Sessions by channel' }).waitFor()
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/insights?channel=whatsapp&period=week&sentiment=positive')
    expect(await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Week' }).getAttribute('aria-pressed')).toBe('true')
    expect(await shownCount(page)).toBe(await total({ channels: ['whatsapp'], sentiment: 'positive' }))
    expect(await page.getByRole('list', { name: 'Saved views' }).getByRole('link', { name: 'Glad on WhatsApp' }).getAttribute('aria-current')).toBe(
      'page',
    )
  })

  test('Export CSV downloads the filtered timeline, one row per session', async () => {
    const page = s.page
    await page.goto(`${server.baseURL}/#/sessions?channel=whatsapp&label=Delivery`)
    await page.locator(ROWS).first().waitFor()
    const want = await total({ channels: ['whatsapp'], labels: ['Delivery'] })
    expect(await shownCount(page)).toBe(want)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const path = join(tmp, 'export.csv')
    await download.saveAs(path)
    const text = readFileSync(path, 'utf8')
    expect(text.charCodeAt(0), 'a byte order mark for spreadsheet apps').toBe(0xfeff)
    const [header, ...rows] = parseCSV(text.slice(1)).filter((r) => r.length > 1)
    expect(header.slice(0, 9)).toEqual(['id', 'contact', 'email', 'phone', 'channel', 'status', 'start', 'end', 'duration_s'])
    expect(header).toContain('labels')
    expect(rows).toHaveLength(want)
    const shown = await readRows(page)
    const first = rows.find((r) => Number(r[0]) === shown[0].id)
    expect(first, `session ${shown[0].id} of the timeline is in the file`).toBeDefined()
    const col = (name: string) => first![header.indexOf(name)]
    expect(col('channel')).toBe('whatsapp')
    expect(col('contact')).toBe(shown[0].name)
    expect(col('labels').split('; ')).toContain('Delivery')
    for (const r of rows) expect(r[header.indexOf('channel')]).toBe('whatsapp')
  })
})
