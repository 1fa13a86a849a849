import { afterEach, describe, expect, it, vi } from 'vitest'
import { report } from '../testdata/data'
import { fakeWails, type FakeWindow } from '../testdata/wails'
import { ImportsStore } from './imports.svelte'

let w: FakeWindow
afterEach(() => {
  w?.remove()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

async function started(dialogs = true, watchFolder = '') {
  w = fakeWails({ watchFolder })
  const imported = vi.fn()
  const s = new ImportsStore(imported)
  await s.start(dialogs)
  return { s, imported }
}

describe('ImportsStore', () => {
  it('reads the watched folder in the window only', async () => {
    const { s } = await started(true, '/home/me/Inbox')
    expect(s.dir).toBe('/home/me/Inbox')
    const other = await started(false, '/home/me/Inbox')
    expect(other.s.dir).toBeNull()
    expect(w.app.ImportsService.WatchFolder).not.toHaveBeenCalled()
  })

  it('is busy while any import runs', async () => {
    const { s } = await started()
    w.emit('import:busy', true)
    expect(s.busy).toBe(true)
    expect(s.disabled).toBe(true)
    w.emit('import:busy', false)
    expect(s.disabled).toBe(false)
  })

  it('is disabled while the dialog is open, and shows the report after it', async () => {
    const { s, imported } = await started()
    let answer: (r: unknown) => void = () => {}
    w.app.ImportsService.ChooseAndImport.mockReturnValue(new Promise((r) => (answer = r)))
    const going = s.chooseAndImport()
    expect(s.disabled).toBe(true)
    void s.chooseAndImport()
    answer(report([{ messages: 3, sessions: 1 }]))
    await going
    expect(w.app.ImportsService.ChooseAndImport).toHaveBeenCalledTimes(1)
    expect(s.disabled).toBe(false)
    expect(s.notice).toMatchObject({ kind: 'report' })
    expect(imported).toHaveBeenCalledTimes(1)
    expect(w.logs).toEqual(['sessions-ui: import report: 1 files, 0 failed'])
  })

  it('shows nothing when the dialog was cancelled, or an event has nothing to tell', async () => {
    const { s, imported } = await started()
    await s.chooseAndImport()
    w.emit('import:report', report())
    expect(s.notice).toBeNull()
    expect(imported).not.toHaveBeenCalled()
  })

  it('shows the report of an import someone else started (the watcher, a drop)', async () => {
    const { s, imported } = await started()
    w.emit('import:report', report([{ messages: 2 }]))
    expect(s.notice).toMatchObject({ kind: 'report' })
    expect(imported).toHaveBeenCalledTimes(1)
  })

  it('says why an import could not run', async () => {
    const { s } = await started()
    w.app.ImportsService.ChooseAndImport.mockRejectedValue('choose files: no display')
    await s.chooseAndImport()
    expect(s.notice).toEqual({ kind: 'problem', title: 'Import failed', message: 'choose files: no display' })
    s.dismiss()
    expect(s.notice).toBeNull()
  })

  it('uploads the files picked in a browser', async () => {
    w = fakeWails()
    w.remove() // a browser: HTTP
    vi.spyOn(console, 'info').mockImplementation(() => {})
    const fetch = vi.fn(async () => new Response(JSON.stringify(report([{ path: 'a.txt', messages: 1 }]))))
    vi.stubGlobal('fetch', fetch)
    const s = new ImportsStore()
    await s.upload([])
    expect(fetch).not.toHaveBeenCalled()
    await s.upload([new File(['x'], 'a.txt')])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(s.notice).toMatchObject({ kind: 'report', report: { files: [{ path: 'a.txt' }] } })
  })

  it('chooses a folder and stops watching it; a failure keeps the folder', async () => {
    const { s } = await started(true, '')
    w.app.ImportsService.ChooseWatchFolder.mockResolvedValue('/in')
    await s.chooseFolder()
    expect(s.dir).toBe('/in')
    w.app.ImportsService.SetWatchFolder.mockRejectedValueOnce('watch /in: permission denied')
    await s.stopWatching()
    expect(s.dir).toBe('/in')
    expect(s.notice).toMatchObject({ kind: 'problem', title: 'Could not stop watching the folder' })
    await s.stopWatching()
    expect(s.dir).toBe('')
    expect(w.app.ImportsService.SetWatchFolder).toHaveBeenLastCalledWith('')
  })

  it('drops a dialog answer that arrives after destroy, and stops listening', async () => {
    const { s } = await started()
    let answer: (r: unknown) => void = () => {}
    w.app.ImportsService.ChooseAndImport.mockReturnValue(new Promise((r) => (answer = r)))
    const going = s.chooseAndImport()
    s.destroy()
    answer(report([{ messages: 1 }]))
    await going
    expect(s.notice).toBeNull()
    expect(w.listeners()).toBe(0)
  })

  it.each([
    ['files', ['Files'], true],
    ['file URIs, as WebKitGTK lists them', ['text/uri-list'], true],
    ['text dragged around the page', ['text/plain'], false],
  ])('hints at a drop of %s', async (_, types, shown) => {
    const { s } = await started()
    s.dragEnter(types)
    expect(s.dragging).toBe(shown)
  })

  it('hides the hint when the drag leaves, ends or an import starts', async () => {
    const { s } = await started()
    s.dragEnter(['Files'])
    s.dragEnter(['Files'])
    s.dragLeave()
    expect(s.dragging).toBe(true)
    s.dragLeave()
    expect(s.dragging).toBe(false)
    s.dragEnter(['Files'])
    w.emit('import:busy', true)
    expect(s.dragging).toBe(false)
  })
})
