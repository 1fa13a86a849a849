import { describe, expect, it, vi } from 'vitest'
import { countsText, factsText, fileError, NOT_WATCHING_TEXT, renderProblem, renderReport, renderWatchName, skippedText, totalsText } from './report'
import { report } from './testdata'

const texts = (root: Element, sel: string) => [...root.querySelectorAll(sel)].map((e) => e.textContent)

describe('renderReport', () => {
  it('shows a successful file with its counts', () => {
    const el = renderReport(
      report([{ path: '/home/me/Downloads/WhatsApp Chat with Alice.txt', messages: 13, sessions: 2, duplicates: 1 }]),
      () => {},
    )
    expect(el.querySelector('h2')?.textContent).toBe('Import finished')
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
    const el = renderReport(
      report(
        [
          { path: 'C:\\Users\\me\\chat.txt', messages: 1, sessions: 1 },
          { path: '/in/broken.zip', format: 'whatsapp-zip', error: 'broken zip archive: zip: not a valid zip file' },
        ],
        { ignored: 3 },
      ),
      () => {},
    )
    expect(el.querySelector('h2')?.textContent).toBe('Import finished with errors')
    expect(el.classList.contains('report--warn')).toBe(true)
    expect(texts(el, '.report-mark')).toEqual(['✓', '✗'])
    expect(texts(el, '.report-name')).toEqual(['chat.txt', 'broken.zip'])
    const failed = el.querySelectorAll('.report-file')[1]
    expect(failed.classList.contains('report-file--failed')).toBe(true)
    expect(failed.querySelector('.report-error')?.textContent).toBe('broken zip archive: zip: not a valid zip file')
    expect(failed.querySelector('.report-counts')).toBeNull()
    expect(el.querySelector('.report-totals')?.textContent).toBe(
      '2 files: 1 message, 1 new session, 0 duplicates skipped, 3 other files ignored (not chat exports), 1 failed',
    )
  })

  it('says when everything failed', () => {
    const el = renderReport(report([{ path: '/in/a.zip', error: 'boom' }]), () => {})
    expect(el.querySelector('h2')?.textContent).toBe('Import failed')
    expect(el.classList.contains('report--fail')).toBe(true)
    expect(el.querySelector('.report-totals')?.textContent).toBe('1 file failed')
  })

  it('lists five unreadable lines and counts the rest', () => {
    const skipped = Array.from({ length: 8 }, (_, i) => ({ line: i + 1, reason: 'text before the first message header' }))
    skipped[1] = { file: 'message_2.json', line: 40, reason: 'no sender' } as (typeof skipped)[number]
    const el = renderReport(report([{ messages: 2, skipped }]), () => {})
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
    const skipped = Array.from({ length: 5 }, (_, i) => ({ line: i + 10, reason: 'r' }))
    const el = renderReport(report([{ skipped }]), () => {})
    expect(texts(el, '.report-skipped li')).toHaveLength(5)
    expect(el.querySelector('.report-more')).toBeNull()
    expect(el.querySelector('.report-skipped-title')?.textContent).toBe('5 lines could not be read:')
  })

  it('keeps markup in file names, errors and reasons as text', () => {
    const el = renderReport(
      report([
        {
          path: '/in/<b>bold <img src=x onerror=alert(1)>.txt',
          error: '<script>alert(1)</script>',
          skipped: [{ line: 1, reason: '<i>x</i>' }],
        },
      ]),
      () => {},
    )
    expect(el.querySelector('b, img, script, i')).toBeNull()
    expect(el.querySelector('.report-name')?.textContent).toBe('<b>bold <img src=x onerror=alert(1)>.txt')
    expect(el.querySelector<HTMLElement>('.report-name')?.title).toBe('/in/<b>bold <img src=x onerror=alert(1)>.txt')
    expect(el.querySelector('.report-error')?.textContent).toBe('<script>alert(1)</script>')
    expect(el.querySelector('.report-skipped li')?.textContent).toBe('line 1: <i>x</i>')
  })

  it('keeps a file name with <b> as text', () => {
    const el = renderReport(report([{ path: '/in/WhatsApp Chat with <b>Bob.txt' }]), () => {})
    expect(el.querySelector('b')).toBeNull()
    expect(el.querySelector('.report-name')?.textContent).toBe('WhatsApp Chat with <b>Bob.txt')
  })

  it('says when nothing was a chat export', () => {
    const el = renderReport(report([], { ignored: 2 }), () => {})
    expect(el.querySelector('h2')?.textContent).toBe('No chat exports found')
    expect(el.querySelector('.report-files')).toBeNull()
    expect(el.querySelector('.report-totals')?.textContent).toBe('2 other files ignored (not chat exports)')
  })

  it('is dismissed with its close button', () => {
    const onDismiss = vi.fn()
    const el = renderReport(report([{}]), onDismiss)
    const close = el.querySelector<HTMLButtonElement>('.report-head button')!
    expect(close.getAttribute('aria-label')).toBe('Dismiss import report')
    close.click()
    expect(onDismiss).toHaveBeenCalledOnce()
  })
})

