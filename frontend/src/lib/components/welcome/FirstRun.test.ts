// The first-run screen against the fake window: what Sessions does, and
// the two ways in (Import, Try with sample data), each ending on the timeline.

import { fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ImportsStore } from '../../stores/imports.svelte'
import { SettingsStore } from '../../stores/settings.svelte'
import { fakeSettings } from '../../testdata/settings'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import FirstRun from './FirstRun.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

const report = (sessions: number) => ({
  files: [{ path: '/x/chat.txt', format: 'whatsapp-txt', status: 'ok', conversations: 1, messages: 9, sessions, duplicates: 0, reread: 0, repaired: 0, broken_threads: 0, skipped_lines: 0, skipped: [], error: null }],
  totals: { conversations: 1, messages: 9, sessions, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 0, failed: 0 },
})

describe('FirstRun', () => {
  it('says what Sessions does and offers Import and the sample', async () => {
    w = fakeWails()
    fakeSettings(w)
    render(FirstRun)
    await settle()
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Sessions' })).toBeTruthy()
    expect(screen.getByText(/one searchable timeline of customer sessions/).textContent).toMatch(/stays\s+on this computer/)
    expect(screen.getByRole('button', { name: 'Import' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Try with sample data' })).toBeTruthy()
  })

  it('loads the sample data and goes to the timeline', async () => {
    w = fakeWails()
    const f = fakeSettings(w)
    const ondone = vi.fn()
    render(FirstRun, { ondone, settings: new SettingsStore(0) })
    await settle()
    await fireEvent.click(screen.getByRole('button', { name: 'Try with sample data' }))
    await settle()
    expect(f.sample).toBe(true)
    expect(ondone).toHaveBeenCalledOnce()
  })

  it('goes to the timeline by itself when no handler is given', async () => {
    w = fakeWails()
    fakeSettings(w)
    location.hash = '#/welcome'
    render(FirstRun)
    await settle()
    await fireEvent.click(screen.getByRole('button', { name: 'Try with sample data' }))
    await settle()
    expect(location.hash).toBe('#/sessions')
  })

  it('says why the sample could not load, and stays', async () => {
    w = fakeWails()
    fakeSettings(w)
    w.app.SettingsService.LoadSampleData.mockRejectedValueOnce(new Error('load the sample data: disk full'))
    const ondone = vi.fn()
    render(FirstRun, { ondone })
    await settle()
    await fireEvent.click(screen.getByRole('button', { name: 'Try with sample data' }))
    await settle()
    expect(screen.getByRole('alert').textContent).toBe('load the sample data: disk full')
    expect(ondone).not.toHaveBeenCalled()
  })

  it('imports through the window dialog and goes to the timeline once sessions came in', async () => {
    w = fakeWails({ info: { dialogs: true } })
    fakeSettings(w)
    w.app.ImportsService.ChooseAndImport.mockResolvedValueOnce(report(0)).mockResolvedValueOnce(report(2))
    const ondone = vi.fn()
    const imports = new ImportsStore()
    render(FirstRun, { ondone, imports })
    await settle()
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await settle()
    expect(ondone).not.toHaveBeenCalled() // nothing new: the user may try again
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await settle()
    expect(ondone).toHaveBeenCalledOnce()
    imports.destroy()
  })

  it('in a browser imports by upload', async () => {
    w = fakeWails({ info: { dialogs: false, transport: 'serve' } })
    fakeSettings(w)
    render(FirstRun)
    await settle()
    expect(screen.getByLabelText('Chat exports to import')).toBeTruthy()
  })
})
