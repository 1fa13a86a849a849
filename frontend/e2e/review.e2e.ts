// A reviewer's day in a real browser against the real server on the
// fixtures: search, each filter added and removed, filters layered, the
// number of matches against the server's own count, a session's detail,
// Go to Conversation, a label added and filtered by, a custom field defined,
// filled and filtered by in another case, and the keyboard alone from the
// search box to a conversation and back.
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { call } from './api'
import { useBrowser } from './browser'
import { ACTIVE_NAME, MANY_COUNT, MANY_NAME } from './chats'
import { readRows, ROWS } from './ui'

const s = useBrowser({ name: 'review' })

interface Total {
  total: number
}

/** The number of sessions the server says match req. */
async function total(req: Record<string, unknown>): Promise<number> {
  return (await call<Total>(s.ctx, 'SessionsService', 'ListSessions', [{ status: 'all', limit: 1, ...req }])).total
}

function countText(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'session' : 'sessions'}`
}

/** Waits until the bar shows n matches and no new page is on its way. */
async function expectCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) =>
      document.querySelector('.fb-count')?.textContent?.trim() === want &&
      !document.querySelector('ol[aria-label="Sessions"][aria-busy="true"]'),
    countText(n),
  )
}

async function addFilter(page: Page, name: string): Promise<import('playwright-core').Locator> {
  await page.getByRole('button', { name: 'Add filter' }).click()
  await page.getByRole('menuitem', { name, exact: true }).click()
  return page.getByRole('form', { name: `${name} filter` })
}

const hashParams = (page: Page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.split('?')[1] ?? '')))

describe('review', () => {
  test('the search box finds a contact by name as the user types, and the count is the server’s', async () => {
    await s.open()
    const all = await total({})
    await expectCount(s.page, all)
    await s.page.getByRole('searchbox', { name: 'Search sessions' }).pressSequentially(MANY_NAME, { delay: 30 })
    const want = await total({ q: MANY_NAME })
    expect(want).toBeGreaterThanOrEqual(MANY_COUNT)
    await expectCount(s.page, want)
    expect(await hashParams(s.page)).toEqual({ q: MANY_NAME })
    const rows = await readRows(s.page)
    expect(rows.length).toBe(Math.min(50, want))
    expect(rows.every((r) => r.name === MANY_NAME)).toBe(true)
    // Reload: the search stays.
    await s.page.reload()
    await expectCount(s.page, want)
    expect(await s.page.getByRole('searchbox', { name: 'Search sessions' }).inputValue()).toBe(MANY_NAME)
  })

  test('each filter is added as a chip, counts as the server does, and is removed on its own', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const cases: [string, (f: import('playwright-core').Locator) => Promise<unknown>, Record<string, unknown>][] = [
      ['Contact Name', (f) => f.getByRole('searchbox').fill(MANY_NAME), { name: MANY_NAME }],
      ['Summary', (f) => f.getByRole('searchbox').fill('order'), { summary: 'order' }],
      ['Message text', (f) => f.getByRole('searchbox').fill('hello'), { text: 'hello' }],
      ['Start Date', (f) => f.getByLabel('From').fill('2020-01-01'), { from: '2020-01-01' }],
      ['End Date', (f) => f.getByLabel('To').fill(today), { ended_to: today }],
      ['Channel Type', (f) => f.getByLabel('WhatsApp').check(), { channels: ['whatsapp'] }],
      ['Sentiment', (f) => f.getByLabel('Sentiment is').selectOption('neutral'), { sentiment: 'neutral' }],
    ]
    await s.open()
    const all = await total({})
    for (const [name, fill, req] of cases) {
      const form = await addFilter(s.page, name)
      await fill(form)
      await form.getByRole('button', { name: 'Apply' }).click()
      const want = await total(req)
      expect(want, `${name} keeps fewer sessions than all`).toBeLessThanOrEqual(all)
      await expectCount(s.page, want)
      const chip = s.page.getByRole('list', { name: 'Filters' }).getByRole('button', { name: /^Remove filter / })
      expect(await chip.count(), `one chip for ${name}`).toBe(1)
      await chip.click()
      await expectCount(s.page, all)
      expect(await hashParams(s.page), `${name} left the URL`).toEqual({})
    }
  })

  test('filters layer with AND, back takes the last one off', async () => {
    await s.open(`/sessions?name=${encodeURIComponent(MANY_NAME)}`)
    await expectCount(s.page, await total({ name: MANY_NAME }))
    const form = await addFilter(s.page, 'Channel Type')
    await form.getByLabel('Instagram').check()
    await form.getByRole('button', { name: 'Apply' }).click()
    const both = await total({ name: MANY_NAME, channels: ['instagram'] })
    await expectCount(s.page, both)
    expect(both).toBeLessThan(await total({ name: MANY_NAME }))
    await s.page.goBack()
    await expectCount(s.page, await total({ name: MANY_NAME }))
  })

  test('a session opens beside the list, and Go to Conversation opens its thread at it', async () => {
    await s.open()
    const first = (await readRows(s.page))[0]
    await s.page.locator(`${ROWS}[data-id="${first.id}"] .row-link`).click()
    const detail = s.page.getByRole('complementary', { name: 'Session detail' })
    await detail.getByRole('heading', { level: 2, name: first.name }).waitFor()
    expect((await hashParams(s.page)).open).toBe(String(first.id))
    expect(await detail.getByText('Started').count()).toBeGreaterThan(0)
    const got = await call<{ conversation_id: number }>(s.ctx, 'SessionsService', 'GetSession', [first.id])
    await detail.getByRole('button', { name: 'Go to Conversation' }).click()
    await s.page.waitForFunction(() => location.hash.startsWith('#/conversation'))
    expect(await hashParams(s.page)).toEqual({ id: String(got.conversation_id), session: String(first.id) })
    await s.page.goBack()
    await detail.getByRole('heading', { level: 2, name: first.name }).waitFor()
  })

  test('a label added in the detail shows in the row and filters the list', async () => {
    const label = `Coach check ${Date.now()}`
    await s.open(`/sessions?name=${encodeURIComponent(ACTIVE_NAME)}`)
    const row = (await readRows(s.page))[0]
    await s.page.locator(`${ROWS}[data-id="${row.id}"] .row-link`).click()
    const box = s.page.getByRole('combobox', { name: 'Add a label' })
    await box.fill(label)
    await box.press('Enter')
    await s.page.locator(`${ROWS}[data-id="${row.id}"] .label`, { hasText: label }).waitFor()
    await s.page.keyboard.press('Escape')
    // The label in another case, as the folding rule allows.
    await s.open(`/sessions?label=${encodeURIComponent(label.toUpperCase())}`)
    await expectCount(s.page, 1)
    expect((await readRows(s.page)).map((r) => r.id)).toEqual([row.id])
  })

  test('a custom field defined, set in the detail and filtered by in another case', async () => {
    const key = `city_${Date.now() % 100000}`
    await s.page.goto(`${s.ctx.baseURL}/#/labels`)
    await s.page.getByLabel('New field name').fill(key)
    await s.page.getByRole('button', { name: 'Define field' }).click()
    await s.page.getByRole('list', { name: 'Custom fields' }).getByText(key, { exact: true }).first().waitFor()
    await s.open(`/sessions?name=${encodeURIComponent(MANY_NAME)}`)
    const row = (await readRows(s.page))[0]
    await s.page.locator(`${ROWS}[data-id="${row.id}"] .row-link`).click()
    const input = s.page.getByRole('complementary', { name: 'Session detail' }).getByLabel(key, { exact: true })
    await input.fill('München')
    await input.press('Enter')
    await s.page.locator(`${ROWS}[data-id="${row.id}"] .field`, { hasText: 'München' }).waitFor()
    await s.open(`/sessions?field=${encodeURIComponent(`${key}:MÜNCHEN`)}`)
    await expectCount(s.page, 1)
    expect((await readRows(s.page)).map((r) => r.id)).toEqual([row.id])
    expect(await total({ fields: { [key]: 'munchen' } })).toBe(1)
  })

  test('keyboard only: search, down the list, open, the conversation, and back to the same place', async () => {
    await s.open()
    await s.page.keyboard.press('/')
    await s.page.keyboard.type(MANY_NAME)
    await s.page.keyboard.press('Enter')
    await expectCount(s.page, await total({ q: MANY_NAME }))
    // Out of the box (Tab), where j and k move through the list again.
    await s.page.keyboard.press('Tab')
    await s.page.keyboard.press('j')
    await s.page.keyboard.press('j')
    await s.page.keyboard.press('j')
    await s.page.keyboard.press('k')
    const second = (await readRows(s.page))[1]
    expect(await s.page.evaluate(() => document.activeElement?.closest('li')?.dataset.id)).toBe(String(second.id))
    await s.page.keyboard.press('Enter')
    await s.page.getByRole('complementary', { name: 'Session detail' }).getByRole('heading', { level: 2 }).waitFor()
    expect((await hashParams(s.page)).open).toBe(String(second.id))
    await s.page.keyboard.press('g')
    await s.page.keyboard.press('c')
    await s.page.waitForFunction(() => location.hash.startsWith('#/conversation'))
    await s.page.keyboard.press('Escape')
    await s.page.waitForFunction(() => /open=/.test(location.hash))
    expect(await hashParams(s.page)).toEqual({ q: MANY_NAME, open: String(second.id) })
    await s.page.keyboard.press('Escape')
    await s.page.waitForFunction(() => !/open=/.test(location.hash))
    expect(await hashParams(s.page)).toEqual({ q: MANY_NAME })
    await s.page.waitForFunction((id) => document.activeElement?.closest('li')?.dataset.id === id, String(second.id))
  })
})
