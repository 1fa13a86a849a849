// The timeline's import controls, with api.ts mocked at its boundary: the
// Timeline is built with its default dependencies, the api module.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ImportReport, ListRequest, SessionPage } from './api'
import { report, session } from './testdata'

const bus = vi.hoisted(() => ({
  busy: new Set<(busy: boolean) => void>(),
  report: new Set<(r: ImportReport) => void>(),
}))

vi.mock('./api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./api')>()
  return {
    ...actual,
    listSessions: vi.fn(),
    appInfo: vi.fn(async () => ({ data_dir: '/data', version: 'test' })),
    logInfo: vi.fn(),
    canImport: vi.fn(() => true),
    chooseAndImport: vi.fn(),
    importFiles: vi.fn(),
    watchFolder: vi.fn(async () => ''),
    chooseWatchFolder: vi.fn(),
    setWatchFolder: vi.fn(async () => undefined),
    onImportBusy: vi.fn((cb: (busy: boolean) => void) => {
      bus.busy.add(cb)
      return () => bus.busy.delete(cb)
    }),
    onImportReport: vi.fn((cb: (r: ImportReport) => void) => {
      bus.report.add(cb)
      return () => bus.report.delete(cb)
    }),
  }
})

const api = vi.mocked(await import('./api'))
const { Timeline } = await import('./timeline')

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0))
}
const emitBusy = (b: boolean) => bus.busy.forEach((cb) => cb(b))
const emitReport = (r: ImportReport) => bus.report.forEach((cb) => cb(r))

/** Pages by status; each call answers with the current entry. */
let pages: Record<string, SessionPage>
let root: HTMLElement
let timeline: InstanceType<typeof Timeline> | null

beforeEach(() => {
  vi.clearAllMocks()
  bus.busy.clear()
  bus.report.clear()
  pages = { all: { sessions: [session({ id: 1 })], next_cursor: null } }
  api.listSessions.mockImplementation(async (req: ListRequest) => pages[req.status] ?? { sessions: [], next_cursor: null })
  api.canImport.mockReturnValue(true)
  api.watchFolder.mockResolvedValue('')
  root = document.createElement('div')
  document.body.append(root)
  timeline = null
})

afterEach(() => {
  timeline?.destroy()
  root.remove()
})

async function open(): Promise<InstanceType<typeof Timeline>> {
  timeline = new Timeline(root)
  await timeline.start()
  await flush()
  return timeline
}

const byText = (text: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === text) ?? null
const importButton = () => byText('Import')!
const ids = () => [...root.querySelectorAll<HTMLElement>('.row')].map((r) => r.dataset.id)

