import { fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import { ImportsStore } from '../stores/imports.svelte'
import { ProgressStore } from '../stores/progress.svelte'
import { fakeWails, settle, type FakeWindow } from '../testdata/wails'
import ProgressLine from './ProgressLine.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

async function line(summary = {}) {
  w = fakeWails({ summary })
  const imports = new ImportsStore()
  const progress = new ProgressStore()
  await imports.start(true)
  await progress.start()
  render(ProgressLine, { imports, progress })
  await settle()
  return { imports, progress }
}

describe('ProgressLine', () => {
  it('is hidden while idle', async () => {
    await line()
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('shows the import, the index and a summary run with Cancel, then goes', async () => {
    await line()
    w.emit('import:busy', true)
    await settle()
    expect(screen.getByRole('status').textContent?.trim()).toBe('Importing…')
    w.emit('import:busy', false)
    w.emit('index:progress', { indexed: 5, total: 10 })
    w.emit('summary:progress', { done: 1, total: 2, rate: 2, left_ns: 3e9, source: 'ollama:llama3.2', running: true })
    await settle()
    const items = [...screen.getByRole('status').querySelectorAll('.bg-index, .bg-text')].map((e) => e.textContent)
    expect(items).toEqual(['Indexing for search… 5 / 10', 'Summarizing 1 / 2 · 2/s · 3 s left (Ollama llama3.2)'])
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await settle()
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Cancelling…' }).disabled).toBe(true)
    w.emit('index:progress', { done: true })
    w.emit('summary:progress', { done: 1, total: 2, running: false })
    await settle()
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('shows why summaries are built-in until dismissed', async () => {
    await line({ note: 'Ollama is not running' })
    expect(screen.getByText('Ollama is not running')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss the note about summaries' }))
    expect(screen.queryByRole('status')).toBeNull()
  })
})
