import { describe, expect, it, vi } from 'vitest'
import { BackgroundStatus, CANCEL_TEXT, CANCELLING_TEXT, indexText, summaryText } from './status'
import { backgroundBus, progress } from './testdata'

const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0))
}
const n = (x: number) => x.toLocaleString()

describe('indexText', () => {
  it('counts what is indexed', () => {
    expect(indexText({ indexed: 1200, total: 5000, done: false })).toBe(`Indexing for search… ${n(1200)} / ${n(5000)}`)
  })

  it('says only that it indexes before it knows how much', () => {
    expect(indexText({ indexed: 0, total: 0, done: false })).toBe('Indexing for search…')
  })
})

describe('summaryText', () => {
  it('says how far, how fast, how long and with what', () => {
    expect(summaryText(progress())).toBe('Summarizing 120 / 500 · 12/s · 30 s left (built-in)')
  })

  it('names the model', () => {
    expect(summaryText(progress({ rate: 0.25, left_ns: 1520e9, source: 'ollama:llama3.2' }))).toBe(
      'Summarizing 120 / 500 · 15/min · 25 min 20 s left (Ollama llama3.2)',
    )
  })

  it('leaves out pace and time left until known, and counts failures', () => {
    expect(summaryText(progress({ done: 0, rate: 0, left_ns: 0, failed: 0 }))).toBe('Summarizing 0 / 500 (built-in)')
    expect(summaryText(progress({ left_ns: 0.2e9, failed: 3, source: '' }))).toBe('Summarizing 120 / 500 · 12/s · 3 failed')
  })

  it('groups large numbers', () => {
    expect(summaryText(progress({ done: 1200, total: 5000, rate: 0 }))).toBe(`Summarizing ${n(1200)} / ${n(5000)} (built-in)`)
  })
})

function setup(status = {}) {
  const bus = backgroundBus(status)
  const summariesDone = vi.fn()
  const log = vi.fn()
  const s = new BackgroundStatus(bus.deps, { summariesDone, log })
  const q = (sel: string) => s.el.querySelector<HTMLElement>(sel)!
  const visible = (sel: string) => !s.el.hidden && !q(sel).hidden
  const cancel = () => s.el.querySelector<HTMLButtonElement>('.bg-summary button')!
  return { ...bus, s, summariesDone, log, q, visible, cancel }
}

