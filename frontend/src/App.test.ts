// The whole UI against a fake desktop window (window.go and
// window.runtime) or a fake server (fetch): the timeline, its status
// switch and pages, the router's back and forward, imports and progress.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App.svelte'
import { saveToken, TOKEN_KEY } from './lib/api'
import { HOSTILE_BODY, HOSTILE_NAME, report, session, sessions } from './lib/testdata/data'
import { contactOf, detailOf } from './lib/testdata/detail'
import { fakeLabels } from './lib/testdata/labels'
import { fakeWails, settle, type FakeOptions, type FakeWindow } from './lib/testdata/wails'

let w: FakeWindow | null = null

beforeEach(() => {
  history.replaceState(null, '', '#/sessions')
  localStorage.clear()
  // jsdom has no layout to scroll; the calls are what the specs read.
  vi.stubGlobal('scrollTo', vi.fn())
})

afterEach(() => {
  w?.remove()
  w = null
  vi.unstubAllGlobals()
  saveToken('')
})

async function open(opts: FakeOptions = {}, pageSize = 3) {
  w = fakeWails(opts)
  const r = render(App, { pageSize })
  await settle()
  return r
}

const ids = () => [...document.querySelectorAll<HTMLElement>('.timeline .row')].map((r) => Number(r.dataset.id))
const pressed = () => screen.getAllByRole('button', { pressed: true }).map((b) => b.textContent?.trim())
const moved = () => new Promise((r) => window.addEventListener('hashchange', r, { once: true }))

describe('timeline', () => {
  it('shows the first page newest first and says so in the window log', async () => {
    await open({ rows: sessions(5) })
    expect(ids()).toEqual([5, 4, 3])
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sessions')
    expect(w!.logs).toContain('sessions-ui: rendered 3 rows')
  })

  it('loads more until the end text', async () => {
    await open({ rows: sessions(7) })
    await fireEvent.click(screen.getByRole('button', { name: 'Load More Sessions' }))
    await settle()
    expect(ids()).toEqual([7, 6, 5, 4, 3, 2])
    expect(screen.queryByText("You've reached the end of the sessions.")).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: 'Load More Sessions' }))
    await settle()
    expect(ids()).toEqual([7, 6, 5, 4, 3, 2, 1])
    expect(screen.getByText("You've reached the end of the sessions.")).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Load More Sessions' })).toBeNull()
    expect(w!.logs.filter((l) => l.startsWith('sessions-ui: rendered'))).toEqual([
      'sessions-ui: rendered 3 rows',
      'sessions-ui: rendered 6 rows',
      'sessions-ui: rendered 7 rows',
    ])
  })

  it('switches status through the URL, and back and forward restore the view', async () => {
    const rows = [session({ id: 3, status: 'active' }), session({ id: 2 }), session({ id: 1, status: 'active' })]
    await open({ rows })
    expect(pressed()).toEqual(['All Sessions'])
    expect(ids()).toEqual([3, 2, 1])

    await fireEvent.click(screen.getByRole('button', { name: 'Active Sessions' }))
    await settle()
    expect(location.hash).toBe('#/sessions?status=active')
    expect(pressed()).toEqual(['Active Sessions'])
    expect(ids()).toEqual([3, 1])

    await fireEvent.click(screen.getByRole('button', { name: 'Completed Sessions' }))
    await settle()
    expect(location.hash).toBe('#/sessions?status=completed')
    expect(ids()).toEqual([2])

    history.back()
    await moved()
    await settle()
    expect(pressed()).toEqual(['Active Sessions'])
    expect(ids()).toEqual([3, 1])

    history.back()
    await moved()
    await settle()
    expect(pressed()).toEqual(['All Sessions'])
    expect(ids()).toEqual([3, 2, 1])

    history.forward()
    await moved()
    await settle()
    expect(pressed()).toEqual(['Active Sessions'])
    expect(w!.requests.map((r) => r.status)).toEqual(['all', 'active', 'completed', 'active', 'all', 'active'])
  })

  it('opens the view the URL names, as after a reload', async () => {
    history.replaceState(null, '', '#/sessions?status=completed')
    await open({ rows: [session({ id: 2, status: 'active' }), session({ id: 1 })] })
    expect(pressed()).toEqual(['Completed Sessions'])
    expect(ids()).toEqual([1])
  })

  it('renders a hostile message body and contact name as text', async () => {
    const alert = vi.fn()
    vi.stubGlobal('alert', alert)
    await open({ rows: [session({ id: 1, contact: { id: 1, name: HOSTILE_NAME, email: null }, summary: HOSTILE_BODY })] })
    const row = document.querySelector('.row')!
    expect(row.querySelector('.row-name')?.textContent).toBe(HOSTILE_NAME)
    expect(row.querySelector('.row-summary')?.textContent).toBe(HOSTILE_BODY)
    expect(document.querySelector('.page img, .page script')).toBeNull()
    expect(alert).not.toHaveBeenCalled()
  })

  it('shows why the first page failed, and tries again', async () => {
    w = fakeWails({ rows: sessions(2) })
    w.app.SessionsService.ListSessions.mockRejectedValueOnce('list sessions: database is locked')
    render(App, { pageSize: 3 })
    await settle()
    const alert = screen.getByRole('alert')
    expect(within(alert).getByText('list sessions: database is locked')).toBeTruthy()
    expect(w.logs).toContain('sessions-ui: error: list sessions: database is locked')
    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await settle()
    expect(ids()).toEqual([2, 1])
  })

  it('opens an empty library on the first-run screen, and says so in the log', async () => {
    await open({ info: { data_dir: '/home/me/.local/share/sessions' } })
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Sessions' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Try with sample data' })).toBeTruthy()
    expect(w!.logs).toContain('sessions-ui: empty state')
    expect(location.hash).toBe('#/sessions')
  })

  it('shows the sample-data banner while the sample is loaded, and removes it in one click', async () => {
    w = fakeWails({ rows: sessions(2) })
    let has = true
    w.app.SettingsService.HasSampleData = vi.fn(async () => has)
    w.app.SettingsService.RemoveSampleData = vi.fn(async () => {
      has = false
      return 2
    })
    render(App, { pageSize: 3 })
    await settle()
    const banner = screen.getByRole('region', { name: 'Sample data' })
    expect(banner.textContent).toMatch(/You're looking at sample data/)
    const before = w.requests.length
    await fireEvent.click(within(banner).getByRole('button', { name: 'Remove' }))
    await settle()
    expect(w.app.SettingsService.RemoveSampleData).toHaveBeenCalledOnce()
    expect(screen.queryByRole('region', { name: 'Sample data' })).toBeNull()
    expect(w.requests.length).toBe(before + 1)
  })

  it('says nothing matches under a filter', async () => {
    history.replaceState(null, '', '#/sessions?status=active')
    await open({ rows: [session({ id: 1 })] })
    expect(screen.getByRole('heading', { name: 'No active sessions' })).toBeTruthy()
  })
})

