import { afterEach, describe, expect, it, vi } from 'vitest'
import { appInfo, getSession, listSessions, logInfo, toError } from './api'

afterEach(() => {
  delete window.go
  delete window.runtime
  vi.unstubAllGlobals()
})

function wailsAPI(over: Record<string, unknown> = {}) {
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
