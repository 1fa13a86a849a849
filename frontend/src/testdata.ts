// Test data shared by the view and timeline tests.
import { vi } from 'vitest'
import type { ImportReport, IndexProgress, SessionView, SummaryProgress, SummaryStatus } from './api'
import type { ImportDeps } from './importbar'
import type { BackgroundDeps } from './status'

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

/** A UI served to a browser: it cannot import and hears of no background work. */
export const noImport: ImportDeps & BackgroundDeps = {
  canImport: () => false,
  chooseAndImport: () => Promise.reject(new Error('not available')),
  watchFolder: () => Promise.reject(new Error('not available')),
  chooseWatchFolder: () => Promise.reject(new Error('not available')),
  setWatchFolder: () => Promise.reject(new Error('not available')),
  onImportBusy: () => () => {},
  onImportReport: () => () => {},
  onIndexProgress: () => () => {},
  onSummaryProgress: () => () => {},
  summaryStatus: () => Promise.reject(new Error('not available')),
  cancelSummaries: () => Promise.reject(new Error('not available')),
}

/** An import report; totals are summed from the files unless given. */
export function report(files: Partial<ImportReport['files'][number]>[] = [], totals: Partial<ImportReport['totals']> = {}): ImportReport {
  const full = files.map((f) => ({
    path: '/home/me/Downloads/WhatsApp Chat with Alice.txt',
    format: 'whatsapp-txt',
    status: f.error ? ('failed' as const) : ('ok' as const),
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

/** Background work the tests drive by hand: emit events, answer the status. */
export function backgroundBus(status: Partial<SummaryStatus> = {}) {
  const index = new Set<(p: IndexProgress) => void>()
  const summary = new Set<(p: SummaryProgress) => void>()
  const deps = {
    status: { ...progress({ done: 0, total: 0, rate: 0, left_ns: 0, running: false }), pending: 0, note: '', ...status } as SummaryStatus,
    onIndexProgress: vi.fn((cb: (p: IndexProgress) => void) => {
      index.add(cb)
      return () => void index.delete(cb)
    }),
    onSummaryProgress: vi.fn((cb: (p: SummaryProgress) => void) => {
      summary.add(cb)
      return () => void summary.delete(cb)
    }),
    summaryStatus: vi.fn(async (): Promise<SummaryStatus> => ({ ...deps.status })),
    cancelSummaries: vi.fn(async () => undefined),
  }
  return {
    deps,
    emitIndex: (p: Partial<IndexProgress>) => index.forEach((cb) => cb({ indexed: 0, total: 0, done: false, ...p })),
    emitSummary: (p: Partial<SummaryProgress>) => summary.forEach((cb) => cb(progress(p))),
    listeners: () => index.size + summary.size,
  }
}