describe('import controls', () => {
  it('shows the Import button and that no folder is watched', async () => {
    await open()
    expect(importButton().disabled).toBe(false)
    expect(root.querySelector('.watch-bar')?.textContent).toContain('Not watching a folder')
    expect(byText('Choose folder…')?.disabled).toBe(false)
    expect(byText('Stop watching')?.hidden).toBe(true)
    expect(root.querySelector<HTMLElement>('.busy')?.hidden).toBe(true)
  })

  it('names the watched folder, with its full path as tooltip', async () => {
    api.watchFolder.mockResolvedValue('/home/me/Chat Inbox')
    await open()
    const name = root.querySelector<HTMLElement>('.watch-folder')!
    expect(name.textContent).toBe('Chat Inbox')
    expect(name.title).toBe('/home/me/Chat Inbox')
    expect(byText('Stop watching')?.hidden).toBe(false)
  })

  it('hides every import control where the program cannot import', async () => {
    api.canImport.mockReturnValue(false)
    pages.all = { sessions: [], next_cursor: null }
    await open()
    expect(byText('Import')).toBeNull()
    expect(root.querySelector('.watch-bar, .busy, .drop-hint')).toBeNull()
    expect(api.onImportBusy).not.toHaveBeenCalled()
    expect(api.watchFolder).not.toHaveBeenCalled()
    const empty = root.querySelector('.empty')!
    expect(empty.textContent).not.toContain('Drop')
    expect(empty.querySelector('pre')?.textContent).toBe('sessions import "WhatsApp Chat with Alice.zip"')
  })

  it('explains every way to import in the empty state', async () => {
    api.appInfo.mockResolvedValue({ data_dir: '/data', version: 'test', file_drop: true })
    pages.all = { sessions: [], next_cursor: null }
    await open()
    const empty = root.querySelector('.empty')!
    expect(empty.querySelector('h2')?.textContent).toBe('No sessions yet')
    const ways = [...empty.querySelectorAll('.empty-ways li')].map((li) => li.textContent)
    expect(ways).toEqual([
      'Click Import and pick the exported files or zips.',
      'Drop them anywhere on this window.',
      'Choose a watched folder: exports saved there are imported automatically.',
    ])
    expect(empty.querySelector('pre')?.textContent).toBe('sessions import "WhatsApp Chat with Alice.zip"')
    expect(empty.querySelector('code')?.textContent).toBe('/data')
  })

  it('does not promise drops where the program cannot receive them', async () => {
    api.appInfo.mockResolvedValue({ data_dir: '/data', version: 'test', file_drop: false })
    pages.all = { sessions: [], next_cursor: null }
    await open()
    const empty = root.querySelector('.empty')!
    expect(empty.textContent).toContain('Import')
    expect(empty.textContent).not.toContain('Drop')
  })
})

describe('busy state', () => {
  it('shows progress and disables the buttons while any import runs', async () => {
    api.watchFolder.mockResolvedValue('/in')
    await open()
    emitBusy(true)
    const busy = root.querySelector<HTMLElement>('.busy')!
    expect(busy.hidden).toBe(false)
    expect(busy.textContent).toBe('Importing…')
    expect(busy.getAttribute('role')).toBe('status')
    expect(importButton().disabled).toBe(true)
    expect(byText('Choose folder…')?.disabled).toBe(true)
    expect(byText('Stop watching')?.disabled).toBe(true)

    importButton().click()
    expect(api.chooseAndImport).not.toHaveBeenCalled()

    emitBusy(false)
    expect(busy.hidden).toBe(true)
    expect(importButton().disabled).toBe(false)
    expect(byText('Choose folder…')?.disabled).toBe(false)
    expect(byText('Stop watching')?.disabled).toBe(false)
  })

  it('disables the buttons while the file dialog is open', async () => {
    let answer: (r: ImportReport) => void = () => {}
    api.chooseAndImport.mockReturnValue(new Promise((r) => (answer = r)))
    await open()
    importButton().click()
    expect(api.chooseAndImport).toHaveBeenCalledOnce()
    expect(importButton().disabled).toBe(true)
    expect(byText('Choose folder…')?.disabled).toBe(true)
    answer(report([]))
    await flush()
    expect(importButton().disabled).toBe(false)
  })
})

