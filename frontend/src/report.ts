// DOM builders for imports: the report panel shown after every import, the
// notice of an import that could not run, and the watched-folder line. File
// paths and skipped-line reasons come from the user's files: text only.

import type { ImportFileView, ImportReport, SkippedLine } from './api'
import { baseName, formatName, plural } from './format'
import { uiIcon } from './icons'
import { h } from './view'

/** How many unreadable lines a file lists before "and N more". */
export const SKIPPED_SHOWN = 5

export const NOT_WATCHING_TEXT = 'Not watching a folder'

/** Whether a report has anything to tell (a cancelled dialog has not). */
export function reportHasNews(r: ImportReport): boolean {
  return r.files.length > 0 || r.totals.ignored > 0
}

/** The heading of a report. */
export function reportTitle(r: ImportReport): string {
  if (r.files.length === 0) return 'No chat exports found'
  if (r.totals.failed === 0) return 'Import finished'
  if (r.totals.failed >= r.files.length) return 'Import failed'
  return 'Import finished with errors'
}

/** "6 messages, 2 new sessions, 0 duplicates skipped" (and ", 3 stored entries read anew" when a re-import put some right). */
export function countsText(c: { messages: number; sessions: number; duplicates: number; reread?: number }): string {
  const base = `${plural(c.messages, 'message')}, ${plural(c.sessions, 'new session')}, ${plural(c.duplicates, 'duplicate')} skipped`
  const n = c.reread ?? 0
  if (n === 0) return base
  return `${base}, ${n === 1 ? '1 stored entry' : `${n} stored entries`} read anew`
}

/** "line 12: reason", or "messages_2.json, line 12: reason" for a part of an export. */
export function skippedText(s: SkippedLine): string {
  const where = s.line > 0 ? `line ${s.line}` : ''
  const at = [s.file ?? '', where].filter(Boolean).join(', ')
  return at ? `${at}: ${s.reason}` : s.reason
}

/** The totals line: "2 files: 13 messages, …, 3 other files ignored, 1 failed". */
export function totalsText(r: ImportReport): string {
  const t = r.totals
  const parts: string[] = []
  if (r.files.length > 0 && t.failed >= r.files.length) parts.push(`${plural(r.files.length, 'file')} failed`)
  else if (r.files.length > 0) parts.push(`${plural(r.files.length, 'file')}: ${countsText(t)}`)
  if (t.ignored > 0) parts.push(`${plural(t.ignored, 'other file')} ignored (not chat exports)`)
  if (t.partial > 0) parts.push(`${t.partial.toLocaleString()} imported in part`)
  if (t.failed > 0 && t.failed < r.files.length) parts.push(`${t.failed.toLocaleString()} failed`)
  if (t.cancelled > 0) parts.push(`${t.cancelled.toLocaleString()} cancelled`)
  return parts.join(', ')
}

function closeButton(label: string, onDismiss: () => void): HTMLButtonElement {
  const b = h('button', 'icon-button', '×')
  b.type = 'button'
  b.setAttribute('aria-label', label)
  b.title = 'Dismiss'
  b.addEventListener('click', onDismiss)
  return b
}

let panels = 0

function panel(kind: 'ok' | 'warn' | 'fail', title: string, onDismiss: () => void): HTMLElement {
  const box = h('section', `report report--${kind}`)
  const heading = h('h2', 'report-title', title)
  heading.id = `report-title-${++panels}`
  box.setAttribute('aria-labelledby', heading.id)
  const head = h('div', 'report-head')
  head.append(heading, closeButton('Dismiss import report', onDismiss))
  box.append(head)
  return box
}

/** The error of a file, without the "import PATH: " the name above already says. */
export function fileError(f: ImportFileView): string {
  const err = f.error ?? ''
  const prefix = `import ${f.path}: `
  return err.startsWith(prefix) && err.length > prefix.length ? err.slice(prefix.length) : err
}

