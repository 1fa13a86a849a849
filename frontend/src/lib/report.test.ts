import { describe, expect, it } from 'vitest'
import { countsText, factsText, fileError, reportHasNews, reportKind, reportTitle, skippedText, totalsText } from './report'
import { report } from './testdata/data'

describe('report text', () => {
  it.each([
    ['a good import', report([{ messages: 1 }]), 'Import finished', 'ok'],
    ['a failed file next to a good one', report([{ messages: 1 }, { error: 'x' }]), 'Import finished with errors', 'warn'],
    ['everything failed', report([{ error: 'x' }]), 'Import failed', 'fail'],
    ['nothing was a chat export', report([], { ignored: 2 }), 'No chat exports found', 'warn'],
  ])('titles %s', (_, r, title, kind) => {
    expect(reportTitle(r)).toBe(title)
    expect(reportKind(r)).toBe(kind)
  })

  it('has news unless the dialog was cancelled', () => {
    expect(reportHasNews(report())).toBe(false)
    expect(reportHasNews(report([], { ignored: 1 }))).toBe(true)
    expect(reportHasNews(report([{}]))).toBe(true)
  })

  it('leaves out the path the file name already shows', () => {
    const f = report([{ path: '/in/a b.zip', error: 'import /in/a b.zip: broken zip archive' }]).files[0]
    expect(fileError(f)).toBe('broken zip archive')
    expect(fileError({ ...f, error: 'import /other: x' })).toBe('import /other: x')
    expect(fileError({ ...f, error: 'read: permission denied' })).toBe('read: permission denied')
    const up = report([{ path: 'binary.png', error: 'import 1/binary.png: not a supported export' }]).files[0]
    expect(fileError(up)).toBe('not a supported export')
    expect(fileError({ ...up, error: 'import 1/other.png: not a supported export' })).toBe('import 1/other.png: not a supported export')
  })

  it.each([
    [{ line: 12, reason: 'bad date' }, 'line 12: bad date'],
    [{ file: 'inbox/a/message_1.json', line: 3, reason: 'r' }, 'inbox/a/message_1.json, line 3: r'],
    [{ file: 'x.json', line: 0, reason: 'unreadable' }, 'x.json: unreadable'],
    [{ line: 0, reason: 'unreadable' }, 'unreadable'],
  ])('names where skipped line %o is', (s, want) => expect(skippedText(s)).toBe(want))

  it.each([
    ['sums an import', report([{ messages: 1 }, { messages: 2, sessions: 1 }]), '2 files: 3 messages, 1 new session, 0 duplicates skipped'],
    [
      'counts ignored and failed files',
      report([{ messages: 1, sessions: 1 }, { error: 'x' }], { ignored: 3 }),
      '2 files: 1 message, 1 new session, 0 duplicates skipped, 3 other files ignored (not chat exports), 1 failed',
    ],
    ['says when everything failed', report([{ error: 'boom' }]), '1 file failed'],
    ['says when nothing was an export', report([], { ignored: 2 }), '2 other files ignored (not chat exports)'],
    ['counts files imported in part', report([{ status: 'partial' }]), '1 file: 0 messages, 0 new sessions, 0 duplicates skipped, 1 imported in part'],
    ['counts cancelled files', report([{ status: 'cancelled', error: 'cancelled' }]), '1 file: 0 messages, 0 new sessions, 0 duplicates skipped, 1 cancelled'],
    [
      'says when a re-import read stored entries anew',
      report([{ messages: 2, duplicates: 2, reread: 2 }, { messages: 1, duplicates: 1, reread: 1 }]),
      '2 files: 3 messages, 0 new sessions, 3 duplicates skipped, 3 stored entries read anew',
    ],
  ])('%s', (_, r, want) => expect(totalsText(r)).toBe(want))

  it('says one stored entry read anew', () => {
    expect(countsText({ messages: 13, sessions: 0, duplicates: 13, reread: 1 })).toBe(
      '13 messages, 0 new sessions, 13 duplicates skipped, 1 stored entry read anew',
    )
  })

  it('says what a file lost and what was repaired', () => {
    const [f] = report([{ status: 'partial', messages: 40, broken_threads: 1, skipped_lines: 3, repaired: 2 }]).files
    expect(factsText(f)).toBe('1 thread could not be read, the rest imported · 3 lines not imported · 2 bytes of broken text repaired')
    expect(factsText(report([{}]).files[0])).toBe('')
  })
})
