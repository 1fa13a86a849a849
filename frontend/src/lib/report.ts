// What an import report says, as text: the heading, the counts of a file
// and of the whole import, the lines that could not be read. The
// ImportReport component lays these out; file paths and reasons come from
// the user's files and are only ever shown as text.

import type { FileView, Report, SkippedLine } from './api'
import { baseName, plural } from './format'

/** How many unreadable lines a file lists before "and N more". */
export const SKIPPED_SHOWN = 5

/** Whether a report has anything to tell (a cancelled dialog has not). */
export function reportHasNews(r: Report): boolean {
  return r.files.length > 0 || r.totals.ignored > 0
}

/** The heading of a report. */
export function reportTitle(r: Report): string {
  if (r.files.length === 0) return 'No chat exports found'
  if (r.totals.failed === 0) return 'Import finished'
  if (r.totals.failed >= r.files.length) return 'Import failed'
  return 'Import finished with errors'
}

/** How the report's panel is marked: all went well, some did not, nothing did. */
export function reportKind(r: Report): 'ok' | 'warn' | 'fail' {
  const t = r.totals
  if (r.files.length > 0 && t.failed >= r.files.length) return 'fail'
  return r.files.length === 0 || t.failed > 0 ? 'warn' : 'ok'
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
export function totalsText(r: Report): string {
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

/**
 * The error of a file, without the "import PATH: " the name above already
 * says; an upload's error may name the file by where the server kept it
 * ("import 1/chat.txt: ..."), so the same file name is enough.
 */
export function fileError(f: FileView): string {
  const err = f.error ?? ''
  const prefix = `import ${f.path}: `
  if (err.startsWith(prefix) && err.length > prefix.length) return err.slice(prefix.length)
  const m = /^import (.+?): ([\s\S]+)$/.exec(err)
  if (m && f.path !== '' && baseName(m[1]) === baseName(f.path)) return m[2]
  return err
}

/** The facts of a file beyond its counts: "1 thread could not be read · 3 lines not imported · 2 bytes repaired". */
export function factsText(f: FileView): string {
  const parts: string[] = []
  if (f.broken_threads > 0) parts.push(`${plural(f.broken_threads, 'thread')} could not be read, the rest imported`)
  if (f.skipped_lines > 0) parts.push(`${plural(f.skipped_lines, 'line')} not imported`)
  if (f.repaired > 0) parts.push(`${plural(f.repaired, 'byte')} of broken text repaired`)
  return parts.join(' · ')
}

/** The sign and the spoken name of a file's outcome. */
export const MARKS: Record<FileView['status'], [sign: string, label: string]> = {
  ok: ['✓', 'Imported'],
  partial: ['!', 'Imported in part'],
  failed: ['✗', 'Failed'],
  cancelled: ['✗', 'Cancelled'],
}

/** The class of a file's row: ok, partial or failed (cancelled files are shown as failed). */
export function fileKind(f: FileView): 'ok' | 'partial' | 'failed' {
  if (f.status === 'partial') return 'partial'
  return f.status === 'failed' || f.status === 'cancelled' ? 'failed' : 'ok'
}
