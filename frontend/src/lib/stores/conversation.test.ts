// The conversation store against the fake window serving a generated
// thread: opening at a session, paging both ways to the thread's ends,
// overlapping pages, the rows at a page's seam, late answers and errors.

import { afterEach, describe, expect, it } from 'vitest'
import { serveThread, thread, type Thread } from '../testdata/thread'
import { fakeWails, type FakeWindow } from '../testdata/wails'
import { buildRows, ConversationStore, sessionKey, sideOf, type Row } from './conversation.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

function serve(t: Thread, overlap = 0) {
  w = fakeWails()
  const s = serveThread(t, { overlap })
  w.app.ConversationsService.GetConversation.mockImplementation(s.get)
  return s
}

const keys = (rows: Row[]) => rows.map((r) => r.key)
const messageIds = (rows: Row[]) => rows.flatMap((r) => (r.type === 'message' ? [r.msg.id] : []))
const dividers = (rows: Row[]) => rows.flatMap((r) => (r.type === 'session' ? [r.session.id] : []))

function expectUniqueKeys(rows: Row[]) {
  expect(new Set(keys(rows)).size).toBe(rows.length)
}

describe('buildRows', () => {
  const t = thread(2, 6)
  const sessions = new Map(t.sessions.map((s) => [s.id, s]))

  it('puts a divider before each session and at the start, and groups runs by one author', () => {
    const rows = buildRows(t.messages, null, sessions, 101, true)
    expect(rows[0].type).toBe('start')
    expect(dividers(rows)).toEqual([100, 101])
    const chosen = rows.filter((r) => r.type === 'session' && r.chosen)
    expect(chosen.map((r) => r.key)).toEqual([sessionKey(101)])
    const msgs = rows.filter((r) => r.type === 'message')
    expect(msgs.map((r) => r.side)).toEqual(t.messages.map((m) => sideOf(m.role)))
    // customer, agent, agent (grouped under the first), bot, customer, agent
    expect(msgs.slice(0, 6).map((r) => r.grouped)).toEqual([false, false, true, false, false, false])
    // The notice between the sessions is in neither, and dimmed on neither side.
    const notice = msgs[6]
    expect(notice.msg.session_id).toBeNull()
    expect(notice.side).toBe('system')
    expect(notice.chosen).toBe(false)
    expect(msgs.slice(7).every((r) => r.chosen)).toBe(true)
    // The notice is on another day than the message before it; the
    // session after it starts with a divider, which shows the day.
    expect(msgs.map((r) => r.newDay)).toEqual([false, false, false, false, false, false, true, false, false, false, false, false, false])
  })

  it('puts no divider before a slice that starts inside a session', () => {
    const rows = buildRows(t.messages.slice(2, 5), null, sessions, 100, false)
    expect(dividers(rows)).toEqual([])
    expect(rows.every((r) => r.type === 'message')).toBe(true)
  })

  it('puts a divider before a slice that starts a session', () => {
    const rows = buildRows(t.messages.slice(7, 9), null, sessions, 100, false)
    expect(dividers(rows)).toEqual([101])
    expect(rows[0].type === 'session' && rows[0].chosen).toBe(false)
  })

  it.each([
    ['customer', 'customer'],
    ['agent', 'team'],
    ['bot', 'team'],
    ['system', 'system'],
  ])('draws %s on the %s side', (role, side) => expect(sideOf(role)).toBe(side))
})