/** The facts of a file beyond its counts: "1 thread could not be read · 3 lines not imported · 2 bytes repaired". */
export function factsText(f: ImportFileView): string {
  const parts: string[] = []
  if (f.broken_threads > 0) parts.push(`${plural(f.broken_threads, 'thread')} could not be read, the rest imported`)
  if (f.skipped_lines > 0) parts.push(`${plural(f.skipped_lines, 'line')} not imported`)
  if (f.repaired > 0) parts.push(`${plural(f.repaired, 'byte')} of broken text repaired`)
  return parts.join(' · ')
}

const MARKS: Record<ImportFileView['status'], [string, string]> = {
  ok: ['✓', 'Imported'],
  partial: ['!', 'Imported in part'],
  failed: ['✗', 'Failed'],
  cancelled: ['✗', 'Cancelled'],
}

function renderFile(f: ImportFileView): HTMLLIElement {
  const failed = f.status === 'failed' || f.status === 'cancelled'
  const li = h('li', `report-file report-file--${f.status === 'partial' ? 'partial' : failed ? 'failed' : 'ok'}`)
  const [sign, label] = MARKS[f.status]
  const mark = h('span', 'report-mark', sign)
  mark.setAttribute('role', 'img')
  mark.setAttribute('aria-label', label)

  const body = h('div', 'report-body')
  const top = h('div', 'report-file-top')
  const name = h('span', 'report-name', baseName(f.path))
  name.title = f.path
  top.append(name)
  if (f.format) top.append(h('span', 'report-format', formatName(f.format)))
  body.append(top)

  if (failed) {
    body.append(h('p', 'report-error', fileError(f)))
  } else {
    body.append(h('p', 'report-counts', countsText(f)))
    const facts = factsText(f)
    if (facts) body.append(h('p', 'report-facts', facts))
  }

  if (f.skipped.length > 0) {
    body.append(
      h('p', 'report-skipped-title', `${plural(f.skipped.length, 'line')} could not be read:`),
    )
    const list = h('ul', 'report-skipped')
    for (const s of f.skipped.slice(0, SKIPPED_SHOWN)) list.append(h('li', '', skippedText(s)))
    if (f.skipped.length > SKIPPED_SHOWN) {
      list.append(h('li', 'report-more', `and ${(f.skipped.length - SKIPPED_SHOWN).toLocaleString()} more`))
    }
    body.append(list)
  }

  li.append(mark, body)
  return li
}

/** The report of one import, per file, with totals; dismissable. */
export function renderReport(r: ImportReport, onDismiss: () => void): HTMLElement {
  const t = r.totals
  const kind = r.files.length > 0 && t.failed >= r.files.length ? 'fail' : r.files.length === 0 || t.failed > 0 ? 'warn' : 'ok'
  const box = panel(kind, reportTitle(r), onDismiss)
  if (r.files.length > 0) {
    const list = h('ul', 'report-files')
    list.append(...r.files.map(renderFile))
    box.append(list)
  }
  box.append(h('p', 'report-totals', totalsText(r)))
  return box
}

/** An import or folder change that did not run at all (a dialog failed, the folder is gone). */
export function renderProblem(title: string, err: Error, onDismiss: () => void): HTMLElement {
  const box = panel('fail', title, onDismiss)
  box.setAttribute('role', 'alert')
  box.append(h('p', 'report-error', err.message))
  return box
}

/** The watched folder's name (full path as tooltip), or that there is none. */
export function renderWatchName(dir: string): HTMLElement {
  const el = h('span', 'watch-name')
  el.append(uiIcon('folder'))
  if (!dir) {
    el.classList.add('watch-name--none')
    el.append(h('span', '', NOT_WATCHING_TEXT))
    return el
  }
  el.append(h('span', 'watch-label', 'Watching'))
  const name = h('span', 'watch-folder', baseName(dir))
  name.title = dir
  el.append(name)
  return el
}
