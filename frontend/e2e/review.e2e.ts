// A reviewer's day in a real browser against the real server on the
// fixtures: search, each filter added and removed, filters layered, the
// number of matches against the server's own count, a session's detail,
// Go to Conversation, a label added and filtered by, a custom field defined,
// filled and filtered by in another case, and the keyboard alone from the
// search box to a conversation and back.
import type { Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { call } from './api'
import { useBrowser } from './browser'
import { ACTIVE_NAME, MANY_COUNT, MANY_NAME, WEB_EMAIL, WEB_NAME } from './chats'
import { run } from './server'
import { readRows, ROWS } from './ui'

const s = useBrowser({ name: 'review' })

interface Listed {
  sessions: { id: number }[]
  total: number
}

/** The number of sessions the server says match req. */
async function total(req: Record<string, unknown>): Promise<number> {
  return (await call<Listed>(s.ctx, 'SessionsService', 'ListSessions', [{ status: 'all', limit: 1, ...req }])).total
}

/** The first page (50) the server gives for req: the rows the page must show, in order. */
async function firstPage(req: Record<string, unknown>): Promise<number[]> {
  const p = await call<Listed>(s.ctx, 'SessionsService', 'ListSessions', [{ status: 'all', limit: 50, ...req }])
  return p.sessions.map((x) => x.id)
}

/** `sessions list --json` with these flags, beside the open server (the local socket). */
function cliList(flags: string[]): Listed {
  const r = run(['--data', s.ctx.dataDir, 'list', '--json', '--limit', '50', ...flags])
  if (r.status !== 0) throw new Error(`sessions list ${flags.join(' ')} failed (${r.status}): ${r.stderr}`)
  return JSON.parse(r.stdout) as Listed
}

interface FirstMessage {
  conversation: number
  id: number
  body: string
}

/** The thread a session is in and the session's first message, from the server. */
async function firstMessage(session: number): Promise<FirstMessage> {
  const got = await call<{ conversation_id: number }>(s.ctx, 'SessionsService', 'GetSession', [session])
  const page = await call<{ messages: { id: number; body: string; session_id: number | null }[] }>(
    s.ctx,
    'ConversationsService',
    'GetConversation',
    [{ id: got.conversation_id, session_id: session, limit: 1 }],
  )
  const m = page.messages[0]
  expect(m.session_id, 'the page starts at the session').toBe(session)
  return { conversation: got.conversation_id, id: m.id, body: m.body }
}

/** A label and a field on sessions of the library, for the Label and Custom Field filters. */
const LABEL = 'Needs follow-up'
const FIELD = { key: 'plan', name: 'Plan' }
let labelled: number[] = []
let planned: number[] = []

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

async function addFilter(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Add filter' }).click()
  await page.getByRole('menuitem', { name, exact: true }).click()
  return page.getByRole('form', { name: `${name} filter` })
}

const hashParams = (page: Page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.split('?')[1] ?? '')))