describe('filters', () => {
  const pause = () => new Promise((r) => setTimeout(r, 200))

  it('searches as the user types, once per pause, in place of the history entry', async () => {
    await open({ rows: sessions(5) })
    const before = history.length
    const box = screen.getByRole('searchbox', { name: 'Search sessions' })
    await fireEvent.input(box, { target: { value: 're' } })
    await fireEvent.input(box, { target: { value: 'refund' } })
    await pause()
    await settle()
    expect(location.hash).toBe('#/sessions?q=refund')
    expect(history.length).toBe(before)
    expect(w!.requests.map((r) => r.q ?? '')).toEqual(['', 'refund'])
  })

  it('adds a filter from the + menu as a chip and a new history entry; back takes it away', async () => {
    w = fakeWails({ rows: sessions(3) })
    fakeLabels(w, [{ name: 'vip', color: '#30a46c' }])
    render(App, { pageSize: 3 })
    await settle()
    await fireEvent.click(screen.getByRole('button', { name: 'Add filter' }))
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Label' }))
    await fireEvent.click(screen.getByLabelText('vip'))
    await fireEvent.click(screen.getByRole('button', { name: 'Apply' }))
    await settle()
    expect(location.hash).toBe('#/sessions?label=vip')
    expect(w.requests.at(-1)).toMatchObject({ labels: ['vip'], cursor: '' })
    expect(screen.getByRole('button', { name: 'Remove filter Label: vip' })).toBeTruthy()
    history.back()
    await moved()
    await settle()
    expect(location.hash).toBe('#/sessions')
    expect(screen.queryByRole('list', { name: 'Filters' })).toBeNull()
    expect(w.requests.at(-1)?.labels).toBeUndefined()
  })

  it('restores every filter from the URL, as after a reload, layered in one request', async () => {
    history.replaceState(
      null,
      '',
      '#/sessions?status=completed&q=late&channel=instagram,webchat&sentiment=negative&ended_from=2024-03-01&field=city:M%C3%BCnchen',
    )
    w = fakeWails({ rows: sessions(2) })
    fakeLabels(w, [], [{ key: 'city', name: 'City' }])
    render(App, { pageSize: 3 })
    await settle()
    expect(screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search sessions' }).value).toBe('late')
    expect(pressed()).toEqual(['Completed Sessions'])
    expect(w.requests[0]).toEqual({
      status: 'completed',
      q: 'late',
      channels: ['instagram', 'webchat'],
      sentiment: 'negative',
      ended_from: '2024-03-01',
      fields: { city: 'München' },
      limit: 3,
      cursor: '',
    })
    const chips = [...document.querySelectorAll('.fb-chip-edit')].map((c) => c.textContent?.replace(/\s+/g, ' ').trim())
    expect(chips).toEqual(['End Date: from Mar 1, 2024', 'Channel Type: Instagram or Web Chat', 'Sentiment: Negative', 'City: München'])
  })

  it('shows rows with custom fields by their names and the number of matches', async () => {
    w = fakeWails({ rows: [session({ id: 1, fields: { tier: 'gold' }, labels: [{ name: 'vip', color: '#30a46c' }] })] })
    fakeLabels(w, [{ name: 'vip' }], [{ key: 'tier', name: 'Tier' }])
    render(App, { pageSize: 3 })
    await settle()
    expect(document.querySelector('.row .field')?.textContent).toBe('Tier gold')
    expect(document.querySelector('.row .label')?.textContent?.trim()).toBe('vip')
    expect(screen.getByText('1 session')).toBeTruthy()
  })
})

describe('session detail and keyboard', () => {
  const key = (k: string, target: Element = document.activeElement ?? document.body) =>
    fireEvent.keyDown(target, { key: k })

  async function openApp(opts: { wide?: boolean } = {}) {
    if (opts.wide) {
      vi.stubGlobal('matchMedia', (q: string) => ({
        matches: q.includes('1100'),
        media: q,
        addEventListener: () => {},
        removeEventListener: () => {},
      }))
    }
    w = fakeWails({ rows: sessions(5) })
    const st = fakeLabels(w, [{ name: 'vip' }], [{ key: 'tier', name: 'Tier' }])
    w.app.SessionsService.GetSession.mockImplementation(async (id: number) =>
      detailOf({
        id,
        conversation_id: 30 + id,
        contact: { id: 7, name: `Contact ${id}`, email: null },
        labels: (st.onSession.get(id)?.labels ?? []).map((name) => ({ name, color: '#30a46c' })),
      }),
    )
    w.app.SessionsService.ContactSessions.mockResolvedValue(contactOf())
    w.app.ConversationsService.GetConversation.mockResolvedValue({
      id: 33,
      channel: 'whatsapp',
      title: 'Contact',
      contact: null,
      message_count: 0,
      session_count: 0,
      sessions: [],
      messages: [],
      next_cursor: null,
      prev_cursor: null,
    })
    render(App, { pageSize: 3 })
    await settle()
  }

  it('opens a session on a click as a page on narrow windows, and Esc comes back to the list', async () => {
    history.replaceState(null, '', '#/sessions?label=vip')
    await openApp()
    await fireEvent.click(document.querySelector<HTMLAnchorElement>('.row[data-id="4"] .row-link')!)
    await settle()
    expect(location.hash).toBe('#/sessions?label=vip&open=4')
    expect(screen.getByRole('heading', { level: 2, name: 'Contact 4' })).toBeTruthy()
    expect(document.querySelector('.timeline')?.closest('.content--away')).not.toBeNull()
    expect(screen.getByRole('button', { name: 'Back to sessions' })).toBeTruthy()
    await key('Escape', document.body)
    await moved()
    await settle()
    expect(location.hash).toBe('#/sessions?label=vip')
    expect(screen.queryByRole('complementary', { name: 'Session detail' })).toBeNull()
    expect(document.querySelector('.timeline')?.closest('.content--away')).toBeNull()
  })

  it('comes back from a detail page, and from the conversation, to the place in the list', async () => {
    await openApp()
    vi.stubGlobal('scrollY', 640)
    await fireEvent.click(document.querySelector<HTMLAnchorElement>('.row[data-id="3"] .row-link')!)
    await settle()
    expect(window.scrollTo).toHaveBeenLastCalledWith(0, 0)
    vi.stubGlobal('scrollY', 0)
    await fireEvent.click(screen.getByRole('button', { name: 'Back to sessions' }))
    await moved()
    await settle()
    await new Promise((r) => requestAnimationFrame(r))
    expect(window.scrollTo).toHaveBeenLastCalledWith(0, 640)
    vi.stubGlobal('scrollY', 900)
    await fireEvent.click(document.querySelector<HTMLAnchorElement>('.row[data-id="3"] .row-link')!)
    await settle()
    vi.stubGlobal('scrollY', 0)
    await key('g', document.body)
    await key('c', document.body)
    await settle()
    expect(location.hash).toBe('#/conversation?id=33&session=3')
    history.back()
    await moved()
    await settle()
    expect(location.hash).toBe('#/sessions?open=3')
    await key('Escape', document.body)
    await moved()
    await settle()
    await new Promise((r) => requestAnimationFrame(r))
    expect(window.scrollTo).toHaveBeenLastCalledWith(0, 900)
  })

  it('shows the detail beside the list on wide windows, the open row marked', async () => {
    await openApp({ wide: true })
    await fireEvent.click(document.querySelector<HTMLAnchorElement>('.row[data-id="5"] .row-link')!)
    await settle()
    expect(document.querySelector('.split--open')).not.toBeNull()
    expect(document.querySelector('.timeline')?.closest('.content--away')).toBeNull()
    expect(document.querySelector('.row[data-id="5"]')?.getAttribute('aria-current')).toBe('true')
    // Another row replaces the open one: one Esc goes back to the list.
    await fireEvent.click(document.querySelector<HTMLAnchorElement>('.row[data-id="3"] .row-link')!)
    await settle()
    expect(location.hash).toBe('#/sessions?open=3')
    expect(screen.getByRole('heading', { level: 2, name: 'Contact 3' })).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Close details' }))
    await moved()
    await settle()
    expect(location.hash).toBe('#/sessions')
  })

  it('goes from search to a conversation and back with the keyboard only', async () => {
    await openApp({ wide: true })
    await key('/', document.body)
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search sessions' })
    expect(document.activeElement).toBe(box)
    // j and k are letters in the box, not moves.
    await fireEvent.input(box, { target: { value: 'j' } })
    expect(box.value).toBe('j')
    box.blur()
    await key('j', document.body)
    expect((document.activeElement as HTMLElement).closest('.row')?.getAttribute('data-id')).toBe('5')
    await key('j')
    await key('j')
    await key('k')
    expect((document.activeElement as HTMLElement).closest('.row')?.getAttribute('data-id')).toBe('4')
    // Enter on a focused link opens it, as the browser does.
    ;(document.activeElement as HTMLAnchorElement).click()
    await settle()
    expect(location.hash).toMatch(/open=4/)
    await key('g', document.body)
    await key('c', document.body)
    await settle()
    expect(location.hash).toBe('#/conversation?id=34&session=4')
    await key('Escape', document.body)
    await moved()
    await settle()
    expect(location.hash).toMatch(/open=4/)
    await key('Escape', document.body)
    await moved()
    await settle()
    expect(location.hash).not.toMatch(/open=/)
    await settle()
    await new Promise((r) => setTimeout(r, 10))
    expect((document.activeElement as HTMLElement).closest('.row')?.getAttribute('data-id')).toBe('4')
  })

  it('shows an edit in the detail in its row at once, every page loaded kept', async () => {
    await openApp({ wide: true })
    await fireEvent.click(screen.getByRole('button', { name: 'Load More Sessions' }))
    await settle()
    expect(ids()).toEqual([5, 4, 3, 2, 1])
    await fireEvent.click(document.querySelector<HTMLAnchorElement>('.row[data-id="2"] .row-link')!)
    await settle()
    const before = w!.requests.length
    const box = screen.getByRole('combobox', { name: 'Add a label' })
    await fireEvent.input(box, { target: { value: 'vip' } })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(w!.app.LabelsService.AddSessionLabel).toHaveBeenCalledWith(2, 'vip')
    expect(document.querySelector('.row[data-id="2"] .label')?.textContent?.trim()).toBe('vip')
    expect(ids()).toEqual([5, 4, 3, 2, 1])
    expect(w!.requests.length).toBe(before)
  })
})

describe('layout', () => {
  it.each([
    ['Insights', '#/insights'],
    ['Labels', '#/labels'],
    ['Settings', '#/settings'],
  ])('opens %s from the sidebar as a page of its own', async (name, hash) => {
    await open({ rows: sessions(1) })
    const link = screen.getByRole('link', { name })
    expect(link.getAttribute('href')).toBe(hash)
    location.hash = hash
    await moved()
    await settle()
    // Insights is loaded on demand: its heading comes once its module has.
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe(name)
    expect(link.getAttribute('aria-current')).toBe('page')
    expect(document.body.textContent).not.toMatch(/TODO|coming soon|next release/i)
    history.back()
    await moved()
    await settle()
    expect(ids()).toEqual([1])
  })

  it.each([
    ['#/conversation?id=3&session=9', 'Sessions'],
    ['#/welcome', null],
  ])('opens %s as a page of its own', async (hash, current) => {
    history.replaceState(null, '', hash)
    w = fakeWails({ rows: sessions(1) })
    w.app.ConversationsService.GetConversation.mockResolvedValue({
      id: 3,
      channel: 'whatsapp',
      title: 'Alice',
      contact: { id: 7, name: 'Alice Smith', email: null },
      message_count: 0,
      session_count: 0,
      sessions: [],
      messages: [],
      next_cursor: null,
      prev_cursor: null,
    })
    render(App, { pageSize: 3 })
    await settle()
    expect(document.querySelector('.timeline')).toBeNull()
    const here = document.querySelector('.sidebar [aria-current="page"]')
    expect(here?.textContent?.trim() ?? null).toBe(current)
    expect(location.hash).toBe(hash)
  })

  it('switches the theme from the sidebar and keeps the pick', async () => {
    await open()
    const button = screen.getByRole('button', { name: /^Theme:/ })
    await fireEvent.click(button)
    expect(document.documentElement.dataset.theme).toBe('light')
    await fireEvent.click(button)
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(localStorage.getItem('sessions.theme')).toBe('dark')
  })
})

describe('in the desktop window', () => {
  it('listens to the window while open, and stops when it goes', async () => {
    const { unmount } = await open({ rows: sessions(1) })
    expect(w!.listeners()).toBe(4)
    unmount()
    expect(w!.listeners()).toBe(0)
  })

  it('imports through the system dialog, shows the report and reloads the list', async () => {
    await open({ rows: sessions(2) })
    w!.app.ImportsService.ChooseAndImport.mockResolvedValue(report([{ messages: 13, sessions: 2 }]))
    const before = w!.requests.length
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await settle()
    expect(w!.app.ImportsService.ChooseAndImport).toHaveBeenCalledOnce()
    expect(screen.getByRole('heading', { name: 'Import finished' })).toBeTruthy()
    expect(w!.requests.length).toBe(before + 1)
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss import report' }))
    expect(screen.queryByRole('heading', { name: 'Import finished' })).toBeNull()
  })

  it('shows the report of an import:report event, keeping the status filter', async () => {
    history.replaceState(null, '', '#/sessions?status=active')
    await open({ rows: [session({ id: 1, status: 'active' })] })
    w!.emit('import:report', report([{ messages: 1 }]))
    await settle()
    expect(screen.getByRole('heading', { name: 'Import finished' })).toBeTruthy()
    expect(w!.requests.map((r) => r.status)).toEqual(['active', 'active'])
  })

  it('shows the progress line while an import, the index and summaries run', async () => {
    await open({ rows: sessions(1) })
    expect(screen.queryByRole('status')).toBeNull()
    w!.emit('import:busy', true)
    w!.emit('index:progress', { indexed: 2, total: 8, done: false })
    w!.emit('summary:progress', { done: 1, total: 4, rate: 0, source: 'builtin', running: true })
    await settle()
    const line = screen.getByRole('status')
    expect(within(line).getByText('Importing…')).toBeTruthy()
    expect(within(line).getByText('Indexing for search… 2 / 8')).toBeTruthy()
    expect(within(line).getByText('Summarizing 1 / 4 (built-in)')).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.click(within(line).getByRole('button', { name: 'Cancel' }))
    expect(w!.app.SummariesService.CancelSummaries).toHaveBeenCalledOnce()
    w!.emit('import:busy', false)
    w!.emit('index:progress', { done: true })
    w!.emit('summary:progress', { done: 4, total: 4, running: false })
    await settle()
    expect(screen.queryByRole('status')).toBeNull()
    // The run summarized sessions: the first page is read again to show them.
    expect(w!.requests).toHaveLength(2)
  })

  it('shows the watched folder and its controls', async () => {
    await open({ rows: sessions(1), watchFolder: '/home/me/Chat Inbox' })
    const bar = screen.getByRole('group', { name: 'Watched folder' })
    const name = within(bar).getByText('Chat Inbox')
    expect(name.getAttribute('title')).toBe('/home/me/Chat Inbox')
    await fireEvent.click(within(bar).getByRole('button', { name: 'Stop watching' }))
    await settle()
    expect(within(bar).getByText('Not watching a folder')).toBeTruthy()
    expect(within(bar).queryByRole('button', { name: 'Stop watching' })).toBeNull()
  })

  it('shows the drop hint while files are dragged over a window that takes drops', async () => {
    await open({ rows: sessions(1), info: { file_drop: true } })
    const drag = new Event('dragenter') as DragEvent
    Object.defineProperty(drag, 'dataTransfer', { value: { types: ['Files'] } })
    window.dispatchEvent(drag)
    await settle()
    expect(screen.getByText('Drop to import')).toBeTruthy()
    window.dispatchEvent(new Event('mousemove'))
    await settle()
    expect(screen.queryByText('Drop to import')).toBeNull()
    expect(ids()).toEqual([1])
  })
})

describe('in a browser', () => {
  // The log goes to the console there.
  beforeEach(() => void vi.spyOn(console, 'info').mockImplementation(() => {}))

  /** A server answering the routes from the rows, and recording what it got. */
  function serve(opts: { token?: string } = {}) {
    const sent: { url: string; auth: string | null }[] = []
    const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
      const auth = new Headers(init.headers).get('Authorization')
      sent.push({ url, auth })
      if (opts.token && auth !== `Bearer ${opts.token}`) return new Response('{"error":"token required"}', { status: 401 })
      switch (url) {
        case '/api/SettingsService/AppInfo':
          return Response.json({ data_dir: '/srv/sessions', version: 't', file_drop: false, transport: 'serve', dialogs: false })
        case '/api/SessionsService/ListSessions':
          return Response.json({ sessions: [session({ id: 9 })], next_cursor: null, total: 1, index_pending: 0 })
        case '/api/SummariesService/SummaryStatus':
          return Response.json({ running: false, note: '' })
        case '/api/upload':
          return Response.json(report([{ path: 'chat.txt', messages: 4, sessions: 1 }]))
      }
      return new Response('{"error":"unknown method"}', { status: 404 })
    })
    vi.stubGlobal('fetch', fetch)
    return sent
  }

  it('uploads the files picked with the Import button, without a watched folder', async () => {
    const sent = serve()
    render(App)
    await settle()
    expect(ids()).toEqual([9])
    expect(screen.queryByRole('group', { name: 'Watched folder' })).toBeNull()
    const input = screen.getByLabelText<HTMLInputElement>('Chat exports to import')
    expect(input.type).toBe('file')
    expect(input.multiple).toBe(true)
    const click = vi.spyOn(input, 'click')
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    expect(click).toHaveBeenCalledOnce()
    const file = new File(['[12/03/2024, 14:05:00] Alice: hi'], 'chat.txt', { type: 'text/plain' })
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    await fireEvent.change(input)
    await settle()
    expect(sent.filter((s) => s.url === '/api/upload')).toHaveLength(1)
    expect(screen.getByRole('heading', { name: 'Import finished' })).toBeTruthy()
  })

  it('asks for the token on a 401, keeps it and carries on', async () => {
    const sent = serve({ token: 'tok-42' })
    render(App)
    await settle()
    const dialog = screen.getByRole('dialog', { name: 'Access token' }).querySelector('form')!
    const field = within(dialog).getByLabelText<HTMLInputElement>('Token')
    await fireEvent.input(field, { target: { value: ' tok-42 ' } })
    await fireEvent.submit(dialog)
    await settle()
    expect(localStorage.getItem(TOKEN_KEY)).toBe('tok-42')
    expect(screen.queryByRole('heading', { name: 'Access token' })).toBeNull()
    expect(ids()).toEqual([9])
    expect(sent.at(-1)?.auth).toBe('Bearer tok-42')
  })
})
