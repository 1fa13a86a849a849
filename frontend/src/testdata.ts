// Test data shared by the view and timeline tests.
import type { ImportReport, SessionView } from './api'
import type { ImportDeps } from './importbar'

export function session(over: Partial<SessionView> = {}): SessionView {
  return {
    id: 1,
    contact: { id: 7, name: 'Alice Smith', email: null },
    channel: 'whatsapp',
    status: 'completed',
    started_at: '2024-03-12T14:05:00+01:00',
    ended_at: '2024-03-12T15:10:00+01:00',
    duration_s: 3900,
    message_count: 12,
    summary: null,
    sentiment: null,
    labels: [],
    fields: {},
    handoff: { bot: null, agent: null, at: null },
    ...over,
  }
}

/** Import controls of a UI that cannot import (served to a browser). */
export const noImport: ImportDeps = {
  canImport: () => false,
  chooseAndImport: () => Promise.reject(new Error('not available')),
  watchFolder: () => Promise.reject(new Error('not available')),
  chooseWatchFolder: () => Promise.reject(new Error('not available')),
  setWatchFolder: () => Promise.reject(new Error('not available')),
  onImportBusy: () => () => {},
  onImportReport: () => () => {},
}

/** An import report; totals are summed from the files unless given. */
export function report(files: Partial<ImportReport['files'][number]>[] = [], totals: Partial<ImportReport['totals']> = {}): ImportReport {
  const full = files.map((f) => ({
    path: '/home/me/Downloads/WhatsApp Chat with Alice.txt',
    format: 'whatsapp-txt',
    conversations: 1,
    messages: 0,
    sessions: 0,
    duplicates: 0,
    skipped: [],
    error: null,
    ...f,
  }))
  const sum = (k: 'conversations' | 'messages' | 'sessions' | 'duplicates') => full.reduce((n, f) => n + f[k], 0)
  return {
    files: full,
    totals: {
      conversations: sum('conversations'),
      messages: sum('messages'),
      sessions: sum('sessions'),
      duplicates: sum('duplicates'),
      ignored: 0,
      failed: full.filter((f) => f.error !== null).length,
      ...totals,
    },
  }
}
