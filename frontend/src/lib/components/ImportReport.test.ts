import { fireEvent, render } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { Report } from '../api'
import { HOSTILE_BODY, HOSTILE_NAME, report } from '../testdata/data'
import ImportReport from './ImportReport.svelte'
import Problem from './Problem.svelte'

function show(r: Report, ondismiss = () => {}) {
  const { container } = render(ImportReport, { report: r, ondismiss })
  return container.querySelector('section')!
}

const texts = (root: Element, sel: string) => [...root.querySelectorAll(sel)].map((e) => e.textContent?.trim())

describe('ImportReport', () => {
  it('shows a successful file with its counts, named by its title', () => {
    const el = show(report([{ path: '/home/me/Downloads/WhatsApp Chat with Alice.txt', messages: 13, sessions: 2, duplicates: 1 }]))
    const title = el.querySelector('h2')!
    expect(title.textContent).toBe('Import finished')
    expect(el.getAttribute('aria-labelledby')).toBe(title.id)
    expect(el.classList.contains('report--ok')).toBe(true)
    const file = el.querySelector('.report-file')!
    expect(file.querySelector('.report-mark')?.textContent).toBe('✓')
    expect(file.querySelector('.report-mark')?.getAttribute('aria-label')).toBe('Imported')
    const name = file.querySelector<HTMLElement>('.report-name')!
    expect(name.textContent).toBe('WhatsApp Chat with Alice.txt')
    expect(name.title).toBe('/home/me/Downloads/WhatsApp Chat with Alice.txt')
    expect(file.querySelector('.report-format')?.textContent).toBe('WhatsApp chat')
    expect(file.querySelector('.report-counts')?.textContent).toBe('13 messages, 2 new sessions, 1 duplicate skipped')
    expect(file.querySelector('.report-skipped')).toBeNull()
    expect(el.querySelector('.report-totals')?.textContent).toBe('1 file: 13 messages, 2 new sessions, 1 duplicate skipped')
  })

  it('shows a failed file with its error, next to a good one', () => {
    const el = show(
      report([
        { path: 'C:\\Users\\me\\chat.txt', messages: 1, sessions: 1 },
        { path: '/in/broken.zip', format: 'whatsapp-zip', error: 'import /in/broken.zip: broken zip archive' },
      ]),
    )
    expect(el.querySelector('h2')?.textContent).toBe('Import finished with errors')
    expect(el.classList.contains('report--warn')).toBe(true)
    expect(texts(el, '.report-mark')).toEqual(['✓', '✗'])
    expect(texts(el, '.report-name')).toEqual(['chat.txt', 'broken.zip'])
    const failed = el.querySelectorAll('.report-file')[1]
    expect(failed.classList.contains('report-file--failed')).toBe(true)
    expect(failed.querySelector('.report-error')?.textContent).toBe('broken zip archive')
    expect(failed.querySelector('.report-counts')).toBeNull()
  })

  it('marks a file imported in part, with what it lost, and a cancelled one', () => {
    const el = show(
      report([
        { status: 'partial', messages: 40, broken_threads: 1 },
        { status: 'cancelled', error: 'cancelled' },
      ]),
    )
    expect(el.querySelector('.report-file--partial .report-mark')?.getAttribute('aria-label')).toBe('Imported in part')
    expect(el.querySelector('.report-facts')?.textContent).toBe('1 thread could not be read, the rest imported')
    expect(el.querySelector('.report-file--failed .report-mark')?.getAttribute('aria-label')).toBe('Cancelled')
  })

  it('lists five unreadable lines and counts the rest', () => {
    const skipped = Array.from({ length: 8 }, (_, i) => ({ line: i + 1, reason: 'text before the first message header' }))
    skipped[1] = { file: 'message_2.json', line: 40, reason: 'no sender' } as (typeof skipped)[number]
    const el = show(report([{ messages: 2, skipped }]))
    expect(el.querySelector('.report-skipped-title')?.textContent).toBe('8 lines could not be read:')
    expect(texts(el, '.report-skipped li')).toEqual([
      'line 1: text before the first message header',
      'message_2.json, line 40: no sender',
      'line 3: text before the first message header',
      'line 4: text before the first message header',
      'line 5: text before the first message header',
      'and 3 more',
    ])
  })

  it('lists all lines when there are five or fewer', () => {
    const el = show(report([{ skipped: Array.from({ length: 5 }, (_, i) => ({ line: i + 10, reason: 'r' })) }]))
    expect(texts(el, '.report-skipped li')).toHaveLength(5)
    expect(el.querySelector('.report-more')).toBeNull()
  })

  it('keeps markup in file names, errors and reasons as text', () => {
    const path = `/in/<b>bold ${HOSTILE_BODY}.txt`
    const el = show(report([{ path, error: HOSTILE_NAME, skipped: [{ line: 1, reason: '<i>x</i>' }] }]))
    expect(el.querySelector('b, img, script, i')).toBeNull()
    expect(el.querySelector('.report-name')?.textContent).toBe(`<b>bold ${HOSTILE_BODY}.txt`)
    expect(el.querySelector<HTMLElement>('.report-name')?.title).toBe(path)
    expect(el.querySelector('.report-error')?.textContent).toBe(HOSTILE_NAME)
    expect(el.querySelector('.report-skipped li')?.textContent).toBe('line 1: <i>x</i>')
  })

  it('says when nothing was a chat export', () => {
    const el = show(report([], { ignored: 2 }))
    expect(el.querySelector('h2')?.textContent).toBe('No chat exports found')
    expect(el.querySelector('.report-files')).toBeNull()
  })

  it('is dismissed with its close button', async () => {
    const ondismiss = vi.fn()
    const el = show(report([{}]), ondismiss)
    const close = el.querySelector<HTMLButtonElement>('.report-head button')!
    expect(close.getAttribute('aria-label')).toBe('Dismiss import report')
    await fireEvent.click(close)
    expect(ondismiss).toHaveBeenCalledOnce()
  })
})

describe('Problem', () => {
  it('shows the error as text, as an alert', async () => {
    const ondismiss = vi.fn()
    const { container } = render(Problem, { title: 'Import failed', message: 'open file dialog: <b>no</b>', ondismiss })
    const el = container.querySelector('section')!
    expect(el.getAttribute('role')).toBe('alert')
    expect(el.querySelector('h2')?.textContent).toBe('Import failed')
    expect(el.querySelector('.report-error')?.textContent).toBe('open file dialog: <b>no</b>')
    expect(el.querySelector('b')).toBeNull()
    await fireEvent.click(el.querySelector('button')!)
    expect(ondismiss).toHaveBeenCalledOnce()
  })
})
