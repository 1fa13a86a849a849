// api.ts over both transports, faked where the UI meets them: window.go and
// window.runtime (the desktop window), fetch and EventSource (a browser).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  appInfo,
  call,
  cancelSummaries,
  chooseAndImport,
  getConversation,
  getSession,
  listSessions,
  logInfo,
  normalizeIndexProgress,
  normalizeReport,
  normalizeSummaryProgress,
  onImportBusy,
  onImportReport,
  onIndexProgress,
  onSummaryProgress,
  saveToken,
  setTokenAsker,
  setWatchFolder,
  summaryStatus,
  toError,
  TOKEN_KEY,
  transport,
  uploadFiles,
  watchFolder,
} from './api'
import { fakeWails } from './testdata/wails'

/** What fetch got: the URL, method, headers and body of every call. */
interface Sent {
  url: string
  method: string
  auth: string | null
  body: unknown
}

/** Answers fetch with the responses given, in turn (the last one repeats). */
function stubFetch(...answers: [status: number, body: string][]) {
  const sent: Sent[] = []
  let i = 0
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    sent.push({ url, method: init.method ?? 'GET', auth: headers.get('Authorization'), body: init.body })
    const [status, body] = answers[Math.min(i++, answers.length - 1)]
    return new Response(body === '' && status === 204 ? null : body, { status })
  })
  vi.stubGlobal('fetch', fetch)
  return { fetch, sent }
}

/** A stand-in EventSource that records its URL and lets the spec send events. */
class FakeEventSource {
  static all: FakeEventSource[] = []
  closed = false
  private readonly handlers = new Map<string, ((e: MessageEvent) => void)[]>()
  constructor(readonly url: string) {
    FakeEventSource.all.push(this)
  }
  addEventListener(name: string, fn: (e: MessageEvent) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn])
  }
  close() {
    this.closed = true
  }
  send(name: string, data: string) {
    for (const fn of this.handlers.get(name) ?? []) fn(new MessageEvent(name, { data }))
  }
}

beforeEach(() => {
  localStorage.clear()
  FakeEventSource.all = []
})

afterEach(() => {
  delete window.go
  delete window.runtime
  vi.unstubAllGlobals()
  saveToken('')
})

