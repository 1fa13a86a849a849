import { afterEach, describe, expect, it, vi } from 'vitest'
import { progress } from '../testdata/data'
import { fakeWails, settle, type FakeWindow } from '../testdata/wails'
import { indexText, ProgressStore, summaryText } from './progress.svelte'

const n = (v: number) => v.toLocaleString()

describe('progress text', () => {
  it.each([
    ['counts what is indexed', indexText({ indexed: 1200, total: 5000, done: false }), `Indexing for search… ${n(1200)} / ${n(5000)}`],
    ['says only that it indexes before it knows how much', indexText({ indexed: 0, total: 0, done: false }), 'Indexing for search…'],
    ['says how far, how fast, how long and with what', summaryText(progress()), 'Summarizing 120 / 500 · 12/s · 30 s left (built-in)'],
    [
      'names the model',
      summaryText(progress({ rate: 0.25, left_ns: 1520e9, source: 'ollama:llama3.2' })),
      'Summarizing 120 / 500 · 15/min · 25 min 20 s left (Ollama llama3.2)',
    ],
    ['leaves out pace and time left until known', summaryText(progress({ done: 0, rate: 0, left_ns: 0 })), 'Summarizing 0 / 500 (built-in)'],
    ['counts failures', summaryText(progress({ left_ns: 0.2e9, failed: 3, source: '' })), 'Summarizing 120 / 500 · 12/s · 3 failed'],
    ['groups large numbers', summaryText(progress({ done: 1200, total: 5000, rate: 0 })), `Summarizing ${n(1200)} / ${n(5000)} (built-in)`],
  ])('%s', (_, got, want) => expect(got).toBe(want))
})

let w: FakeWindow
afterEach(() => w?.remove())

async function started(summary = {}) {
  w = fakeWails({ summary })
  const done = vi.fn()
  const p = new ProgressStore(done)
  await p.start()
  return { p, done }
}

describe('ProgressStore', () => {
  it('is idle with nothing running and no note', async () => {
    const { p } = await started()
    expect(p.idle).toBe(true)
  })

  it('follows the index until it is done', async () => {
    const { p } = await started()
    w.emit('index:progress', { indexed: 10, total: 20, done: false })
    expect(p.index).toEqual({ indexed: 10, total: 20, done: false })
    expect(p.idle).toBe(false)
    w.emit('index:progress', { indexed: 20, total: 20, done: true })
    expect(p.index).toBeNull()
  })

  it('shows a run the status says is going on, and trusts a later event over it', async () => {
    const { p } = await started({ running: true, done: 3, total: 9 })
    expect(p.summary).toMatchObject({ done: 3, total: 9, running: true })
    w.emit('summary:progress', { done: 4, total: 9, running: true })
    expect(p.summary?.done).toBe(4)
  })

  it('tells when a run that handled sessions ends, and reads the status again', async () => {
    const { p, done } = await started()
    w.emit('summary:progress', { done: 0, total: 2, running: true })
    w.emit('summary:progress', { done: 2, total: 2, running: false })
    expect(p.summary).toBeNull()
    expect(done).toHaveBeenCalledTimes(1)
    await settle()
    expect(w.app.SummariesService.SummaryStatus).toHaveBeenCalledTimes(2)
  })

  it('does not tell when a run ends having handled nothing', async () => {
    const { done } = await started()
    w.emit('summary:progress', { done: 0, total: 0, running: false })
    expect(done).not.toHaveBeenCalled()
  })

  it('cancels once, and offers Cancel again when cancelling failed', async () => {
    const { p } = await started()
    w.emit('summary:progress', { done: 1, total: 5, running: true })
    w.app.SummariesService.CancelSummaries.mockRejectedValueOnce('cancel: not running')
    const a = p.cancel()
    const b = p.cancel()
    expect(p.cancelling).toBe(true)
    await Promise.all([a, b])
    expect(w.app.SummariesService.CancelSummaries).toHaveBeenCalledTimes(1)
    expect(p.cancelling).toBe(false)
    expect(w.logs).toEqual(['sessions-ui: cancel summaries: cancel: not running'])
  })

  it('shows the note out of the way of a run, until dismissed', async () => {
    const { p } = await started({ note: ' Ollama is not running ' })
    expect(p.note).toBe('Ollama is not running')
    expect(p.showsNote).toBe(true)
    w.emit('summary:progress', { done: 1, total: 5, running: true })
    expect(p.showsNote).toBe(false)
    w.emit('summary:progress', { done: 0, total: 5, running: false })
    expect(p.showsNote).toBe(true)
    p.dismissNote()
    expect(p.showsNote).toBe(false)
    expect(p.idle).toBe(true)
  })

  it('stays quiet where summaries cannot be followed', async () => {
    w = fakeWails()
    w.app.SummariesService.SummaryStatus.mockRejectedValue('no summaries here')
    const p = new ProgressStore()
    await p.start()
    expect(p.idle).toBe(true)
  })

  it('subscribes once, stops listening on destroy, and drops a late status', async () => {
    w = fakeWails({ summary: { note: 'late' } })
    const p = new ProgressStore()
    const a = p.start()
    void p.start()
    expect(w.listeners()).toBe(2)
    p.destroy()
    await a
    expect(w.listeners()).toBe(0)
    expect(p.note).toBe('')
  })
})
