import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  appInfo,
  cancelSummaries,
  canImport,
  chooseAndImport,
  chooseWatchFolder,
  contactSessions,
  getConversation,
  getSession,
  importFiles,
  listSessions,
  logInfo,
  normalizeIndexProgress,
  normalizeReport,
  normalizeSummaryProgress,
  onImportBusy,
  onImportReport,
  onIndexProgress,
  onSummaryProgress,
  resummarize,
  setWatchFolder,
  summaryStatus,
  toError,
  watchFolder,
} from './api'

afterEach(() => {
  delete window.go
  delete window.runtime
  vi.unstubAllGlobals()
})

function wailsAPI<T extends Record<string, unknown>>(over: T = {} as T) {
  const api = {
    ListSessions: vi.fn(async () => ({ sessions: [], next_cursor: null })),
    GetSession: vi.fn(async () => ({ id: 5 })),
    AppInfo: vi.fn(async () => ({ data_dir: '/d', version: 'v' })),
    ...over,
  }
  window.go = { app: { API: api as never } }
  return api
}

function stubFetch(status: number, body: string) {
  const fetch = vi.fn(async (_url: string) => new Response(body, { status }))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

describe('with Wails bindings', () => {
  it('calls the bound methods, not fetch', async () => {
    const api = wailsAPI()
    const fetch = stubFetch(500, '')
    await listSessions({ status: 'active', limit: 50, cursor: 'abc' })
    await getSession(5)
    expect(await appInfo()).toEqual({ data_dir: '/d', version: 'v' })
    expect(api.ListSessions).toHaveBeenCalledWith({ status: 'active', limit: 50, cursor: 'abc' })
    expect(api.GetSession).toHaveBeenCalledWith(5)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('turns string rejections into Errors', async () => {
    wailsAPI({
      ListSessions: vi.fn(() => Promise.reject('list sessions: database is locked')),
      GetSession: vi.fn(() => Promise.reject('session 5: not found')),
    })
    const err = await listSessions({ status: 'all', limit: 50, cursor: '' }).catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('list sessions: database is locked')
    await expect(getSession(5)).rejects.toThrow(new Error('session 5: not found'))
  })

  it('binds threads and contacts', async () => {
    const api = wailsAPI({
      GetConversation: vi.fn(async () => ({ id: 3, sessions: null, messages: [{ id: 1, session_id: null }] })),
      ContactSessions: vi.fn(async () => ({ id: 4, channels: ['whatsapp'], sessions: null })),
    })
    const v = await getConversation({ id: 3, before: 'c' })
    expect(api.GetConversation).toHaveBeenCalledWith({ id: 3, before: 'c' })
    expect(v.sessions).toEqual([])
    expect(v.messages).toHaveLength(1)
    const d = await contactSessions({ id: 4 })
    expect(api.ContactSessions).toHaveBeenCalledWith({ id: 4 })
    expect(d).toMatchObject({ channels: ['whatsapp'], sessions: [] })
  })

  it('treats a null session list as empty', async () => {
    wailsAPI({ ListSessions: vi.fn(async () => ({ sessions: null, next_cursor: null })) })
    expect(await listSessions({ status: 'all', limit: 50, cursor: '' })).toEqual({ sessions: [], next_cursor: null })
  })

  it('logs through the Wails runtime', () => {
    const LogInfo = vi.fn()
    window.runtime = { LogInfo }
    logInfo('sessions-ui: rendered 3 rows')
    expect(LogInfo).toHaveBeenCalledWith('sessions-ui: rendered 3 rows')
  })
})

describe('over HTTP', () => {
  it('fetches the API routes', async () => {
    const fetch = stubFetch(200, '{"sessions":[],"next_cursor":"n"}')
    expect(await listSessions({ status: 'completed', limit: 20, cursor: 'x y' })).toEqual({ sessions: [], next_cursor: 'n' })
    expect(fetch.mock.calls[0][0]).toBe('/api/sessions?status=completed&limit=20&cursor=x+y')

    const f2 = stubFetch(200, '{"id":5}')
    await getSession(5)
    expect(f2.mock.calls[0][0]).toBe('/api/sessions/5')

    const f3 = stubFetch(200, '{"data_dir":"/d","version":"v"}')
    expect(await appInfo()).toEqual({ data_dir: '/d', version: 'v' })
    expect(f3.mock.calls[0][0]).toBe('/api/info')
  })

  it('fetches threads and contacts', async () => {
    const f = stubFetch(200, '{"id":3,"sessions":null,"messages":null,"next_cursor":null,"prev_cursor":null}')
    const v = await getConversation({ id: 3, session_id: 7, limit: 100 })
    expect(f.mock.calls[0][0]).toBe('/api/conversations/3?session_id=7&limit=100')
    expect(v.sessions).toEqual([])
    expect(v.messages).toEqual([])

    const f2 = stubFetch(200, '{"id":4,"channels":null,"sessions":null,"next_cursor":null}')
    const d = await contactSessions({ id: 4, cursor: 'a/b' })
    expect(f2.mock.calls[0][0]).toBe('/api/contacts/4/sessions?cursor=a%2Fb')
    expect(d.channels).toEqual([])
    expect(d.sessions).toEqual([])
  })

  it('reports the error of a failed request', async () => {
    stubFetch(404, '{"error":"session 9: not found"}')
    await expect(getSession(9)).rejects.toThrow('session 9: not found')
    stubFetch(500, 'internal trouble\n')
    await expect(appInfo()).rejects.toThrow('internal trouble')
    stubFetch(502, '')
    await expect(appInfo()).rejects.toThrow('502')
  })
})

describe('toError', () => {
  it.each([
    { name: 'Error stays', in: new TypeError('t'), want: 't' },
    { name: 'string', in: 'boom', want: 'boom' },
    { name: 'object with message', in: { message: 'm' }, want: 'm' },
    { name: 'other', in: 42, want: '42' },
  ])('$name', ({ in: input, want }) => {
    const err = toError(input)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe(want)
  })
})

const goReport = {
  files: [
    {
      path: '/in/WhatsApp Chat with Alice.txt',
      format: 'whatsapp-txt',
      status: 'ok',
      conversations: 1,
      messages: 13,
      sessions: 2,
      duplicates: 0,
      reread: 0,
      repaired: 0,
      broken_threads: 0,
      skipped_lines: 1,
      skipped: [{ line: 3, reason: 'text before the first message header' }],
      error: null,
    },
    {
      path: '/in/broken.zip',
      format: 'whatsapp-zip',
      status: 'failed',
      conversations: 0,
      messages: 0,
      sessions: 0,
      duplicates: 0,
      reread: 0,
      repaired: 0,
      broken_threads: 0,
      skipped_lines: 0,
      skipped: null,
      error: 'not a zip',
    },
  ],
  totals: { conversations: 1, messages: 13, sessions: 2, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 2, failed: 1 },
}

function importAPI<T extends Record<string, unknown>>(over: T = {} as T) {
  return wailsAPI({
    ImportFiles: vi.fn(async () => goReport),
    ChooseAndImport: vi.fn(async () => goReport),
    WatchFolder: vi.fn(async () => '/home/me/Inbox'),
    ChooseWatchFolder: vi.fn(async () => '/home/me/Other'),
    SetWatchFolder: vi.fn(async () => undefined),
    ...over,
  })
}

describe('importing with Wails bindings', () => {
  it('can import', () => {
    importAPI()
    expect(canImport()).toBe(true)
  })

  it('cannot import with bindings that lack the import methods', () => {
    wailsAPI()
    expect(canImport()).toBe(false)
  })

  it('calls the bound import methods and normalises the report', async () => {
    const api = importAPI()
    const fetch = stubFetch(500, '')
    const rep = await importFiles(['/a.txt', '/b'])
    expect(api.ImportFiles).toHaveBeenCalledWith(['/a.txt', '/b'])
    expect(rep.files[0].skipped).toEqual([{ line: 3, reason: 'text before the first message header' }])
    expect(rep.files[1].skipped).toEqual([])
    expect(rep.files[1].error).toBe('not a zip')
    expect(rep.totals).toEqual(goReport.totals)
    expect(await chooseAndImport()).toEqual(rep)
    expect(api.ChooseAndImport).toHaveBeenCalledOnce()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('reads, chooses and clears the watched folder', async () => {
    const api = importAPI()
    expect(await watchFolder()).toBe('/home/me/Inbox')
    expect(await chooseWatchFolder()).toBe('/home/me/Other')
    await setWatchFolder('')
    expect(api.SetWatchFolder).toHaveBeenCalledWith('')
  })

  it('treats a null watched folder as none', async () => {
    importAPI({ WatchFolder: vi.fn(async () => null) })
    expect(await watchFolder()).toBe('')
  })

  it('turns string rejections into Errors', async () => {
    importAPI({
      ChooseAndImport: vi.fn(() => Promise.reject('open file dialog: no display')),
      SetWatchFolder: vi.fn(() => Promise.reject('watch /gone: no such file or directory')),
      ChooseWatchFolder: vi.fn(() => Promise.reject({ message: 'dialog gone' })),
    })
    const err = await chooseAndImport().catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('open file dialog: no display')
    await expect(setWatchFolder('/gone')).rejects.toThrow(new Error('watch /gone: no such file or directory'))
    await expect(chooseWatchFolder()).rejects.toThrow(new Error('dialog gone'))
  })
})

describe('importing without Wails', () => {
  it('cannot import, and says so without calling the server', async () => {
    const fetch = stubFetch(200, '{}')
    expect(canImport()).toBe(false)
    await expect(chooseAndImport()).rejects.toThrow('only available in the desktop app')
    await expect(importFiles(['/a'])).rejects.toThrow('only available in the desktop app')
    await expect(watchFolder()).rejects.toThrow('only available in the desktop app')
    await expect(chooseWatchFolder()).rejects.toThrow('only available in the desktop app')
    await expect(setWatchFolder('')).rejects.toThrow('only available in the desktop app')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('subscribes to nothing', () => {
    const off = onImportBusy(() => {})
    expect(typeof off).toBe('function')
    off()
    onImportReport(() => {})()
  })
})

describe('import events', () => {
  function runtime() {
    const listeners = new Map<string, ((...data: unknown[]) => void)[]>()
    const offs: string[] = []
    const rt = {
      EventsOn: vi.fn((name: string, cb: (...data: unknown[]) => void) => {
        listeners.set(name, [...(listeners.get(name) ?? []), cb])
        return () => {
          offs.push(name)
          listeners.set(name, (listeners.get(name) ?? []).filter((l) => l !== cb))
        }
      }),
      EventsOff: vi.fn(),
    }
    window.runtime = rt
    const emit = (name: string, ...data: unknown[]) => (listeners.get(name) ?? []).forEach((l) => l(...data))
    return { rt, emit, offs }
  }

  it('delivers busy and report events until unsubscribed', () => {
    importAPI()
    const { rt, emit, offs } = runtime()
    const busy: boolean[] = []
    const reports: unknown[] = []
    const offBusy = onImportBusy((b) => busy.push(b))
    const offReport = onImportReport((r) => reports.push(r))
    expect(rt.EventsOn).toHaveBeenCalledWith('import:busy', expect.any(Function))
    expect(rt.EventsOn).toHaveBeenCalledWith('import:report', expect.any(Function))

    emit('import:busy', true)
    emit('import:busy', false)
    emit('import:report', { files: null, totals: { ignored: 3 } })
    expect(busy).toEqual([true, false])
    expect(reports).toEqual([
      { files: [], totals: { conversations: 0, messages: 0, sessions: 0, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 3, failed: 0 } },
    ])

    offBusy()
    offBusy()
    offReport()
    expect(offs).toEqual(['import:busy', 'import:report'])
    emit('import:busy', true)
    expect(busy).toEqual([true, false])
    expect(rt.EventsOff).not.toHaveBeenCalled()
  })

  it('falls back to EventsOff when EventsOn returns nothing', () => {
    importAPI()
    const EventsOff = vi.fn()
    window.runtime = { EventsOn: vi.fn(), EventsOff }
    onImportBusy(() => {})()
    expect(EventsOff).toHaveBeenCalledWith('import:busy')
  })
})

describe('normalizeReport', () => {
  it('fills what Go or a broken payload left out', () => {
    expect(normalizeReport(null)).toEqual({
      files: [],
      totals: { conversations: 0, messages: 0, sessions: 0, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 0, failed: 0 },
    })
    const r = normalizeReport({ files: [{ path: '/x', skipped: [{ file: 'part_2.json', line: 4, reason: 'bad' }, { line: 5, reason: 'r', file: '' }] }] })
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
  })
})

describe('page totals', () => {
  it('passes total and index_pending through, from both transports', async () => {
    wailsAPI({ ListSessions: vi.fn(async () => ({ sessions: [], next_cursor: null, total: 120, index_pending: 3 })) })
    expect(await listSessions({ status: 'all', limit: 50, cursor: '' })).toEqual({
      sessions: [],
      next_cursor: null,
      total: 120,
      index_pending: 3,
    })
    delete window.go
    stubFetch(200, '{"sessions":[],"next_cursor":null,"total":7,"index_pending":0}')
    const page = await listSessions({ status: 'all', limit: 50, cursor: '' })
    expect(page.total).toBe(7)
    expect(page.index_pending).toBe(0)
  })
})

const goStatus = {
  done: 120,
  total: 500,
  failed: 2,
  rate: 12.5,
  left_ns: 30e9,
  source: 'builtin',
  running: true,
  pending: 380,
  note: 'Built-in summaries: ollama is not answering',
}

function summaryAPI<T extends Record<string, unknown>>(over: T = {} as T) {
  return wailsAPI({
    SummaryStatus: vi.fn(async () => goStatus),
    CancelSummaries: vi.fn(async () => undefined),
    Resummarize: vi.fn(async () => undefined),
    ...over,
  })
}

describe('summaries with Wails bindings', () => {
  it('calls the bound methods, not fetch', async () => {
    const api = summaryAPI()
    const fetch = stubFetch(500, '')
    expect(await summaryStatus()).toEqual(goStatus)
    await cancelSummaries()
    await resummarize(42)
    expect(api.SummaryStatus).toHaveBeenCalledOnce()
    expect(api.CancelSummaries).toHaveBeenCalledOnce()
    expect(api.Resummarize).toHaveBeenCalledWith(42)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('fills what the status left out', async () => {
    summaryAPI({ SummaryStatus: vi.fn(async () => ({ done: 3, source: 'builtin', note: null })) })
    expect(await summaryStatus()).toEqual({
      done: 3,
      total: 0,
      failed: 0,
      rate: 0,
      left_ns: 0,
      source: 'builtin',
      running: false,
      pending: 0,
      note: '',
    })
  })

  it('turns string rejections into Errors', async () => {
    summaryAPI({
      SummaryStatus: vi.fn(() => Promise.reject('database is locked')),
      Resummarize: vi.fn(() => Promise.reject('session 9: not found')),
    })
    const err = await summaryStatus().catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('database is locked')
    await expect(resummarize(9)).rejects.toThrow(new Error('session 9: not found'))
  })

  it('rejects with bindings that lack the summary methods', async () => {
    wailsAPI()
    await expect(summaryStatus()).rejects.toThrow('only be followed in the desktop app')
  })
})

describe('summaries without Wails', () => {
  it('rejects without calling the server', async () => {
    const fetch = stubFetch(200, '{}')
    await expect(summaryStatus()).rejects.toThrow('only be followed in the desktop app')
    await expect(cancelSummaries()).rejects.toThrow('only be followed in the desktop app')
    await expect(resummarize(1)).rejects.toThrow('only be followed in the desktop app')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('subscribes to nothing', () => {
    const EventsOn = vi.fn()
    window.runtime = { EventsOn }
    const off = onIndexProgress(() => {})
    expect(typeof off).toBe('function')
    off()
    onSummaryProgress(() => {})()
    expect(EventsOn).not.toHaveBeenCalled()
  })
})

describe('background events', () => {
  it('delivers index and summary progress, normalised, until unsubscribed', () => {
    summaryAPI()
    const listeners = new Map<string, (...data: unknown[]) => void>()
    const offs: string[] = []
    window.runtime = {
      EventsOn: vi.fn((name: string, cb: (...data: unknown[]) => void) => {
        listeners.set(name, cb)
        return () => {
          offs.push(name)
          listeners.delete(name)
        }
      }),
    }
    const emit = (name: string, data: unknown) => listeners.get(name)?.(data)
    const index: unknown[] = []
    const summary: unknown[] = []
    const offIndex = onIndexProgress((p) => index.push(p))
    const offSummary = onSummaryProgress((p) => summary.push(p))
    expect(window.runtime.EventsOn).toHaveBeenCalledWith('index:progress', expect.any(Function))
    expect(window.runtime.EventsOn).toHaveBeenCalledWith('summary:progress', expect.any(Function))

    emit('index:progress', { indexed: 1200, total: 5000, done: false })
    emit('index:progress', { done: true })
    emit('summary:progress', { done: 1, total: 2, failed: 0, rate: 0.5, left_ns: 2e9, source: 'ollama:llama3.2', running: true })
    emit('summary:progress', null)
    expect(index).toEqual([
      { indexed: 1200, total: 5000, done: false },
      { indexed: 0, total: 0, done: true },
    ])
    expect(summary).toEqual([
      { done: 1, total: 2, failed: 0, rate: 0.5, left_ns: 2e9, source: 'ollama:llama3.2', running: true },
      { done: 0, total: 0, failed: 0, rate: 0, left_ns: 0, source: '', running: false },
    ])

    offIndex()
    offIndex()
    offSummary()
    expect(offs).toEqual(['index:progress', 'summary:progress'])
  })

  it('normalises broken payloads', () => {
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
})
