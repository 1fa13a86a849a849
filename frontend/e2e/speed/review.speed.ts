// Issue 12's speed budget for the timeline's controls, in Chromium through
// `sessions serve` on the big kept library: a keystroke in the search box
// to the updated list painted (p95 within 100 ms), a filter chip added with
// Apply to the list painted (within 150 ms), a session's detail opened with
// a click to it painted (within 100 ms). Figures go to the output and to
// build/e2e/speed-review.json; nothing here fails on a figure.
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect, inject, test } from 'vitest'
import { launch } from '../browser'
import { shotDir } from '../env'
import { ROWS } from '../ui'
import { calls, installProbe, now, stats, until, verdict } from './probe'

interface Listed {
  sessions: { id: number; contact: { name: string } | null; summary: string | null }[]
  total: number
}

async function api<T>(baseURL: string, service: string, method: string, args: unknown[]): Promise<T> {
  const res = await fetch(`${baseURL}/api/${service}/${method}`, { method: 'POST', body: JSON.stringify(args) })
  if (!res.ok) throw new Error(`${service}.${method}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Waits until the page has no call on its way and the list is not waiting for one. */
async function quiet(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      () => !window.__probe.calls.some((c) => c.end === null) && !document.querySelector('ol[aria-busy="true"]'),
      null,
      { timeout: 60_000 },
    )
  } catch (e) {
    const pending = await page.evaluate(() => window.__probe.calls.filter((c) => c.end === null))
    throw new Error(`the page did not settle: calls on their way ${JSON.stringify(pending)}`, { cause: e })
  }
}

test('search, filter chips and the detail at the library size served', async () => {
  const { baseURL, library } = inject('speed')
  // Words a user of this library would type: contacts' first names and a
  // word of a summary, from the newest page.
  const newest = await api<Listed>(baseURL, 'SessionsService', 'ListSessions', [{ status: 'all', limit: 50 }])
  const names = [...new Set(newest.sessions.map((s) => s.contact?.name.split(' ')[0] ?? '').filter((n) => n.length >= 4))]
  const words = [...new Set(newest.sessions.flatMap((s) => (s.summary ?? '').toLowerCase().match(/[a-z]{6,}/g) ?? []))]
  const typed = [names[0], names[1], words[0], names[2]].filter(Boolean).map((w) => w.slice(0, 6))
  const labels = await api<{ name: string }[]>(baseURL, 'LabelsService', 'ListLabels', [])
  const fields = await api<{ key: string }[]>(baseURL, 'FieldsService', 'ListFields', [])
  expect(typed.length, 'words to type from the library').toBeGreaterThanOrEqual(3)

  const b = await launch()
  const key: number[] = []
  const keyAfterPause: number[] = []
  const keyRequest: number[] = []
  const chip: Record<string, number[]> = {}
  const chipRemove: number[] = []
  const detail: number[] = []
  const detailRequest: number[] = []
  try {
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await installProbe(page)
    await page.goto(baseURL + '/')
    await page.waitForSelector(ROWS, { timeout: 120_000 })
    await quiet(page)
    const box = page.getByRole('searchbox', { name: 'Search sessions' })

    // Search: each keystroke on its own (the list settles in between), a
    // word letter by letter, then the box emptied.
    for (const word of typed) {
      await box.click()
      for (let i = 1; i <= word.length; i++) {
        const since = await now(page)
        await page.keyboard.press(word[i - 1])
        const q = word.slice(0, i)
        const t = await until(page, { kind: 'search', q, since })
        const k = await page.evaluate(() => window.__probe.lastKey)
        const [c] = (await calls(page, 'ListSessions', since)).filter((x) => (x.args[0] as { q?: string }).q === q)
        key.push(t.painted - k)
        keyAfterPause.push(t.painted - c.start)
        keyRequest.push((c.end ?? NaN) - c.start)
        await quiet(page)
      }
      await box.fill('')
      await box.press('Enter')
      await quiet(page)
    }
    await page.screenshot({ path: join(shotDir, 'speed-search.png') })

    // Filter chips: each kind added with Apply, then removed.
    const kinds: [string, (p: Page) => Promise<unknown>][] = [
      ['Channel Type', (p) => p.getByRole('form', { name: 'Channel Type filter' }).getByLabel('WhatsApp').check()],
      ['Sentiment', (p) => p.getByRole('form', { name: 'Sentiment filter' }).getByLabel('Sentiment is').selectOption('negative')],
      ['Start Date', (p) => p.getByRole('form', { name: 'Start Date filter' }).getByLabel('From').fill('2024-01-01')],
      ['Contact Name', (p) => p.getByRole('form', { name: 'Contact Name filter' }).getByRole('searchbox').fill(names[0])],
    ]
    if (labels.length > 0) {
      kinds.push([
        'Label',
        (p) => p.getByRole('form', { name: 'Label filter' }).getByLabel(labels[0].name, { exact: true }).check(),
      ])
    }
    if (fields.some((f) => f.key === 'city')) {
      kinds.push([
        'Custom Field',
        async (p) => {
          const f = p.getByRole('form', { name: 'Custom Field filter' })
          await f.getByRole('combobox', { name: /^Field/ }).selectOption('city')
          await f.getByLabel('Value is').fill('MÜNCHEN')
        },
      ])
    }
    for (let round = 0; round < 3; round++) {
      for (const [name, fill] of kinds) {
        await page.getByRole('button', { name: 'Add filter' }).click()
        await page.getByRole('menuitem', { name, exact: true }).click()
        await fill(page)
        const since = await now(page)
        await page.getByRole('form', { name: `${name} filter` }).getByRole('button', { name: 'Apply' }).click()
        const t = await until(page, { kind: 'list', since })
        const c = await page.evaluate(() => window.__probe.lastClick)
        ;(chip[name] ??= []).push(t.painted - c)
        await quiet(page)
        if (round === 0 && name === kinds[kinds.length - 1][0]) await page.screenshot({ path: join(shotDir, 'speed-chip.png') })
        const since2 = await now(page)
        await page.getByRole('button', { name: /^Remove filter / }).click()
        const t2 = await until(page, { kind: 'list', since: since2 })
        chipRemove.push(t2.painted - (await page.evaluate(() => window.__probe.lastClick)))
        await quiet(page)
      }
    }

    // The detail: 20 rows of the first pages opened one after the other.
    const ids = await page.$$eval(ROWS, (lis) => lis.map((li) => Number((li as HTMLElement).dataset.id)))
    for (const id of ids.slice(0, 20)) {
      const since = await now(page)
      await page.locator(`${ROWS}[data-id="${id}"] .row-link`).click()
      const t = await until(page, { kind: 'detail', id, since })
      const c = await page.evaluate(() => window.__probe.lastClick)
      const [g] = await calls(page, 'GetSession', since)
      detail.push(t.painted - c)
      detailRequest.push((g.end ?? NaN) - g.start)
      await quiet(page)
    }
    await page.screenshot({ path: join(shotDir, 'speed-detail.png') })
    await context.close()
  } finally {
    await b.close()
  }

  const chipAll = Object.values(chip).flat()
  const hasCity = 'Custom Field' in chip
  // Other work on the machine's cores shows in every figure: said beside them.
  const load = loadavg().map((x) => Math.round(x * 100) / 100)
  const result = {
    load,
    library,
    typed,
    searchKeystrokeMs: stats(key),
    searchFromRequestMs: stats(keyAfterPause),
    searchRequestMs: stats(keyRequest),
    chipAddMs: stats(chipAll),
    chipAddByKindMs: Object.fromEntries(Object.entries(chip).map(([k, v]) => [k, stats(v)])),
    chipRemoveMs: stats(chipRemove),
    detailOpenMs: stats(detail),
    detailRequestMs: stats(detailRequest),
    budget: { searchKeystrokeP95Ms: 100, chipAddMs: 150, detailOpenMs: 100 },
  }
  writeFileSync(join(shotDir, 'speed-review.json'), JSON.stringify(result, null, 2) + '\n')
  const kindLines = Object.entries(result.chipAddByKindMs).map(([k, s]) => `      ${k}: p50 ${s.p50} ms, max ${s.max} ms`)
  console.log(
    [
      `speed: ${library} (load average ${load.join(', ')})`,
      `  search keystroke to the list painted: p50 ${result.searchKeystrokeMs.p50} ms, p95 ${result.searchKeystrokeMs.p95} ms, max ${result.searchKeystrokeMs.max} ms over ${key.length} keystrokes (budget p95 100 ms: ${verdict(result.searchKeystrokeMs.p95 <= 100)})`,
      `    of which after the typing pause, request to painted: p50 ${result.searchFromRequestMs.p50} ms, p95 ${result.searchFromRequestMs.p95} ms; the request: p50 ${result.searchRequestMs.p50} ms, p95 ${result.searchRequestMs.p95} ms`,
      `  filter chip Apply to the list painted: p50 ${result.chipAddMs.p50} ms, p95 ${result.chipAddMs.p95} ms, max ${result.chipAddMs.max} ms over ${chipAll.length} chips (budget 150 ms: ${verdict(result.chipAddMs.max <= 150)})`,
      ...kindLines,
      ...(hasCity ? [] : ['      Custom Field: not measured: this library has no city field (go test -bench BenchmarkTimeline1M sets it on a kept library)']),
      `    chip removed to the list painted: p50 ${result.chipRemoveMs.p50} ms, max ${result.chipRemoveMs.max} ms`,
      `  detail click to painted: p50 ${result.detailOpenMs.p50} ms, p95 ${result.detailOpenMs.p95} ms, max ${result.detailOpenMs.max} ms over ${detail.length} sessions (budget 100 ms: ${verdict(result.detailOpenMs.max <= 100)})`,
      `    of which GetSession: p50 ${result.detailRequestMs.p50} ms, max ${result.detailRequestMs.max} ms`,
      `  figures: build/e2e/speed-review.json`,
    ].join('\n'),
  )
  // Sanity, not speed: every measure was taken.
  expect(key.length).toBeGreaterThan(10)
  expect(detail.length).toBe(20)
})
