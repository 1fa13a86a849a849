import { describe, expect, it, vi } from 'vitest'
import type { ListRequest, SessionPage } from './api'
import { noImport, session } from './testdata'
import { Timeline, type TimelineDeps } from './timeline'

function fakeDeps(pages: Record<string, SessionPage | Error>): TimelineDeps & { requests: ListRequest[]; logs: string[] } {
  const requests: ListRequest[] = []
  const logs: string[] = []
  return {
    ...noImport,
    requests,
    logs,
    async listSessions(req) {
      requests.push(req)
      const page = pages[`${req.status}:${req.cursor}`]
      if (!page) throw new Error(`no page for ${req.status}:${req.cursor}`)
      if (page instanceof Error) throw page
      return page
    },
    appInfo: async () => ({ data_dir: '/data/sessions', version: 'test' }),
    logInfo: (m) => void logs.push(m),
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

describe('Timeline', () => {
  it('loads pages until the cursor runs out', async () => {
    const deps = fakeDeps({
      'all:': { sessions: [session({ id: 3 }), session({ id: 2 })], next_cursor: 'c1' },
      'all:c1': { sessions: [session({ id: 1 })], next_cursor: null },
    })
    const root = document.createElement('div')
    const t = new Timeline(root, deps, 2)
    await t.start()

    expect(root.querySelector('h1')?.textContent).toBe('Sessions')
    expect([...root.querySelectorAll('.row')].map((r) => (r as HTMLElement).dataset.id)).toEqual(['3', '2'])
    const more = root.querySelector<HTMLButtonElement>('.list-footer button')!
    expect(more.textContent).toBe('Load More Sessions')
    expect(deps.logs).toEqual(['sessions-ui: rendered 2 rows'])

    more.click()
    await flush()
    expect([...root.querySelectorAll('.row')].map((r) => (r as HTMLElement).dataset.id)).toEqual(['3', '2', '1'])
    expect(root.querySelector('.list-footer button')).toBeNull()
    expect(root.querySelector('.list-footer')?.textContent).toBe("You've reached the end of the sessions.")
    expect(deps.requests).toEqual([
      { status: 'all', limit: 2, cursor: '' },
      { status: 'all', limit: 2, cursor: 'c1' },
    ])
    expect(deps.logs.at(-1)).toBe('sessions-ui: rendered 3 rows')
  })

  it('shows the empty state with the data dir', async () => {
    const deps = fakeDeps({ 'all:': { sessions: [], next_cursor: null } })
    const root = document.createElement('div')
    await new Timeline(root, deps).start()
    expect(root.querySelector('.empty h2')?.textContent).toBe('No sessions yet')
    expect(root.querySelector('.empty pre')?.textContent).toBe('sessions import "WhatsApp Chat with Alice.zip"')
    expect(root.querySelector('.empty code')?.textContent).toBe('/data/sessions')
    expect(root.querySelector('.list-footer')).toBeNull()
    expect(deps.logs).toEqual(['sessions-ui: empty state'])
  })

  it('shows the error text and retries', async () => {
    const pages: Record<string, SessionPage | Error> = { 'all:': new Error('open database: permission denied') }
    const deps = fakeDeps(pages)
    const root = document.createElement('div')
    await new Timeline(root, deps).start()
    expect(root.querySelector('.error-text')?.textContent).toBe('open database: permission denied')

    pages['all:'] = { sessions: [session()], next_cursor: null }
    root.querySelector<HTMLButtonElement>('.error button')!.click()
    await flush()
    expect(root.querySelector('.error')).toBeNull()
    expect(root.querySelectorAll('.row')).toHaveLength(1)
  })

  it('switches status from the first page', async () => {
    const deps = fakeDeps({
      'all:': { sessions: [session({ id: 1 }), session({ id: 2 })], next_cursor: null },
      'active:': { sessions: [session({ id: 2, status: 'active' })], next_cursor: null },
    })
    const root = document.createElement('div')
    await new Timeline(root, deps).start()
    const active = [...root.querySelectorAll<HTMLButtonElement>('.switch button')].find((b) => b.textContent === 'Active')!
    active.click()
    await flush()
    expect(active.getAttribute('aria-pressed')).toBe('true')
    expect([...root.querySelectorAll('.row')].map((r) => (r as HTMLElement).dataset.id)).toEqual(['2'])
    expect(deps.requests.at(-1)).toEqual({ status: 'active', limit: 50, cursor: '' })
  })

  it('drops an answer that arrives after the status changed', async () => {
    let release: (p: SessionPage) => void = () => {}
    const slow = new Promise<SessionPage>((r) => (release = r))
    const deps = fakeDeps({ 'completed:': { sessions: [session({ id: 9 })], next_cursor: null } })
    const list = deps.listSessions
    deps.listSessions = vi.fn((req: ListRequest) => (req.status === 'all' ? slow : list(req)))
    const root = document.createElement('div')
    const t = new Timeline(root, deps)
    void t.start()
    await t.setStatus('completed')
    release({ sessions: [session({ id: 1 })], next_cursor: null })
    await flush()
    expect([...root.querySelectorAll('.row')].map((r) => (r as HTMLElement).dataset.id)).toEqual(['9'])
  })
})
