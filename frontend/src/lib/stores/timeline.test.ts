// The timeline store against the fake window: paging, the status filter,
// dropped late answers, errors and the log lines the window check reads.

import { afterEach, describe, expect, it } from 'vitest'
import { session, sessions } from '../testdata/data'
import { fakeWails, settle, type FakeWindow } from '../testdata/wails'
import { statusOf, TimelineStore } from './timeline.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

function store(pageSize = 3) {
  const logs: string[] = []
  const t = new TimelineStore(pageSize, (m) => logs.push(m))
  return { t, logs }
}

const ids = (t: TimelineStore) => t.rows.map((r) => r.id)

describe('statusOf', () => {
  it.each([
    ['active', 'active'],
    ['completed', 'completed'],
    [undefined, 'all'],
    ['', 'all'],
    ['ACTIVE', 'all'],
  ])('%s → %s', (param, status) => expect(statusOf(param)).toBe(status))
})

describe('TimelineStore', () => {
  it('loads pages until the end, and says how many rows are on screen', async () => {
    w = fakeWails({ rows: sessions(7) })
    const { t, logs } = store()
    await t.show('all')
    expect(ids(t)).toEqual([7, 6, 5])
    expect(t.phase).toBe('ready')
    expect(t.hasMore).toBe(true)
    await t.loadMore()
    await t.loadMore()
    expect(ids(t)).toEqual([7, 6, 5, 4, 3, 2, 1])
    expect(t.hasMore).toBe(false)
    await t.loadMore()
    expect(w.requests.map((r) => r.cursor)).toEqual(['', '3', '6'])
    expect(w.requests.every((r) => r.limit === 3 && r.status === 'all')).toBe(true)
    expect(logs).toEqual(['sessions-ui: rendered 3 rows', 'sessions-ui: rendered 6 rows', 'sessions-ui: rendered 7 rows'])
  })

  it('asks for the status shown, from the first page, and keeps what is loaded for the same one', async () => {
    w = fakeWails({ rows: [session({ id: 2, status: 'active' }), session({ id: 1 })] })
    const { t } = store()
    await t.show('active')
    expect(ids(t)).toEqual([2])
    await t.show('active')
    expect(w.requests).toHaveLength(1)
    await t.show('completed')
    expect(ids(t)).toEqual([1])
    expect(w.requests.map((r) => r.status)).toEqual(['active', 'completed'])
  })

  it('is empty, and says so in the log, when nothing matches', async () => {
    w = fakeWails()
    const { t, logs } = store()
    await t.show('all')
    expect(t.phase).toBe('empty')
    expect(logs).toEqual(['sessions-ui: empty state'])
  })

  it('drops the answer to a status the user has left', async () => {
    w = fakeWails({ rows: [session({ id: 2, status: 'active' }), session({ id: 1 })] })
    let release: () => void = () => {}
    const slow = w.app.SessionsService.ListSessions.getMockImplementation() as (req: unknown) => unknown
    w.app.SessionsService.ListSessions.mockImplementationOnce(
      (req: unknown) => new Promise((resolve) => (release = () => resolve(slow(req)))),
    )
    const { t } = store()
    const first = t.show('all')
    await t.show('completed')
    release()
    await first
    expect(ids(t)).toEqual([1])
  })

  it('fails the first page with a way to try again', async () => {
    w = fakeWails({ rows: sessions(2) })
    w.app.SessionsService.ListSessions.mockRejectedValueOnce('list sessions: database is locked')
    const { t, logs } = store()
    await t.show('all')
    expect(t.phase).toBe('error')
    expect(t.error?.message).toBe('list sessions: database is locked')
    expect(logs).toEqual(['sessions-ui: error: list sessions: database is locked'])
    await t.reset()
    expect(t.phase).toBe('ready')
    expect(t.error).toBeNull()
  })

  it('keeps the rows when a later page fails, and loads it on the next try', async () => {
    w = fakeWails({ rows: sessions(5) })
    const { t } = store()
    await t.show('all')
    w.app.SessionsService.ListSessions.mockRejectedValueOnce(new Error('offline'))
    await t.loadMore()
    expect(t.phase).toBe('ready')
    expect(t.error?.message).toBe('offline')
    expect(ids(t)).toEqual([5, 4, 3])
    await t.loadMore()
    expect(t.error).toBeNull()
    expect(ids(t)).toEqual([5, 4, 3, 2, 1])
  })

  it('refreshes the first page for new summaries only while one page is on screen', async () => {
    w = fakeWails({ rows: sessions(5) })
    const { t } = store()
    await t.show('all')
    await t.refreshFirstPage()
    expect(w.requests).toHaveLength(2)
    await t.loadMore()
    await t.refreshFirstPage()
    expect(w.requests).toHaveLength(3)
  })

  it('keeps the rows on screen while a refresh is on its way', async () => {
    w = fakeWails({ rows: sessions(2) })
    const { t } = store()
    await t.show('all')
    const refreshing = t.refresh()
    expect(t.phase).toBe('ready')
    expect(ids(t)).toEqual([2, 1])
    await refreshing
    await settle()
    expect(ids(t)).toEqual([2, 1])
  })

  it('keeps the old rows on screen until the page of the new filters arrives, and counts the matches', async () => {
    w = fakeWails({ rows: sessions(5) })
    const { t } = store()
    await t.show('all')
    expect(t.total).toBe(5)
    let release: () => void = () => {}
    w.app.SessionsService.ListSessions.mockImplementationOnce(
      () =>
        new Promise((resolve) => (release = () => resolve({ sessions: [session({ id: 9 })], next_cursor: null, total: 1, index_pending: 0 }))),
    )
    const typed = t.show({ status: 'all', q: 'refund' })
    expect(t.pending).toBe(true)
    expect(t.phase).toBe('ready')
    expect(ids(t)).toEqual([5, 4, 3])
    release()
    await typed
    expect(t.pending).toBe(false)
    expect(ids(t)).toEqual([9])
    expect(t.total).toBe(1)
    expect(w.app.SessionsService.ListSessions.mock.calls.at(-1)?.[0]).toMatchObject({ q: 'refund', status: 'all', cursor: '' })
  })

  it('never lets an older answer overtake a newer one', async () => {
    w = fakeWails({ rows: sessions(3) })
    const { t } = store()
    await t.show('all')
    const releases: Record<string, () => void> = {}
    w.app.SessionsService.ListSessions.mockImplementation(
      (req: { q?: string }) =>
        new Promise((resolve) => {
          const id = req.q === 're' ? 20 : 30
          releases[req.q ?? ''] = () => resolve({ sessions: [session({ id })], next_cursor: null, total: 1, index_pending: 0 })
        }),
    )
    const older = t.show({ status: 'all', q: 're' })
    const newer = t.show({ status: 'all', q: 'ref' })
    releases.ref()
    await newer
    releases.re()
    await older
    await settle()
    expect(ids(t)).toEqual([30])
    expect(t.query.q).toBe('ref')
  })

  it('asks again for the same filters only when they change', async () => {
    w = fakeWails({ rows: sessions(3) })
    const { t } = store()
    await t.show({ status: 'all', labels: ['vip'] })
    await t.show({ labels: ['vip'], status: 'all' })
    expect(w.requests).toHaveLength(1)
    await t.show({ status: 'all', labels: ['vip'], sentiment: 'negative' })
    expect(w.requests).toHaveLength(2)
    expect(w.requests[1]).toMatchObject({ labels: ['vip'], sentiment: 'negative' })
  })

  it('shows the error, not the old rows, when the first page of new filters fails', async () => {
    w = fakeWails({ rows: sessions(3) })
    const { t } = store()
    await t.show('all')
    w.app.SessionsService.ListSessions.mockRejectedValueOnce('bad field: tier')
    await t.show({ status: 'all', fields: { tier: 'x' } })
    expect(t.phase).toBe('error')
    expect(t.rows).toEqual([])
    expect(t.error?.message).toBe('bad field: tier')
  })
})

describe('TimelineStore.patch', () => {
  it('puts an edited session in place of its row, every page kept, without its messages', async () => {
    w = fakeWails({ rows: sessions(5) })
    const { t } = store()
    await t.show('all')
    await t.loadMore()
    const before = w.requests.length
    t.patch({ ...session({ id: 2, labels: [{ name: 'vip', color: '#30a46c' }] }), messages: [], notice_count: 0 })
    expect(ids(t)).toEqual([5, 4, 3, 2, 1])
    const row = t.rows.find((r) => r.id === 2)!
    expect(row.labels).toEqual([{ name: 'vip', color: '#30a46c' }])
    expect('messages' in row).toBe(false)
    t.patch(session({ id: 99 }))
    expect(ids(t)).toEqual([5, 4, 3, 2, 1])
    expect(w.requests.length).toBe(before)
  })
})