/** The day (YYYY-MM-DD, this machine's zone) of an ISO time. */
function localDay(iso: string): string {
  const d = new Date(iso)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

beforeAll(async () => {
  // Three sessions of the many-session contact get the label, two the field.
  const many = s.ctx.sessions.filter((x) => x.name === MANY_NAME)
  labelled = [many[3].id, many[8].id, many[40].id]
  planned = [many[5].id, many[60].id]
  for (const id of labelled) await call(s.ctx, 'LabelsService', 'AddSessionLabel', [id, LABEL])
  await call(s.ctx, 'FieldsService', 'DefineField', [{ key: FIELD.key, name: FIELD.name, type: 'text' }])
  for (const id of planned) await call(s.ctx, 'FieldsService', 'SetSessionField', [id, FIELD.key, 'Gold Plus'])
})

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

  test('each filter is added as a chip, counts and lists as the server does, and is removed on its own', async () => {
    const today = new Date().toISOString().slice(0, 10)
    type Case = [name: string, fill: (f: Locator) => Promise<unknown>, req: Record<string, unknown>, url: string, least: number]
    const cases: Case[] = [
      ['Summary', (f) => f.getByRole('searchbox').fill('order'), { summary: 'order' }, 'summary', 0],
      ['Contact Name', (f) => f.getByRole('searchbox').fill(MANY_NAME), { name: MANY_NAME }, 'name', MANY_COUNT],
      ['Contact Email', (f) => f.getByRole('searchbox').fill('web.visitor'), { email: 'web.visitor' }, 'email', 1],
      ['Start Date', (f) => f.getByLabel('From').fill('2020-01-01'), { from: '2020-01-01' }, 'from', MANY_COUNT],
      ['End Date', (f) => f.getByLabel('To').fill(today), { ended_to: today }, 'ended_to', MANY_COUNT],
      ['Channel Type', (f) => f.getByLabel('Web Chat').check(), { channels: ['webchat'] }, 'channel', 1],
      ['Label', (f) => f.getByLabel(LABEL).check(), { labels: [LABEL] }, 'label', 3],
      ['Sentiment', (f) => f.getByLabel('Sentiment is').selectOption('neutral'), { sentiment: 'neutral' }, 'sentiment', 1],
      [
        'Custom Field',
        async (f) => {
          await f.getByRole('combobox', { name: /^Field/ }).selectOption(FIELD.key)
          await f.getByLabel('Value is').fill('gold plus')
        },
        { fields: { [FIELD.key]: 'gold plus' } },
        'field',
        2,
      ],
      ['Message text', (f) => f.getByRole('searchbox').fill('hello'), { text: 'hello' }, 'text', 1],
    ]
    await s.open()
    const all = await total({})
    for (const [name, fill, req, url, least] of cases) {
      const form = await addFilter(s.page, name)
      await fill(form)
      await form.getByRole('button', { name: 'Apply' }).click()
      const want = await total(req)
      expect(want, `${name} keeps fewer sessions than all`).toBeLessThanOrEqual(all)
      expect(want, `${name} matches sessions of the library`).toBeGreaterThanOrEqual(least)
      await expectCount(s.page, want)
      expect((await readRows(s.page)).map((r) => r.id), `${name}: the rows are the server's`).toEqual(await firstPage(req))
      expect(Object.keys(await hashParams(s.page)), `${name} is in the URL`).toEqual([url])
      const chip = s.page.getByRole('list', { name: 'Filters' }).getByRole('button', { name: /^Remove filter / })
      expect(await chip.count(), `one chip for ${name}`).toBe(1)
      if (name === 'Custom Field') await s.shot('a custom field chip')
      await chip.click()
      await expectCount(s.page, all)
      expect(await hashParams(s.page), `${name} left the URL`).toEqual({})
    }
    // The web visitor's email found, and only theirs.
    expect((await call<Listed>(s.ctx, 'SessionsService', 'ListSessions', [{ status: 'all', email: WEB_EMAIL }])).total).toBe(1)
    expect(s.ctx.sessions.filter((x) => x.name === WEB_NAME)).toHaveLength(1)
  })

  test('three chips layer with AND: the count and rows are what sessions list gives for the same flags', async () => {
    const many = s.ctx.sessions.filter((x) => x.name === MANY_NAME)
    // A day between two of the contact's sessions (three days apart), in any zone.
    const from = localDay(new Date(Date.parse(many[30].started_at) - 1.5 * 24 * 3600 * 1000).toISOString())
    await s.open()
    let form = await addFilter(s.page, 'Contact Name')
    await form.getByRole('searchbox').fill(MANY_NAME)
    await form.getByRole('button', { name: 'Apply' }).click()
    form = await addFilter(s.page, 'Channel Type')
    await form.getByLabel('WhatsApp').check()
    await form.getByRole('button', { name: 'Apply' }).click()
    form = await addFilter(s.page, 'Start Date')
    await form.getByLabel('From').fill(from)
    await form.getByRole('button', { name: 'Apply' }).click()

    const cli = cliList(['--name', MANY_NAME, '--channel', 'whatsapp', '--from', from])
    expect(cli.total).toBe(31)
    await expectCount(s.page, cli.total)
    expect((await readRows(s.page)).map((r) => r.id)).toEqual(cli.sessions.map((x) => x.id))
    const chips = s.page.getByRole('list', { name: 'Filters' }).getByRole('button', { name: /^Remove filter / })
    expect(await chips.count()).toBe(3)
    expect(await hashParams(s.page)).toEqual({ name: MANY_NAME, channel: 'whatsapp', from })
    await s.shot('three chips')

    // The middle chip off: the other two still hold.
    await s.page.getByRole('button', { name: /^Remove filter Channel/ }).click()
    const two = cliList(['--name', MANY_NAME, '--from', from])
    await expectCount(s.page, two.total)
    expect((await readRows(s.page)).map((r) => r.id)).toEqual(two.sessions.map((x) => x.id))

    // A channel the contact never wrote on: nothing, and the CLI agrees.
    form = await addFilter(s.page, 'Channel Type')
    await form.getByLabel('Instagram').check()
    await form.getByRole('button', { name: 'Apply' }).click()
    expect(cliList(['--name', MANY_NAME, '--from', from, '--channel', 'instagram']).total).toBe(0)
    await expectCount(s.page, 0)
    expect(await s.page.locator(ROWS).count()).toBe(0)
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

  test('a session opens beside the list, and Go to Conversation lands on its first message, highlighted and in view', async () => {
    // A session in the middle of a 70-session thread: there are sessions above and below it.
    await s.open(`/sessions?name=${encodeURIComponent(MANY_NAME)}`)
    const pick = (await readRows(s.page))[30]
    await s.page.locator(`${ROWS}[data-id="${pick.id}"] .row-link`).click()
    const detail = s.page.getByRole('complementary', { name: 'Session detail' })
    await detail.getByRole('heading', { level: 2, name: pick.name }).waitFor()
    expect((await hashParams(s.page)).open).toBe(String(pick.id))
    expect(await detail.getByText('Started').count()).toBeGreaterThan(0)
    const first = await firstMessage(pick.id)
    await detail.getByRole('button', { name: 'Go to Conversation' }).click()
    await s.page.waitForFunction(() => location.hash.startsWith('#/conversation'))
    expect(await hashParams(s.page)).toEqual({ id: String(first.conversation), session: String(pick.id) })

    const thread = s.page.getByRole('region', { name: /^Messages of / })
    const msg = thread.locator(`[data-key="m${first.id}"]`)
    await msg.waitFor()
    // Let the earlier page land: the first message must stay where it is.
    await s.page.waitForFunction(() => !document.querySelector('.thread[aria-busy="true"]'))
    await s.page.waitForTimeout(300)
    expect(await msg.innerText()).toContain(first.body)
    expect(await msg.getAttribute('class')).toMatch(/\btrow-chosen\b/)
    await thread.getByRole('group', { name: `Session ${pick.id} (chosen)` }).waitFor()
    const inView = await msg.evaluate((el) => {
      const box = el.getBoundingClientRect()
      const view = el.closest('.thread')!.getBoundingClientRect()
      return box.top >= view.top - 1 && box.bottom <= view.bottom + 1 && box.height > 0
    })
    expect(inView, 'the first message is in view').toBe(true)
    // Only that session is highlighted: one chosen divider, and the row just
    // above it (the end of the session before) is not marked.
    expect(await thread.locator('.tdivider.chosen').count()).toBe(1)
    const above = await thread.locator('.trow:has(.tdivider.chosen)').evaluate((el) => {
      const i = Number((el as HTMLElement).dataset.index) - 1
      const prev = el.parentElement!.querySelector(`[data-index="${i}"]`)
      return prev ? { key: prev.getAttribute('data-key'), chosen: prev.classList.contains('trow-chosen') } : null
    })
    expect(above, 'the session before is drawn above the chosen one').not.toBeNull()
    expect(above!.chosen).toBe(false)
    await s.shot('conversation at the chosen session')
    await s.page.goBack()
    await detail.getByRole('heading', { level: 2, name: pick.name }).waitFor()
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
    // Out of the box (Tab), where j and k move through the list again: far
    // enough down that the list has scrolled.
    await s.page.keyboard.press('Tab')
    for (let i = 0; i < 15; i++) await s.page.keyboard.press('j')
    await s.page.keyboard.press('k')
    const rows = await readRows(s.page)
    const at = rows[13]
    const focused = () => s.page.evaluate(() => document.activeElement?.closest('li')?.dataset.id)
    expect(await focused()).toBe(String(at.id))
    const place = () =>
      s.page.evaluate((id) => {
        const li = document.querySelector<HTMLElement>(`ol[aria-label="Sessions"] > li[data-id="${id}"]`)!
        return Math.round(li.getBoundingClientRect().top)
      }, at.id)
    const top = await place()
    const scrolled = await s.page.evaluate(() => {
      const ol = document.querySelector('ol[aria-label="Sessions"]')!
      let el: Element | null = ol
      while (el && el.scrollTop === 0) el = el.parentElement
      return (el?.scrollTop ?? 0) + window.scrollY
    })
    expect(scrolled, 'the list scrolled to follow the focus').toBeGreaterThan(0)
    await s.page.keyboard.press('Enter')
    await s.page.getByRole('complementary', { name: 'Session detail' }).getByRole('heading', { level: 2 }).waitFor()
    expect((await hashParams(s.page)).open).toBe(String(at.id))
    await s.page.keyboard.press('g')
    await s.page.keyboard.press('c')
    await s.page.waitForFunction(() => location.hash.startsWith('#/conversation'))
    const first = await firstMessage(at.id)
    await s.page.locator(`[data-key="m${first.id}"].trow-chosen`).waitFor()
    await s.shot('keyboard conversation')
    await s.page.keyboard.press('Escape')
    await s.page.waitForFunction(() => /open=/.test(location.hash))
    expect(await hashParams(s.page)).toEqual({ q: MANY_NAME, open: String(at.id) })
    await s.page.keyboard.press('Escape')
    await s.page.waitForFunction(() => !/open=/.test(location.hash))
    expect(await hashParams(s.page)).toEqual({ q: MANY_NAME })
    await s.page.waitForFunction((id) => document.activeElement?.closest('li')?.dataset.id === id, String(at.id))
    expect(Math.abs((await place()) - top), 'the row is where it was on screen').toBeLessThanOrEqual(2)
  })
})