describe('ConversationStore', () => {
  it('opens at the chosen session with its divider first and highlighted', async () => {
    const t = thread(10, 20)
    const s = serve(t)
    const c = new ConversationStore(15)
    await c.open(7, 105)
    expect(s.requests).toEqual([{ id: 7, session_id: 105, limit: 15 }])
    expect(c.phase).toBe('ready')
    expect(c.rows[0]).toMatchObject({ type: 'session', key: sessionKey(105), chosen: true })
    expect(c.targetKey).toBe(sessionKey(105))
    expect(messageIds(c.rows)[0]).toBe(t.messages.find((m) => m.session_id === 105)!.id)
    expect(c.prevCursor).not.toBeNull()
    expect(c.nextCursor).not.toBeNull()
    expect(c.facts).toMatchObject({ id: 7, message_count: 200, session_count: 10 })
  })

  it('prepends the page before, keeping every row on screen after it in place', async () => {
    const t = thread(10, 20)
    serve(t)
    const c = new ConversationStore(15)
    await c.open(7, 105)
    const before = keys(c.rows)
    await c.loadBefore()
    const after = keys(c.rows)
    // The old rows are the tail of the new ones, in order: the view finds
    // its anchor row by key, `added` rows further down.
    const added = after.length - before.length
    expect(added).toBeGreaterThan(0)
    expect(after.slice(added)).toEqual(before)
    expect(c.indexOf(sessionKey(105))).toBe(added)
    expect(c.targetKey).toBe(sessionKey(105))
    expectUniqueKeys(c.rows)
  })

  it('pages both ways to the ends: every message once, in order, one divider per session', async () => {
    const t = thread(6, 9)
    const s = serve(t)
    const c = new ConversationStore(4)
    await c.open(7, 103)
    while (c.prevCursor !== null) await c.loadBefore()
    while (c.nextCursor !== null) await c.loadAfter()
    expect(messageIds(c.rows)).toEqual(t.messages.map((m) => m.id))
    expect(dividers(c.rows)).toEqual([100, 101, 102, 103, 104, 105])
    expect(c.rows[0].type).toBe('start')
    expectUniqueKeys(c.rows)
    // The seams were redone: the grouping is the same as one slice's.
    const whole = buildRows(t.messages, null, new Map(t.sessions.map((x) => [x.id, x])), 103, true)
    expect(c.rows).toEqual(whole)
    // At both ends nothing more is asked for.
    const asked = s.requests.length
    await c.loadBefore()
    await c.loadAfter()
    expect(s.requests.length).toBe(asked)
  })

  it('drops messages it already has when pages overlap', async () => {
    const t = thread(5, 8)
    serve(t, 2)
    const c = new ConversationStore(5)
    await c.open(7, 102)
    while (c.prevCursor !== null) await c.loadBefore()
    while (c.nextCursor !== null) await c.loadAfter()
    expect(messageIds(c.rows)).toEqual(t.messages.map((m) => m.id))
    expectUniqueKeys(c.rows)
  })

  it('asks once while a page is on its way', async () => {
    const t = thread(5, 8)
    const s = serve(t)
    const c = new ConversationStore(5)
    await c.open(7, 102)
    await Promise.all([c.loadBefore(), c.loadBefore(), c.loadAfter(), c.loadAfter()])
    expect(s.requests.map((r) => Object.keys(r).filter((k) => k === 'before' || k === 'after'))).toEqual([[], ['before'], ['after']])
  })

  it('ignores the answer for a thread the user has left', async () => {
    const t = thread(5, 8)
    const s = serve(t)
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    w.app.ConversationsService.GetConversation.mockImplementationOnce(async (req) => {
      await held
      return s.get(req)
    })
    const c = new ConversationStore(5)
    const first = c.open(7, 101)
    await c.open(7, 103)
    release()
    await first
    expect(c.session).toBe(103)
    expect(c.rows[0].key).toBe(sessionKey(103))
  })

  it('says why the first page failed, and tries again', async () => {
    const t = thread(3, 4)
    const s = serve(t)
    w.app.ConversationsService.GetConversation.mockRejectedValueOnce('session 9 is not in conversation 7: not found')
    const c = new ConversationStore(5)
    await c.open(7, 9)
    expect(c.phase).toBe('error')
    expect(c.error?.message).toContain('not found')
    await c.open(7, 9) // the same route again after a failure asks again
    expect(c.phase).toBe('error')
    w.app.ConversationsService.GetConversation.mockImplementation(s.get)
    c.session = 101
    await c.retry()
    expect(c.phase).toBe('ready')
  })

  it('keeps the rows when a page before fails, and the next try loads it', async () => {
    const t = thread(4, 6)
    const s = serve(t)
    const c = new ConversationStore(5)
    await c.open(7, 102)
    const rows = c.rows
    w.app.ConversationsService.GetConversation.mockRejectedValueOnce(new Error('database is locked'))
    await c.loadBefore()
    expect(c.errorBefore?.message).toBe('database is locked')
    expect(c.rows).toBe(rows)
    w.app.ConversationsService.GetConversation.mockImplementation(s.get)
    await c.loadBefore()
    expect(c.errorBefore).toBeNull()
    expect(c.rows.length).toBeGreaterThan(rows.length)
  })

  it('says a thread without messages is empty', async () => {
    serve({ messages: [], sessions: [] })
    const c = new ConversationStore(5)
    await c.open(7)
    expect(c.phase).toBe('empty')
    expect(c.targetKey).toBeNull()
  })
})