describe('BackgroundStatus', () => {
  it('is hidden while idle', async () => {
    const { s } = setup()
    await s.start()
    expect(s.idle).toBe(true)
    expect(s.el.hidden).toBe(true)
  })

  it('stays hidden where summaries cannot be followed', async () => {
    const { s, deps } = setup()
    deps.summaryStatus.mockRejectedValue(new Error('Summaries can only be followed in the desktop app.'))
    await s.start()
    expect(s.el.hidden).toBe(true)
  })

  it('shows the index catching up until it is done', async () => {
    const { s, emitIndex, q, visible } = setup()
    await s.start()
    emitIndex({ indexed: 1200, total: 5000 })
    expect(visible('.bg-index')).toBe(true)
    expect(q('.bg-index').textContent).toBe(`Indexing for search… ${n(1200)} / ${n(5000)}`)
    expect(q('.bg-summary').hidden).toBe(true)
    emitIndex({ done: true })
    expect(s.el.hidden).toBe(true)
  })

  it('shows a summary run with a Cancel that calls the program once', async () => {
    const { s, emitSummary, q, visible, cancel, deps } = setup()
    await s.start()
    emitSummary({})
    expect(visible('.bg-summary')).toBe(true)
    expect(q('.bg-summary .bg-text').textContent).toBe('Summarizing 120 / 500 · 12/s · 30 s left (built-in)')
    expect(cancel().textContent).toBe(CANCEL_TEXT)
    expect(CANCEL_TEXT).toBe('Cancel')

    const button = cancel()
    button.click()
    expect(deps.cancelSummaries).toHaveBeenCalledOnce()
    expect(button.disabled).toBe(true)
    expect(button.textContent).toBe(CANCELLING_TEXT)
    button.click()
    // Progress events keep coming until the run stops: the same button stays.
    emitSummary({ done: 121 })
    expect(cancel()).toBe(button)
    expect(button.disabled).toBe(true)
    expect(deps.cancelSummaries).toHaveBeenCalledOnce()

    emitSummary({ done: 121, running: false })
    expect(s.el.hidden).toBe(true)
    emitSummary({ done: 0 })
    expect(button.disabled).toBe(false)
    expect(button.textContent).toBe(CANCEL_TEXT)
  })

  it('offers Cancel again when cancelling failed, and logs why', async () => {
    const { s, emitSummary, cancel, deps, log } = setup()
    deps.cancelSummaries.mockRejectedValue('no run')
    await s.start()
    emitSummary({})
    cancel().click()
    await flush()
    expect(cancel().disabled).toBe(false)
    expect(cancel().textContent).toBe(CANCEL_TEXT)
    expect(log).toHaveBeenCalledWith('sessions-ui: cancel summaries: no run')
  })

  it('shows index and summaries at once', async () => {
    const { s, emitIndex, emitSummary, visible } = setup()
    await s.start()
    emitIndex({ indexed: 1, total: 2 })
    emitSummary({})
    expect(visible('.bg-index')).toBe(true)
    expect(visible('.bg-summary')).toBe(true)
    emitSummary({ running: false })
    expect(visible('.bg-index')).toBe(true)
    expect(visible('.bg-summary')).toBe(false)
  })

  it('tells when a run that handled sessions ends, and reads the status again', async () => {
    const { s, emitSummary, summariesDone, deps } = setup()
    await s.start()
    expect(deps.summaryStatus).toHaveBeenCalledOnce()
    emitSummary({})
    emitSummary({ done: 500, running: false })
    expect(summariesDone).toHaveBeenCalledOnce()
    expect(summariesDone.mock.calls[0][0]).toMatchObject({ done: 500, running: false })
    expect(deps.summaryStatus).toHaveBeenCalledTimes(2)
  })

  it('does not tell when a run ends having handled nothing', async () => {
    const { s, emitSummary, summariesDone } = setup()
    await s.start()
    emitSummary({ done: 0, total: 0, running: false })
    expect(summariesDone).not.toHaveBeenCalled()
  })

  it('shows a run the status says is going on', async () => {
    const { s, q, visible } = setup({ done: 10, total: 40, running: true })
    await s.start()
    expect(visible('.bg-summary')).toBe(true)
    expect(q('.bg-text').textContent).toBe('Summarizing 10 / 40 (built-in)')
  })

  it('trusts an event over a status answer that arrives after it', async () => {
    const { s, deps, emitSummary, visible } = setup()
    let answer: (v: Awaited<ReturnType<typeof deps.summaryStatus>>) => void = () => {}
    deps.summaryStatus.mockReturnValueOnce(new Promise((r) => (answer = r)))
    const started = s.start()
    emitSummary({ done: 5, running: false })
    answer({ ...deps.status, running: true, done: 1, total: 5 })
    await started
    expect(visible('.bg-summary')).toBe(false)
  })

  it('shows the note muted once, out of the way of a run, until dismissed', async () => {
    const note = 'Built-in summaries: ollama is not answering <b>'
    const { s, q, visible, emitSummary, deps } = setup({ note })
    await s.start()
    expect(visible('.bg-note')).toBe(true)
    expect(q('.bg-note-text').textContent).toBe(note)
    expect(q('.bg-note-text').title).toBe(note)
    expect(s.el.querySelector('b')).toBeNull()
    expect(s.el.querySelectorAll('.bg-note')).toHaveLength(1)

    // While summaries are made, the note explains "(built-in)" as a tooltip.
    emitSummary({})
    expect(visible('.bg-note')).toBe(false)
    expect(q('.bg-text').title).toBe(note)
    emitSummary({ running: false })
    await flush()
    expect(visible('.bg-note')).toBe(true)

    q('.bg-note button').click()
    expect(s.el.hidden).toBe(true)
    emitSummary({ running: false })
    await flush()
    expect(s.el.hidden).toBe(true)

    // Another reason shows again; none at all (Ollama came up) hides it.
    deps.status.note = 'Built-in summaries: model "llama3.2" is missing'
    emitSummary({ running: false })
    await flush()
    expect(q('.bg-note-text').textContent).toBe('Built-in summaries: model "llama3.2" is missing')
    expect(visible('.bg-note')).toBe(true)
    deps.status.note = ''
    emitSummary({ running: false })
    await flush()
    expect(s.el.hidden).toBe(true)
  })

  it('subscribes once and stops listening on destroy', async () => {
    const { s, deps, listeners, emitIndex } = setup()
    await s.start()
    await s.start()
    expect(deps.onIndexProgress).toHaveBeenCalledOnce()
    expect(deps.onSummaryProgress).toHaveBeenCalledOnce()
    expect(listeners()).toBe(2)
    s.destroy()
    s.destroy()
    expect(listeners()).toBe(0)
    emitIndex({ indexed: 1, total: 2 })
    expect(s.el.hidden).toBe(true)
  })

  it('drops a status answer that arrives after destroy', async () => {
    const { s } = setup({ note: 'Built-in summaries: no Ollama' })
    const started = s.start()
    s.destroy()
    await started
    expect(s.el.hidden).toBe(true)
  })
})
