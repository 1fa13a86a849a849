// Test data shared by the specs: sessions, reports and progress as the
// program sends them.

import type { FileView, Report, SessionView, SummaryProgress } from '../api'

export function session(over: Partial<SessionView> = {}): SessionView {
  return {
    id: 1,
    conversation_id: 3,
    contact: { id: 7, name: 'Alice Smith', email: null },
    channel: 'whatsapp',
    status: 'completed',
    started_at: '2024-03-12T14:05:00+01:00',
    ended_at: '2024-03-12T15:10:00+01:00',
    duration_s: 3900,
    message_count: 12,
    summary: null,
    summary_source: null,
    summary_error: null,
    sentiment: null,
    labels: [],
    fields: {},
    handoff: { bot: null, agent: null, at: null, wait_s: null, bot_only: false },
    ...over,
  }
}

/** n sessions with ids from start down, newest first. */
export function sessions(n: number, start = n): SessionView[] {
  return Array.from({ length: n }, (_, i) => session({ id: start - i, contact: { id: start - i, name: `Contact ${start - i}`, email: null } }))
}

/** An import report; totals are summed from the files unless given. */
export function report(files: Partial<FileView>[] = [], totals: Partial<Report['totals']> = {}): Report {
  const full: FileView[] = files.map((f) => ({
    path: '/home/me/Downloads/WhatsApp Chat with Alice.txt',
    format: 'whatsapp-txt',
    status: f.error ? 'failed' : 'ok',
    conversations: 1,
    messages: 0,
    sessions: 0,
    duplicates: 0,
    reread: 0,
    repaired: 0,
    broken_threads: 0,
    skipped_lines: 0,
    skipped: [],
    error: null,
    ...f,
  }))
  const sum = (k: 'conversations' | 'messages' | 'sessions' | 'duplicates' | 'reread') => full.reduce((n, f) => n + f[k], 0)
  return {
    files: full,
    totals: {
      conversations: sum('conversations'),
      messages: sum('messages'),
      sessions: sum('sessions'),
      duplicates: sum('duplicates'),
      reread: sum('reread'),
      repaired: 0,
      partial: full.filter((f) => f.status === 'partial').length,
      cancelled: full.filter((f) => f.status === 'cancelled').length,
      ignored: 0,
      failed: full.filter((f) => f.status === 'failed').length,
      ...totals,
    },
  }
}

/** Progress of a summary run; running unless told. */
export function progress(over: Partial<SummaryProgress> = {}): SummaryProgress {
  return { done: 120, total: 500, failed: 0, rate: 12, left_ns: 30e9, source: 'builtin', running: true, ...over }
}

/** What the hostile-content specs feed the UI. */
export const HOSTILE_BODY = '<img src=x onerror=alert(1)>'
export const HOSTILE_NAME = '<script>alert(1)</script>'