describe('report text', () => {
  it('leaves out the path the file name already shows', () => {
    const f = report([{ path: '/in/a b.zip', error: 'import /in/a b.zip: broken zip archive' }]).files[0]
    expect(fileError(f)).toBe('broken zip archive')
    expect(fileError({ ...f, error: 'import /other: x' })).toBe('import /other: x')
    expect(fileError({ ...f, error: 'read: permission denied' })).toBe('read: permission denied')
  })

  it('names where a skipped line is', () => {
    expect(skippedText({ line: 12, reason: 'bad date' })).toBe('line 12: bad date')
    expect(skippedText({ file: 'inbox/a/message_1.json', line: 3, reason: 'r' })).toBe('inbox/a/message_1.json, line 3: r')
    expect(skippedText({ file: 'x.json', line: 0, reason: 'unreadable' })).toBe('x.json: unreadable')
    expect(skippedText({ line: 0, reason: 'unreadable' })).toBe('unreadable')
  })

  it('sums an import', () => {
    expect(totalsText(report([{ messages: 1 }, { messages: 2, sessions: 1 }]))).toBe(
      '2 files: 3 messages, 1 new session, 0 duplicates skipped',
    )
  })

  it('says what a file lost and what was repaired', () => {
    const [f] = report([{ status: 'partial', messages: 40, broken_threads: 1, skipped_lines: 3, repaired: 2 }]).files
    expect(factsText(f)).toBe('1 thread could not be read, the rest imported · 3 lines not imported · 2 bytes of broken text repaired')
    const root = renderReport(report([f]), () => {})
    expect(root.querySelector('.report-file--partial .report-mark')?.getAttribute('aria-label')).toBe('Imported in part')
    expect(root.querySelector('.report-facts')?.textContent).toBe(factsText(f))
    expect(totalsText(report([f]))).toContain('1 imported in part')
  })

  it('says when a file was cancelled', () => {
    const r = report([{ status: 'cancelled', error: 'import /x: cancelled, nothing of it was imported: context canceled' }])
    const root = renderReport(r, () => {})
    expect(root.querySelector('.report-file--failed .report-mark')?.getAttribute('aria-label')).toBe('Cancelled')
    expect(totalsText(r)).toContain('1 cancelled')
  })

  it('says when a re-import read stored entries anew', () => {
    expect(countsText({ messages: 13, sessions: 0, duplicates: 13, reread: 1 })).toBe(
      '13 messages, 0 new sessions, 13 duplicates skipped, 1 stored entry read anew',
    )
    expect(totalsText(report([{ messages: 2, duplicates: 2, reread: 2 }, { messages: 1, duplicates: 1, reread: 1 }]))).toBe(
      '2 files: 3 messages, 0 new sessions, 3 duplicates skipped, 3 stored entries read anew',
    )
  })
})

describe('renderProblem', () => {
  it('shows the error as text', () => {
    const onDismiss = vi.fn()
    const el = renderProblem('Import failed', new Error('open file dialog: <b>no</b>'), onDismiss)
    expect(el.getAttribute('role')).toBe('alert')
    expect(el.querySelector('h2')?.textContent).toBe('Import failed')
    expect(el.querySelector('.report-error')?.textContent).toBe('open file dialog: <b>no</b>')
    expect(el.querySelector('b')).toBeNull()
    el.querySelector<HTMLButtonElement>('button')!.click()
    expect(onDismiss).toHaveBeenCalledOnce()
  })
})

describe('renderWatchName', () => {
  it('names the folder, with its path as tooltip', () => {
    const el = renderWatchName('/home/me/Chat <b>Inbox/')
    expect(el.querySelector('.watch-folder')?.textContent).toBe('Chat <b>Inbox')
    expect(el.querySelector<HTMLElement>('.watch-folder')?.title).toBe('/home/me/Chat <b>Inbox/')
    expect(el.querySelector('b')).toBeNull()
    expect(el.textContent).toBe('WatchingChat <b>Inbox')
  })

  it('says when there is none', () => {
    const el = renderWatchName('')
    expect(el.textContent).toBe(NOT_WATCHING_TEXT)
    expect(NOT_WATCHING_TEXT).toBe('Not watching a folder')
    expect(el.querySelector('.watch-folder')).toBeNull()
  })
})
