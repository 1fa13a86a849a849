// The timeline's status line of background work, and the refresh that shows
// new summaries when a summary run ends.

import { describe, expect, it } from 'vitest'
import type { ListRequest, SessionPage } from './api'
import { backgroundBus, noImport, session } from './testdata'
import { Timeline, type TimelineDeps } from './timeline'

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0))
}

function setup(pages: Record<string, SessionPage>, status = {}, canImport = false) {
  const bus = backgroundBus(status)
  const requests: ListRequest[] = []
  const logs: string[] = []
  const deps: TimelineDeps = {
    ...noImport,
    canImport: () => canImport,
    watchFolder: async () => '',
    ...bus.deps,
    async listSessions(req) {
      requests.push(req)
      const page = pages[`${req.status}:${req.cursor}`]
      if (!page) throw new Error(`no page for ${req.status}:${req.cursor}`)
      return page
    },
    appInfo: async () => ({ data_dir: '/data', version: 'test' }),
    logInfo: (m) => void logs.push(m),
  }
  const root = document.createElement('div')
  const t = new Timeline(root, deps, 2)
  const line = () => root.querySelector<HTMLElement>('.bg-status')!
  const ids = () => [...root.querySelectorAll<HTMLElement>('.row')].map((r) => r.dataset.id)
  return { ...bus, t, root, requests, logs, line, ids }
}

const pending = session({ id: 2, summary: null })
const summarized = session({ id: 2, summary: 'Asked about the lid.', summary_source: 'builtin' })

describe('status line', () => {
  it('sits in the header under its rows and is hidden while idle', async () => {
    const { t, root, line } = setup({ 'all:': { sessions: [pending], next_cursor: null } }, {}, true)
    await t.start()
    await flush()
    expect(line().parentElement).toBe(root.querySelector('header'))
    expect(line().previousElementSibling?.classList.contains('topbar-sub')).toBe(true)
    expect(line().hidden).toBe(true)
  })

  it('shows indexing and summarizing, also where the UI cannot import', async () => {
    const { t, line, emitIndex, emitSummary } = setup({ 'all:': { sessions: [pending], next_cursor: null } })
    await t.start()
    emitIndex({ indexed: 3, total: 9 })
    emitSummary({})
    expect(line().hidden).toBe(false)
    expect(line().querySelector('.bg-index')?.textContent).toBe('Indexing for search… 3 / 9')
    expect(line().querySelector('.bg-text')?.textContent).toBe('Summarizing 120 / 500 · 12/s · 30 s left (built-in)')
    emitIndex({ done: true })
    emitSummary({ running: false, done: 0 })
    expect(line().hidden).toBe(true)
  })

  it('cancels summaries with the Cancel link', async () => {
    const { t, line, emitSummary, deps } = setup({ 'all:': { sessions: [pending], next_cursor: null } })
    await t.start()
    emitSummary({})
    const cancel = [...line().querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!
    cancel.click()
    expect(deps.cancelSummaries).toHaveBeenCalledOnce()
  })

  it('shows the note about built-in summaries', async () => {
    const { t, line } = setup({ 'all:': { sessions: [pending], next_cursor: null } }, { note: 'Built-in summaries: no Ollama' })
    await t.start()
    await flush()
    expect(line().hidden).toBe(false)
    expect(line().querySelector('.bg-note-text')?.textContent).toBe('Built-in summaries: no Ollama')
  })
})

describe('refresh when a summary run ends', () => {
  it('reloads the first page with the status filter, and says so in the log', async () => {
    const pages: Record<string, SessionPage> = {
      'all:': { sessions: [session({ id: 1 })], next_cursor: null },
      'completed:': { sessions: [pending], next_cursor: null },
    }
    const { t, requests, logs, root, emitSummary } = setup(pages)
    await t.start()
    await t.setStatus('completed')
    expect(root.querySelector('.row-summary-note')?.textContent).toBe('Summary pending…')

    pages['completed:'] = { sessions: [summarized], next_cursor: null }
    emitSummary({})
    expect(requests).toHaveLength(2)
    emitSummary({ done: 500, running: false })
    await flush()
    expect(requests.at(-1)).toEqual({ status: 'completed', limit: 2, cursor: '' })
    expect(root.querySelector('.row-summary')?.textContent).toBe('Asked about the lid.')
    expect(root.querySelector('.row-summary-line .tag')?.textContent).toBe('built-in')
    expect(root.querySelector('.row-summary-note')).toBeNull()
    expect(logs.at(-1)).toBe('sessions-ui: rendered 1 rows')
  })

  it('keeps the rows on screen while the page reloads', async () => {
    const pages: Record<string, SessionPage> = { 'all:': { sessions: [pending], next_cursor: null } }
    const { t, root, emitSummary, ids } = setup(pages)
    await t.start()
    pages['all:'] = { sessions: [summarized], next_cursor: null }
    emitSummary({ done: 1, running: false })
    expect(ids()).toEqual(['2'])
    expect(root.querySelector('.loading')).toBeNull()
    await flush()
    expect(root.querySelector('.row-summary')?.textContent).toBe('Asked about the lid.')
  })

  it('leaves the list alone once more pages are loaded', async () => {
    const pages: Record<string, SessionPage> = {
      'all:': { sessions: [session({ id: 4 }), session({ id: 3 })], next_cursor: 'c1' },
      'all:c1': { sessions: [pending], next_cursor: null },
    }
    const { t, requests, emitSummary, ids } = setup(pages)
    await t.start()
    await t.loadMore()
    expect(ids()).toEqual(['4', '3', '2'])
    emitSummary({ done: 3, running: false })
    await flush()
    expect(requests).toHaveLength(2)
    expect(ids()).toEqual(['4', '3', '2'])
  })

  it('does not reload after a run that handled nothing', async () => {
    const { t, requests, emitSummary } = setup({ 'all:': { sessions: [pending], next_cursor: null } })
    await t.start()
    emitSummary({ done: 0, total: 0, running: false })
    await flush()
    expect(requests).toHaveLength(1)
  })

  it('does not reload while a page is loading', async () => {
    const { t, requests, emitSummary } = setup({ 'all:': { sessions: [pending], next_cursor: null } })
    const started = t.start()
    emitSummary({ done: 5, running: false })
    await started
    await flush()
    expect(requests).toHaveLength(1)
  })
})

describe('lifetime', () => {
  it('stops listening to background work on destroy', async () => {
    const { t, listeners, requests, emitSummary } = setup({ 'all:': { sessions: [pending], next_cursor: null } })
    await t.start()
    expect(listeners()).toBe(2)
    t.destroy()
    expect(listeners()).toBe(0)
    emitSummary({ done: 5, running: false })
    await flush()
    expect(requests).toHaveLength(1)
  })
})
