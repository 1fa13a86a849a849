// A stand-in for the desktop window at the transport boundary: the bound
// services as window.go.app.<Service>.<Method> and the runtime's events and
// log, so that specs run the real api.ts and stores against it.

import { vi } from 'vitest'
import type { AppInfo, Page, Report, SessionView, SummaryStatus } from '../api'
import type { ListRequest } from '../contract.gen'

export interface FakeWindow {
  /** The bound methods, as vi.fn()s the spec may reprogram. */
  app: Record<string, Record<string, ReturnType<typeof vi.fn>>>
  /** Sends an event to the listeners, as runtime.EventsEmit does. */
  emit(name: string, data: unknown): void
  /** Listeners per event name. */
  listeners(name?: string): number
  /** What went through runtime.LogInfo. */
  logs: string[]
  /** The requests ListSessions got. */
  requests: Partial<ListRequest>[]
  /** Stops pretending: removes window.go and window.runtime. */
  remove(): void
}

export interface FakeOptions {
  /** The timeline, newest first, served in pages of the request's limit. */
  rows?: SessionView[]
  /** Rows per status, instead of filtering rows by their status. */
  info?: Partial<AppInfo>
  watchFolder?: string
  summary?: Partial<SummaryStatus>
}

/** Installs the window; rows are paged by cursor (an offset as text) and filtered by status. */
export function fakeWails(opts: FakeOptions = {}): FakeWindow {
  const rows = opts.rows ?? []
  const events = new Map<string, Set<(...data: unknown[]) => void>>()
  const logs: string[] = []
  const requests: Partial<ListRequest>[] = []
  const emptyReport: Report = {
    files: [],
    totals: { conversations: 0, messages: 0, sessions: 0, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 0, failed: 0 },
  }
  const app = {
    SessionsService: {
      ListSessions: vi.fn(async (req: Partial<ListRequest>): Promise<Page> => {
        requests.push(req)
        const matching = rows.filter((r) => !req.status || req.status === 'all' || r.status === req.status)
        const from = Number(req.cursor || 0)
        const limit = req.limit || 50
        const page = matching.slice(from, from + limit)
        const next = from + limit < matching.length ? String(from + limit) : null
        return { sessions: page, next_cursor: next, total: matching.length, index_pending: 0 }
      }),
      GetSession: vi.fn(async () => ({})),
      ContactSessions: vi.fn(async () => ({})),
    },
    ConversationsService: { GetConversation: vi.fn(async () => ({})) },
    ImportsService: {
      ImportFiles: vi.fn(async () => emptyReport),
      ChooseAndImport: vi.fn(async () => emptyReport),
      WatchFolder: vi.fn(async () => opts.watchFolder ?? ''),
      ChooseWatchFolder: vi.fn(async () => opts.watchFolder ?? ''),
      SetWatchFolder: vi.fn(async () => undefined),
    },
    SummariesService: {
      SummaryStatus: vi.fn(async () => ({
        done: 0,
        total: 0,
        failed: 0,
        rate: 0,
        left_ns: 0,
        source: 'builtin',
        running: false,
        pending: 0,
        note: '',
        note_detail: '',
        ...opts.summary,
      })),
      Resummarize: vi.fn(async () => undefined),
      CancelSummaries: vi.fn(async () => undefined),
    },
    SettingsService: {
      AppInfo: vi.fn(async () => ({
        data_dir: '/home/me/.local/share/sessions',
        version: 'test',
        file_drop: false,
        transport: 'desktop',
        dialogs: true,
        ...opts.info,
      })),
    },
  }
  window.go = { app: app as never }
  window.runtime = {
    LogInfo: (m: string) => void logs.push(m),
    EventsOn: (name: string, cb: (...data: unknown[]) => void) => {
      let set = events.get(name)
      if (!set) events.set(name, (set = new Set()))
      set.add(cb)
      return () => void set.delete(cb)
    },
  }
  return {
    app,
    emit: (name, data) => events.get(name)?.forEach((cb) => cb(data)),
    listeners: (name) =>
      name ? (events.get(name)?.size ?? 0) : [...events.values()].reduce((n, s) => n + s.size, 0),
    logs,
    requests,
    remove: () => {
      delete window.go
      delete window.runtime
    },
  }
}

/** Lets answers and the DOM updates after them land. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0))
}