describe('import reports', () => {
  it('shows the report of the Import button and reloads the first page', async () => {
    await open()
    pages.all = { sessions: [session({ id: 2 }), session({ id: 1 })], next_cursor: null }
    api.chooseAndImport.mockResolvedValue(report([{ path: '/in/chat.txt', messages: 5, sessions: 1 }]))
    importButton().click()
    await flush()
    const panel = root.querySelector('.report')!
    expect(panel.querySelector('h2')?.textContent).toBe('Import finished')
    expect(panel.querySelector('.report-name')?.textContent).toBe('chat.txt')
    // The panel sits on top of the list.
    expect(panel.compareDocumentPosition(root.querySelector('.timeline')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    expect(ids()).toEqual(['2', '1'])
    expect(api.listSessions).toHaveBeenLastCalledWith({ status: 'all', limit: 50, cursor: '' })
    expect(api.logInfo).toHaveBeenLastCalledWith('sessions-ui: rendered 2 rows')
  })

  it('shows nothing when the dialog was cancelled', async () => {
    await open()
    api.chooseAndImport.mockResolvedValue(report([]))
    importButton().click()
    await flush()
    expect(root.querySelector('.report')).toBeNull()
    expect(api.listSessions).toHaveBeenCalledOnce()
  })

  it('says why an import could not run', async () => {
    await open()
    api.chooseAndImport.mockRejectedValue(new Error('open file dialog: no display'))
    importButton().click()
    await flush()
    const panel = root.querySelector('.report')!
    expect(panel.getAttribute('role')).toBe('alert')
    expect(panel.querySelector('h2')?.textContent).toBe('Import failed')
    expect(panel.querySelector('.report-error')?.textContent).toBe('open file dialog: no display')
    expect(importButton().disabled).toBe(false)
  })

  it('refreshes the list on an import:report event, keeping the status filter', async () => {
    pages.active = { sessions: [session({ id: 5, status: 'active' })], next_cursor: null }
    const t = await open()
    await t.setStatus('active')
    expect(ids()).toEqual(['5'])

    pages.active = { sessions: [session({ id: 6, status: 'active' }), session({ id: 5, status: 'active' })], next_cursor: null }
    emitReport(report([{ path: '/inbox/WhatsApp Chat with <b>Bob.txt', messages: 2, sessions: 1 }]))
    await flush()
    expect(root.querySelector('.report-name')?.textContent).toBe('WhatsApp Chat with <b>Bob.txt')
    expect(root.querySelector('.report b')).toBeNull()
    expect(api.listSessions).toHaveBeenLastCalledWith({ status: 'active', limit: 50, cursor: '' })
    expect(ids()).toEqual(['6', '5'])
    const active = [...root.querySelectorAll('.switch button')].find((b) => b.textContent === 'Active')
    expect(active?.getAttribute('aria-pressed')).toBe('true')
  })

  it('replaces the empty state when the first sessions arrive', async () => {
    pages.all = { sessions: [], next_cursor: null }
    await open()
    expect(root.querySelector('.empty')).not.toBeNull()
    pages.all = { sessions: [session({ id: 1 })], next_cursor: null }
    emitReport(report([{ messages: 3, sessions: 1 }]))
    await flush()
    expect(root.querySelector('.empty')).toBeNull()
    expect(ids()).toEqual(['1'])
  })

  it('ignores an event report with nothing in it', async () => {
    await open()
    emitReport(report([]))
    await flush()
    expect(root.querySelector('.report')).toBeNull()
    expect(api.listSessions).toHaveBeenCalledOnce()
  })

  it('is dismissed with its close button, and replaced by the next one', async () => {
    await open()
    emitReport(report([{ path: '/a.txt' }]))
    emitReport(report([{ path: '/b.txt' }]))
    await flush()
    expect([...root.querySelectorAll('.report-name')].map((n) => n.textContent)).toEqual(['b.txt'])
    root.querySelector<HTMLButtonElement>('.report-head button')!.click()
    expect(root.querySelector('.report')).toBeNull()
  })
})

describe('watched folder', () => {
  it('chooses a folder and stops watching it', async () => {
    await open()
    api.chooseWatchFolder.mockResolvedValue('/home/me/Exports')
    byText('Choose folder…')!.click()
    await flush()
    expect(root.querySelector('.watch-folder')?.textContent).toBe('Exports')
    expect(byText('Stop watching')?.hidden).toBe(false)

    byText('Stop watching')!.click()
    await flush()
    expect(api.setWatchFolder).toHaveBeenCalledWith('')
    expect(root.querySelector('.watch-bar')?.textContent).toContain('Not watching a folder')
    expect(byText('Stop watching')?.hidden).toBe(true)
  })

  it('keeps the folder and tells why when watching fails', async () => {
    api.watchFolder.mockResolvedValue('/home/me/Inbox')
    await open()
    api.chooseWatchFolder.mockRejectedValue(new Error('watch /mnt/usb: no such file or directory'))
    byText('Choose folder…')!.click()
    await flush()
    expect(root.querySelector('.watch-folder')?.textContent).toBe('Inbox')
    expect(root.querySelector('.report h2')?.textContent).toBe('Could not watch the folder')
    expect(root.querySelector('.report-error')?.textContent).toBe('watch /mnt/usb: no such file or directory')

    api.setWatchFolder.mockRejectedValue(new Error('database is locked'))
    byText('Stop watching')!.click()
    await flush()
    expect(root.querySelector('.watch-folder')?.textContent).toBe('Inbox')
    expect(root.querySelector('.report h2')?.textContent).toBe('Could not stop watching the folder')
  })
})

describe('lifetime', () => {
  it('subscribes once and unsubscribes on destroy', async () => {
    const t = await open()
    await t.start()
    expect(api.onImportBusy).toHaveBeenCalledOnce()
    expect(api.onImportReport).toHaveBeenCalledOnce()
    expect(bus.busy.size).toBe(1)
    expect(bus.report.size).toBe(1)

    t.destroy()
    expect(bus.busy.size).toBe(0)
    expect(bus.report.size).toBe(0)
    emitReport(report([{}]))
    await flush()
    expect(root.querySelector('.report')).toBeNull()
  })

  it('drops a dialog answer that arrives after destroy', async () => {
    let answer: (r: ImportReport) => void = () => {}
    api.chooseAndImport.mockReturnValue(new Promise((r) => (answer = r)))
    const t = await open()
    importButton().click()
    t.destroy()
    answer(report([{}]))
    await flush()
    expect(root.querySelector('.report')).toBeNull()
    expect(api.listSessions).toHaveBeenCalledOnce()
  })
})

describe('drop hint', () => {
  function drag(type: string, files = true): Event {
    const e = new Event(type, { bubbles: true, cancelable: true })
    Object.defineProperty(e, 'dataTransfer', { value: { types: files ? ['Files'] : ['text/plain'], dropEffect: 'none' } })
    window.dispatchEvent(e)
    return e
  }

  it('shows while files are dragged over the window and keeps the page', async () => {
    const t = await open()
    const hint = root.querySelector<HTMLElement>('.drop-hint')!
    expect(hint.hidden).toBe(true)
    drag('dragenter')
    drag('dragenter') // into a child
    expect(hint.hidden).toBe(false)
    // Cancelling dragover would make WebKitGTK open the dropped file as a page.
    expect(drag('dragover').defaultPrevented).toBe(false)
    drag('dragleave')
    expect(hint.hidden).toBe(false)
    drag('dragleave')
    expect(hint.hidden).toBe(true)

    drag('dragenter')
    expect(drag('drop').defaultPrevented).toBe(true)
    expect(hint.hidden).toBe(true)

    t.destroy()
    drag('dragenter')
    expect(hint.hidden).toBe(true)
  })

  it('takes file URIs for files, as WebKitGTK lists them', async () => {
    await open()
    const e = new Event('dragenter')
    Object.defineProperty(e, 'dataTransfer', { value: { types: ['text/uri-list', 'text/html'] } })
    window.dispatchEvent(e)
    expect(root.querySelector<HTMLElement>('.drop-hint')?.hidden).toBe(false)
  })

  it('hides when the import starts or the mouse moves again', async () => {
    await open()
    const hint = root.querySelector<HTMLElement>('.drop-hint')!
    drag('dragenter')
    emitBusy(true)
    expect(hint.hidden).toBe(true)
    emitBusy(false)
    drag('dragenter')
    window.dispatchEvent(new Event('mousemove'))
    expect(hint.hidden).toBe(true)
    drag('dragenter')
    drag('dragleave')
    expect(hint.hidden).toBe(true)
  })

  it('ignores text dragged around the page', async () => {
    await open()
    drag('dragenter', false)
    expect(root.querySelector<HTMLElement>('.drop-hint')?.hidden).toBe(true)
    expect(drag('dragover', false).defaultPrevented).toBe(false)
  })
})
