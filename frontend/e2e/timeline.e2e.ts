// The timeline in a real browser against the real server: newest first,
// the status switch kept in the URL, and Load More to the end.
import { describe, expect, test } from 'vitest'
import { listAll } from './api'
import { useBrowser } from './browser'
import { ACTIVE_NAME } from './chats'
import { endText, loadMore, readRows, ROWS, statusOption, waitForTimeline, type Row } from './ui'

const s = useBrowser({ name: 'timeline' })

function expectNewestFirst(rows: Row[]): void {
  const starts = rows.map((r) => Date.parse(r.started))
  expect(starts.every((t) => Number.isFinite(t)), 'every row has a start time').toBe(true)
  for (let i = 1; i < starts.length; i++) {
    expect(starts[i], `row ${i} (${rows[i].name}) starts after the row above it`).toBeLessThanOrEqual(starts[i - 1])
  }
}

/** The option shows as chosen, whichever ARIA state the switch uses. */
async function chosen(label: 'All' | 'Active' | 'Completed'): Promise<boolean> {
  const el = statusOption(s.page, label)
  for (const attr of ['aria-pressed', 'aria-checked', 'aria-selected', 'aria-current']) {
    const v = await el.getAttribute(attr)
    if (v !== null) return v === 'true' || v === 'page'
  }
  throw new Error(`the ${label} option has no aria-pressed/checked/selected/current state`)
}

/** Waits until the rows are the first page of `want` (the page reloads rows after a switch). */
async function expectFirstPage(want: { id: number }[]): Promise<Row[]> {
  const ids = want.slice(0, 50).map((w) => w.id)
  await s.page.waitForFunction(
    ([sel, first, n]) => {
      const lis = Array.from(document.querySelectorAll<HTMLElement>(sel as string))
      return lis.length === n && lis[0]?.dataset.id === String(first)
    },
    [ROWS, ids[0], ids.length] as const,
  )
  const rows = await readRows(s.page)
  expect(rows.map((r) => r.id)).toEqual(ids)
  return rows
}

describe('timeline', () => {
  test('shows the imported sessions newest first', async () => {
    await s.open()
    const rows = await readRows(s.page)
    const want = s.ctx.sessions.slice(0, 50)
    expect(rows.length).toBe(50)
    expect(rows.map((r) => r.id)).toEqual(want.map((w) => w.id))
    expect(rows.map((r) => r.name)).toEqual(want.map((w) => w.name))
    expectNewestFirst(rows)
    expect(rows[0].name).toBe(ACTIVE_NAME)
  })

  test('the status switch filters the rows, lives in the URL, survives reload and back', async () => {
    const active = s.ctx.sessions.filter((x) => x.status === 'active')
    const completed = s.ctx.sessions.filter((x) => x.status === 'completed')
    expect(active.length, 'the library has an active session').toBeGreaterThan(0)

    await s.open()
    expect(await chosen('All')).toBe(true)

    await statusOption(s.page, 'Active').click()
    await s.page.waitForURL(/status=active/)
    let rows = await expectFirstPage(active)
    expect(rows.every((r) => r.status === 'Active')).toBe(true)
    expect(await chosen('Active')).toBe(true)

    await s.page.reload()
    await waitForTimeline(s.page)
    expect(s.page.url()).toMatch(/status=active/)
    expect(await chosen('Active')).toBe(true)
    await expectFirstPage(active)

    await statusOption(s.page, 'Completed').click()
    await s.page.waitForURL(/status=completed/)
    rows = await expectFirstPage(completed)
    expect(rows.every((r) => r.status === 'Completed')).toBe(true)

    await s.page.goBack()
    await s.page.waitForURL(/status=active/)
    await expectFirstPage(active)
    expect(await chosen('Active')).toBe(true)

    await s.page.goBack()
    await s.page.waitForURL((u) => !/status=(active|completed)/.test(u.hash))
    await expectFirstPage(s.ctx.sessions)
    expect(await chosen('All')).toBe(true)
  })

  test('Load More pages to the end text, every session once, newest first', async () => {
    await s.open()
    let pages = 1
    while (!(await endText(s.page).isVisible())) {
      const before = await s.page.locator(ROWS).count()
      await loadMore(s.page).click()
      await s.page.waitForFunction(
        ([sel, n, end]) =>
          document.querySelectorAll(sel as string).length > (n as number) || document.body.innerText.includes(end as string),
        [ROWS, before, "You've reached the end of the sessions."] as const,
      )
      pages++
      expect(pages, 'Load More never reached the end').toBeLessThan(100)
    }
    await expect.poll(() => loadMore(s.page).count()).toBe(0)
    const rows = await readRows(s.page)
    const all = await listAll(s.ctx)
    expect(pages).toBeGreaterThan(1)
    expect(rows.length).toBeGreaterThan(50)
    expect(rows.map((r) => r.id)).toEqual(all.map((a) => a.id))
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
    expectNewestFirst(rows)
    await endText(s.page).scrollIntoViewIfNeeded()
  })
})