describe('in the desktop window', () => {
  it('calls window.go.app.<Service>.<Method> with the positional arguments, not fetch', async () => {
    const w = fakeWails()
    const { fetch } = stubFetch([500, ''])
    expect(transport()).toBe('wails')
    await listSessions({ status: 'active', limit: 50, cursor: 'abc' })
    await getSession(5)
    await setWatchFolder('/in')
    await cancelSummaries()
    expect(w.app.SessionsService.ListSessions).toHaveBeenCalledWith({ status: 'active', limit: 50, cursor: 'abc' })
    expect(w.app.SessionsService.GetSession).toHaveBeenCalledWith(5)
    expect(w.app.ImportsService.SetWatchFolder).toHaveBeenCalledWith('/in')
    expect(w.app.SummariesService.CancelSummaries).toHaveBeenCalledWith()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('turns string rejections into Errors', async () => {
    const w = fakeWails()
    w.app.SessionsService.ListSessions.mockImplementation(() => Promise.reject('list sessions: database is locked'))
    const err = await listSessions({ status: 'all' }).catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('list sessions: database is locked')
  })

  it('says which method a window does not bind', async () => {
    window.go = { app: {} }
    await expect(watchFolder()).rejects.toThrow('ImportsService.WatchFolder is not bound in this window')
  })

  it('fills what Go left null', async () => {
    const w = fakeWails()
    w.app.SessionsService.ListSessions.mockResolvedValue({ sessions: null, next_cursor: null })
    w.app.ConversationsService.GetConversation.mockResolvedValue({ id: 3, sessions: null, messages: null })
    w.app.ImportsService.WatchFolder.mockResolvedValue(null)
    expect(await listSessions({})).toEqual({ sessions: [], next_cursor: null, total: 0, index_pending: 0 })
    expect(await getConversation({ id: 3 })).toMatchObject({ sessions: [], messages: [] })
    expect(await watchFolder()).toBe('')
  })

  it('guesses what an older program leaves out of AppInfo from the transport', async () => {
    const w = fakeWails()
    w.app.SettingsService.AppInfo.mockResolvedValue({ data_dir: '/d', version: 'v', file_drop: true })
    expect(await appInfo()).toEqual({ data_dir: '/d', version: 'v', file_drop: true, transport: 'desktop', dialogs: true })
  })

  it('logs through the runtime, which the window check reads', () => {
    const w = fakeWails()
    logInfo('sessions-ui: rendered 3 rows')
    expect(w.logs).toEqual(['sessions-ui: rendered 3 rows'])
  })

  it('delivers events, normalised, until unsubscribed', () => {
    const w = fakeWails()
    const busy: boolean[] = []
    const reports: number[] = []
    const index: unknown[] = []
    const summary: unknown[] = []
    const offs = [
      onImportBusy((b) => busy.push(b)),
      onImportReport((r) => reports.push(r.totals.ignored)),
      onIndexProgress((p) => index.push(p)),
      onSummaryProgress((p) => summary.push(p.running)),
    ]
    w.emit('import:busy', true)
    w.emit('import:busy', 'yes')
    w.emit('import:report', { files: null, totals: { ignored: 3 } })
    w.emit('index:progress', { indexed: 1200, total: 5000, done: false })
    w.emit('summary:progress', null)
    for (const off of offs) {
      off()
      off()
    }
    w.emit('import:busy', true)
    expect(busy).toEqual([true, false])
    expect(reports).toEqual([3])
    expect(index).toEqual([{ indexed: 1200, total: 5000, done: false }])
    expect(summary).toEqual([false])
    expect(w.listeners()).toBe(0)
  })

  it('falls back to EventsOff when EventsOn returns nothing', () => {
    const off = vi.fn()
    window.go = { app: {} }
    window.runtime = { EventsOn: () => undefined, EventsOff: off }
    const stop = onImportBusy(() => {})
    stop()
    stop()
    expect(off).toHaveBeenCalledTimes(1)
    expect(off).toHaveBeenCalledWith('import:busy')
  })
})

describe('over HTTP', () => {
  it('POSTs /api/<Service>/<Method> with the arguments as a JSON array', async () => {
    const { sent } = stubFetch([200, '{"sessions":[{"id":1}],"next_cursor":"c2","total":9,"index_pending":1}'])
    expect(transport()).toBe('http')
    const page = await listSessions({ status: 'active', limit: 50, cursor: '' })
    expect(page).toEqual({ sessions: [{ id: 1 }], next_cursor: 'c2', total: 9, index_pending: 1 })
    await getSession(5)
    await getConversation({ id: 3, before: 'c' })
    await call('SettingsService', 'AppInfo')
    expect(sent.map((s) => [s.method, s.url, JSON.parse(String(s.body))])).toEqual([
      ['POST', '/api/SessionsService/ListSessions', [{ status: 'active', limit: 50, cursor: '' }]],
      ['POST', '/api/SessionsService/GetSession', [5]],
      ['POST', '/api/ConversationsService/GetConversation', [{ id: 3, before: 'c' }]],
      ['POST', '/api/SettingsService/AppInfo', []],
    ])
    expect(sent[0].auth).toBeNull()
  })

  it('takes null for a method that returns nothing', async () => {
    stubFetch([200, 'null'])
    await expect(setWatchFolder('')).resolves.toBeUndefined()
    stubFetch([200, ''])
    await expect(cancelSummaries()).resolves.toBeUndefined()
  })

  it.each([
    [400, '{"error":"argument 1: want a number"}', 'argument 1: want a number'],
    [404, '{"error":"unknown method SessionsService.Nope"}', 'unknown method SessionsService.Nope'],
    [500, '{"error":"session 9: not found"}', 'session 9: not found'],
    [500, 'internal trouble\n', 'internal trouble'],
    [502, '', '502'],
  ])('rejects a %i with the message the server gave', async (status, body, message) => {
    stubFetch([status, body])
    await expect(getSession(9)).rejects.toThrow(message)
  })

  it('says "serve", without dialogs, where AppInfo does not say', async () => {
    stubFetch([200, '{"data_dir":"/d","version":"v","file_drop":false}'])
    expect(await appInfo()).toMatchObject({ transport: 'serve', dialogs: false })
  })

  it('sends the stored token as Bearer', async () => {
    localStorage.setItem(TOKEN_KEY, 'tok-1')
    const { sent } = stubFetch([200, '{}'])
    await summaryStatus()
    expect(sent[0].auth).toBe('Bearer tok-1')
  })

  it('asks once for a token on 401s, keeps it, and sends the calls again', async () => {
    const { sent } = stubFetch([401, '{"error":"token required"}'], [401, '{"error":"token required"}'], [200, '"/in"'])
    const asked: boolean[] = []
    let answer: (t: string) => void = () => {}
    const stop = setTokenAsker((wrong) => {
      asked.push(wrong)
      return new Promise((resolve) => (answer = resolve))
    })
    const a = watchFolder()
    const b = watchFolder()
    await vi.waitFor(() => expect(asked).toEqual([false]))
    answer('s3cret')
    await expect(a).resolves.toBe('/in')
    await expect(b).resolves.toBe('/in')
    expect(localStorage.getItem(TOKEN_KEY)).toBe('s3cret')
    expect(sent.slice(2).map((s) => s.auth)).toEqual(['Bearer s3cret', 'Bearer s3cret'])
    stop()
  })

  it('says the token was wrong when a stored one is refused, and gives up when the user does', async () => {
    localStorage.setItem(TOKEN_KEY, 'old')
    stubFetch([401, '{"error":"token required"}'])
    const asked: boolean[] = []
    const stop = setTokenAsker(async (wrong) => {
      asked.push(wrong)
      return null
    })
    await expect(summaryStatus()).rejects.toThrow('token required')
    expect(asked).toEqual([true])
    stop()
  })

  it('uploads picked files as multipart field "files" to /api/upload', async () => {
    localStorage.setItem(TOKEN_KEY, 'tok')
    const { sent } = stubFetch([200, '{"files":[{"path":"chat.txt","messages":3}],"totals":{"messages":3}}'])
    const files = [new File(['a'], 'chat.txt'), new File(['b'], 'b.zip')]
    const r = await uploadFiles(files)
    expect(r.files[0]).toMatchObject({ path: 'chat.txt', messages: 3, status: 'ok', skipped: [] })
    expect(sent[0]).toMatchObject({ url: '/api/upload', method: 'POST', auth: 'Bearer tok' })
    const form = sent[0].body as FormData
    expect(form.getAll('files').map((f) => (f as File).name)).toEqual(['chat.txt', 'b.zip'])
  })

  it('rejects a refused upload with the server\'s message', async () => {
    stubFetch([413, '{"error":"upload too large: at most 512 MiB"}'])
    await expect(uploadFiles([new File(['a'], 'a.txt')])).rejects.toThrow('upload too large: at most 512 MiB')
  })

  it('rejects a dialog method with the error the server returns', async () => {
    stubFetch([500, '{"error":"choose files: no file dialogs in sessions serve"}'])
    await expect(chooseAndImport()).rejects.toThrow('no file dialogs in sessions serve')
  })

  it('opens one EventSource for every listener, with the token in the query, and closes it with the last', () => {
    vi.stubGlobal('EventSource', FakeEventSource)
    localStorage.setItem(TOKEN_KEY, 'a b')
    const busy: boolean[] = []
    const index: unknown[] = []
    const offBusy = onImportBusy((b) => busy.push(b))
    const offIndex = onIndexProgress((p) => index.push(p))
    expect(FakeEventSource.all.map((s) => s.url)).toEqual(['/api/events?token=a%20b'])
    const [es] = FakeEventSource.all
    es.send('import:busy', 'true')
    es.send('index:progress', '{"indexed":2,"total":4}')
    es.send('index:progress', 'not json')
    expect(busy).toEqual([true])
    expect(index).toEqual([{ indexed: 2, total: 4, done: false }])
    offBusy()
    expect(es.closed).toBe(false)
    offIndex()
    expect(es.closed).toBe(true)
  })

  it('opens the stream again when a token is given', () => {
    vi.stubGlobal('EventSource', FakeEventSource)
    const off = onSummaryProgress(() => {})
    saveToken('new')
    expect(FakeEventSource.all.map((s) => [s.url, s.closed])).toEqual([
      ['/api/events', true],
      ['/api/events?token=new', false],
    ])
    off()
  })
})

describe('normalizers', () => {
  it('fill what Go or a broken payload left out', () => {
    expect(normalizeReport(null)).toEqual({
      files: [],
      totals: { conversations: 0, messages: 0, sessions: 0, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 0, failed: 0 },
    })
    const r = normalizeReport({
      files: [{ path: '/x', skipped: [{ file: 'part_2.json', line: 4, reason: 'bad' }, { line: 5, reason: 'r', file: '' }] }, { error: 'boom' }],
    })
    expect(r.files[0]).toEqual({
      path: '/x',
      format: '',
      status: 'ok',
      conversations: 0,
      messages: 0,
      sessions: 0,
      duplicates: 0,
      reread: 0,
      repaired: 0,
      broken_threads: 0,
      skipped_lines: 0,
      skipped: [{ file: 'part_2.json', line: 4, reason: 'bad' }, { line: 5, reason: 'r' }],
      error: null,
    })
    expect(r.files[1].status).toBe('failed')
    expect(normalizeIndexProgress('x')).toEqual({ indexed: 0, total: 0, done: false })
    expect(normalizeSummaryProgress({ done: '3', rate: Infinity, running: 'yes' })).toEqual({
      done: 0,
      total: 0,
      failed: 0,
      rate: 0,
      left_ns: 0,
      source: '',
      running: false,
    })
  })

  it.each([
    ['an Error', new Error('x'), 'x'],
    ['a string', 'plain', 'plain'],
    ['an object with a message', { message: 'm' }, 'm'],
    ['anything else', 42, '42'],
  ])('toError takes %s', (_, thrown, message) => {
    const e = toError(thrown)
    expect(e).toBeInstanceOf(Error)
    expect(e.message).toBe(message)
  })
})
