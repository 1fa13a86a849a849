import { render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { AppInfo } from '../api'
import { HOSTILE_NAME } from '../testdata/data'
import EmptyState, { IMPORT_EXAMPLE } from './EmptyState.svelte'

const info = (over: Partial<AppInfo> = {}): AppInfo => ({
  data_dir: '/home/me/.local/share/sessions',
  version: 't',
  file_drop: false,
  transport: 'desktop',
  dialogs: true,
  ...over,
})

const ways = () => [...document.querySelectorAll('.empty-ways li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim())

describe('EmptyState', () => {
  it('names, in its example, a file that exists in the repository', () => {
    const m = /^sessions import "(.+)"$/.exec(IMPORT_EXAMPLE)
    expect(m).not.toBeNull()
    // The importer's test files, as Vite finds them from here (the repository's root is four levels up).
    const inRepo = Object.keys(import.meta.glob('../../../../backend/importer/testdata/*')).map((p) => p.replace('../../../../', ''))
    expect(inRepo.length).toBeGreaterThan(0)
    expect(inRepo).toContain(m![1])
  })

  it('explains every way to import in a window that takes drops', () => {
    render(EmptyState, { status: 'all', info: info({ file_drop: true }) })
    expect(screen.getByRole('heading', { name: 'No sessions yet' })).toBeTruthy()
    expect(ways()).toEqual([
      'Click Import and pick the exported files or zips.',
      'Drop them anywhere on this window.',
      'Choose a watched folder: exports saved there are imported automatically.',
    ])
    expect(document.querySelector('pre')?.textContent).toBe(IMPORT_EXAMPLE)
    expect(document.querySelector('.path')?.textContent).toBe('/home/me/.local/share/sessions')
  })

  it('promises no drop where the window cannot receive one, and no watched folder in a browser', () => {
    render(EmptyState, { status: 'all', info: info({ dialogs: false, transport: 'serve', data_dir: '' }) })
    expect(ways()).toEqual(['Click Import and pick the exported files or zips.'])
    expect(document.querySelector('.path')).toBeNull()
  })

  it('renders a hostile data dir as text', () => {
    render(EmptyState, { status: 'all', info: info({ data_dir: HOSTILE_NAME }) })
    expect(document.querySelector('.path')?.textContent).toBe(HOSTILE_NAME)
    expect(document.querySelector('.empty script')).toBeNull()
  })

  it.each([
    ['active', 'No active sessions'],
    ['completed', 'No completed sessions'],
  ] as const)('under the %s filter, says nothing matches instead', (status, heading) => {
    render(EmptyState, { status, info: info() })
    expect(screen.getByRole('heading', { name: heading })).toBeTruthy()
    expect(document.querySelector('pre')).toBeNull()
  })
})
