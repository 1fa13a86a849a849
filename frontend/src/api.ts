// The only module that knows how the UI talks to the program: through the
// Wails bindings (window.go.app.API) in the desktop window, or through
// fetch('/api/...') when the same UI is served to a browser. Views import
// the functions below and never touch window.go or fetch themselves.

/** Mirrors app.ContactView. */
export interface ContactView {
  id: number
  name: string
  email: string | null
}

/** Mirrors app.HandoffView: whether an AI agent took part and, when a human took over, who and when. */
export interface HandoffView {
  bot: string | null
  agent: string | null
  at: string | null
  /** How long the customer waited for the human after the bot's last message, in seconds. */
  wait_s: number | null
  /** The bot handled the session alone. */
  bot_only: boolean
}

export type Channel = 'whatsapp' | 'instagram' | 'facebook' | 'webchat'
export type Status = 'active' | 'completed'
export type StatusFilter = 'all' | Status
export type Sentiment = 'positive' | 'neutral' | 'negative'
export type SummarySource = 'builtin' | 'ollama'

/** Mirrors app.SessionView: one row of the timeline. Times are RFC 3339. */
export interface SessionView {
  id: number
  /** The thread the session is part of (getConversation). */
  conversation_id: number
  contact: ContactView
  channel: Channel | string
  status: Status | string
  started_at: string
  ended_at: string | null
  duration_s: number | null
  message_count: number
  summary: string | null
  /** Which summarizer made the summary: "builtin" or "ollama". */
  summary_source: SummarySource | string | null
  /** Why the last summary attempt failed. */
  summary_error: string | null
  sentiment: Sentiment | string | null
  labels: string[] | null
  fields: Record<string, string> | null
  handoff: HandoffView
}

/** Mirrors app.SessionPage; next_cursor is null on the last page. */
export interface SessionPage {
  sessions: SessionView[]
  next_cursor: string | null
  /** Sessions matching the request in all. */
  total?: number
  /** Sessions the search index has not caught up with (word searches only). */
  index_pending?: number
}

/** Mirrors app.MessageView. */
export interface MessageView {
  at: string
  author: string | null
  role: string
  kind: string
  body: string
  attachments: string[] | null
}

/** Mirrors app.SessionDetail (SessionView embedded, plus its entries; notices and calls are counted apart). */
export interface SessionDetail extends SessionView {
  notice_count: number
  messages: MessageView[]
}

/** Mirrors app.ThreadMessage: a message of a thread; session_id is null between sessions. */
export interface ThreadMessage extends MessageView {
  id: number
  session_id: number | null
}

/** Mirrors app.ConversationRequest: after/before are cursors of an earlier page; session_id starts at a session. */
export interface ConversationRequest {
  id: number
  session_id?: number
  after?: string
  before?: string
  /** Messages per page; 0 means 500, at most 5000. */
  limit?: number
}

/** Mirrors app.ConversationView: a page of a thread, oldest first, with the sessions it touches. */
export interface ConversationView {
  id: number
  channel: Channel | string
  title: string
  contact: ContactView | null
  /** Messages and sessions in the whole thread. */
  message_count: number
  session_count: number
  sessions: SessionView[]
  messages: ThreadMessage[]
  next_cursor: string | null
  prev_cursor: string | null
}

/** Mirrors app.ContactRequest. */
export interface ContactRequest {
  id: number
  /** Sessions per page; 0 means 20. */
  limit?: number
  cursor?: string
}

/** Mirrors app.ContactDetail: a contact and a page of its sessions, newest first. */
export interface ContactDetail {
  id: number
  name: string
  email: string | null
  phone: string | null
  channels: string[]
  /** The contact's sessions in all. */
  total: number
  sessions: SessionView[]
  next_cursor: string | null
}

/** Mirrors app.AppInfo. */
export interface AppInfo {
  data_dir: string
  /** Whether files dropped on the window are imported (not on Linux yet). */
  file_drop?: boolean
  version: string
}

/** Mirrors app.ListRequest. */
export interface ListRequest {
  status: StatusFilter
  limit: number
  cursor: string
}

/** Mirrors chat.Skipped: a line an import could not read. */
export interface SkippedLine {
  /** The part of a multi-file export the line is in; absent for single files. */
  file?: string
  line: number
  reason: string
}

/** Mirrors app.ImportFileView: one file of an import; error is null on success. */
export interface ImportFileView {
  path: string
  format: string
  /** ok, partial (a thread of a download could not be read), failed or cancelled. */
  status: 'ok' | 'partial' | 'failed' | 'cancelled'
  conversations: number
  messages: number
  sessions: number
  duplicates: number
  /** Stored entries this import read differently (a notice, a message, a role) and put right. */
  reread: number
  /** Bytes of invalid UTF-8 replaced by U+FFFD. */
  repaired: number
  /** Threads of a download that could not be read (also in skipped). */
  broken_threads: number
  /** Lines not imported, also past the listed ones. */
  skipped_lines: number
  skipped: SkippedLine[]
  error: string | null
}

/** Mirrors app.ImportTotals. */
export interface ImportTotals {
  conversations: number
  messages: number
  sessions: number
  duplicates: number
  reread: number
  repaired: number
  /** Files imported but for a thread that could not be read. */
  partial: number
  /** Files whose import was stopped (and rolled back). */
  cancelled: number
  /** Files that were not chat exports (photos, notes) and were left alone. */
  ignored: number
  failed: number
}

/** Mirrors app.ImportReport. */
export interface ImportReport {
  files: ImportFileView[]
  totals: ImportTotals
}

/** Stops listening to an event; safe to call more than once. */
export type Unsubscribe = () => void

interface WailsAPI {
  ListSessions(req: ListRequest): Promise<SessionPage>
  GetSession(id: number): Promise<SessionDetail>
  GetConversation(req: ConversationRequest): Promise<ConversationView>
  ContactSessions(req: ContactRequest): Promise<ContactDetail>
  AppInfo(): Promise<AppInfo>
  ImportFiles(paths: string[]): Promise<ImportReport>
  ChooseAndImport(): Promise<ImportReport>
  WatchFolder(): Promise<string>
  ChooseWatchFolder(): Promise<string>
  SetWatchFolder(dir: string): Promise<void>
  SummaryStatus(): Promise<SummaryStatus>
  CancelSummaries(): Promise<void>
  Resummarize(id: number): Promise<void>
}

/** The parts of the Wails JS runtime this module uses. */
interface WailsRuntime {
  LogInfo?: (message: string) => void
  /** Returns a function that removes this one listener. */
  EventsOn?: (name: string, cb: (...data: unknown[]) => void) => Unsubscribe | void
  EventsOff?: (name: string, ...more: string[]) => void
}

declare global {
  interface Window {
    go?: { app?: { API?: WailsAPI } }
    runtime?: WailsRuntime
  }
}

function wails(): WailsAPI | undefined {
  return window.go?.app?.API
}

/** Turns whatever was thrown into an Error; Wails rejects with plain strings. */
export function toError(err: unknown): Error {
  if (err instanceof Error) return err
  if (typeof err === 'string') return new Error(err)
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    return new Error(err.message)
  }
  return new Error(String(err))
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw toError(err)
  }
}

async function getJSON<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } })
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).trim()
    let message = text
    try {
      const body: unknown = JSON.parse(text)
      if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') {
        message = body.error
      }
    } catch {
      // not JSON: keep the text as it is
    }
    throw new Error(message || `${res.status} ${res.statusText}`.trim())
  }
  return (await res.json()) as T
}

/** One page of the timeline, newest first. */
export async function listSessions(req: ListRequest): Promise<SessionPage> {
  const api = wails()
  const page = await call(() => {
    if (api) return api.ListSessions(req)
    const q = new URLSearchParams({ status: req.status, limit: String(req.limit), cursor: req.cursor })
    return getJSON<SessionPage>(`/api/sessions?${q}`)
  })
  // Go encodes an empty slice as null when it was never allocated.
  const out: SessionPage = { sessions: page?.sessions ?? [], next_cursor: page?.next_cursor ?? null }
  if (typeof page?.total === 'number') out.total = page.total
  if (typeof page?.index_pending === 'number') out.index_pending = page.index_pending
  return out
}

/** One session with its messages. */
export function getSession(id: number): Promise<SessionDetail> {
  const api = wails()
  return call(() =>
    api ? api.GetSession(id) : getJSON<SessionDetail>(`/api/sessions/${encodeURIComponent(String(id))}`),
  )
}

function params(values: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== '' && v !== 0) q.set(k, String(v))
  }
  const str = q.toString()
  return str ? `?${str}` : ''
}

/** A page of a whole thread: its messages oldest first and the sessions they belong to. */
export async function getConversation(req: ConversationRequest): Promise<ConversationView> {
  const api = wails()
  const v = await call(() => {
    if (api) return api.GetConversation(req)
    const q = params({ session_id: req.session_id, after: req.after, before: req.before, limit: req.limit })
    return getJSON<ConversationView>(`/api/conversations/${encodeURIComponent(String(req.id))}${q}`)
  })
  return { ...v, sessions: v?.sessions ?? [], messages: v?.messages ?? [] }
}

/** A contact and a page of its sessions, newest first. */
export async function contactSessions(req: ContactRequest): Promise<ContactDetail> {
  const api = wails()
  const d = await call(() => {
    if (api) return api.ContactSessions(req)
    const q = params({ limit: req.limit, cursor: req.cursor })
    return getJSON<ContactDetail>(`/api/contacts/${encodeURIComponent(String(req.id))}/sessions${q}`)
  })
  return { ...d, channels: d?.channels ?? [], sessions: d?.sessions ?? [] }
}

/** Facts about this installation (where the data lives, version). */
export function appInfo(): Promise<AppInfo> {
  const api = wails()
  return call(() => (api ? api.AppInfo() : getJSON<AppInfo>('/api/info')))
}

/** Logs through the desktop app's logger (its console output), else the browser console. */
export function logInfo(message: string): void {
  const log = window.runtime?.LogInfo
  if (log) log(message)
  else console.info(message)
}

// Importing needs the desktop program: it reads files by path and opens the
// system's dialogs. Served to a browser, the UI hides these controls.

/** Names of the events the desktop program sends about imports. */
export const EVENT_IMPORT_BUSY = 'import:busy'
export const EVENT_IMPORT_REPORT = 'import:report'

const NO_IMPORT = 'Importing is only available in the desktop app.'

/** Whether this UI can import (file dialogs, watched folder, dropped files). */
export function canImport(): boolean {
  return typeof wails()?.ChooseAndImport === 'function'
}

function importer(): WailsAPI {
  const api = wails()
  if (!api || typeof api.ChooseAndImport !== 'function') throw new Error(NO_IMPORT)
  return api
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/**
 * An import report as the UI relies on it: lists never null, numbers never
 * missing, error null on success. Accepts whatever came over the wire.
 */
export function normalizeReport(raw: unknown): ImportReport {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const t = (r.totals && typeof r.totals === 'object' ? r.totals : {}) as Record<string, unknown>
  const files = Array.isArray(r.files) ? r.files : []
  return {
    files: files.map((f0: unknown): ImportFileView => {
      const f = (f0 && typeof f0 === 'object' ? f0 : {}) as Record<string, unknown>
      const skipped = Array.isArray(f.skipped) ? f.skipped : []
      return {
        path: text(f.path),
        format: text(f.format),
        status: fileStatus(f.status, f.error),
        conversations: count(f.conversations),
        messages: count(f.messages),
        sessions: count(f.sessions),
        duplicates: count(f.duplicates),
        reread: count(f.reread),
        repaired: count(f.repaired),
        broken_threads: count(f.broken_threads),
        skipped_lines: count(f.skipped_lines),
        skipped: skipped.map((s0: unknown): SkippedLine => {
          const s = (s0 && typeof s0 === 'object' ? s0 : {}) as Record<string, unknown>
          const line: SkippedLine = { line: count(s.line), reason: text(s.reason) }
          if (typeof s.file === 'string' && s.file !== '') line.file = s.file
          return line
        }),
        error: typeof f.error === 'string' ? f.error : null,
      }
    }),
    totals: {
      conversations: count(t.conversations),
      messages: count(t.messages),
      sessions: count(t.sessions),
      duplicates: count(t.duplicates),
      reread: count(t.reread),
      repaired: count(t.repaired),
      partial: count(t.partial),
      cancelled: count(t.cancelled),
      ignored: count(t.ignored),
      failed: count(t.failed),
    },
  }
}

/** A file's status as Go sent it; older payloads only had the error. */
function fileStatus(s: unknown, err: unknown): ImportFileView['status'] {
  if (s === 'ok' || s === 'partial' || s === 'failed' || s === 'cancelled') return s
  return typeof err === 'string' && err !== '' ? 'failed' : 'ok'
}

/** Imports files, zips or folders by path. */
export async function importFiles(paths: string[]): Promise<ImportReport> {
  return normalizeReport(await call(() => importer().ImportFiles(paths)))
}

/** Opens the system's file dialog and imports what the user picks; a cancelled dialog gives no files. */
export async function chooseAndImport(): Promise<ImportReport> {
  return normalizeReport(await call(() => importer().ChooseAndImport()))
}

/** The watched inbox folder, "" when there is none. */
export async function watchFolder(): Promise<string> {
  return text(await call(() => importer().WatchFolder()))
}

/** Opens a folder dialog and watches the folder picked; cancelled, it returns the current folder. */
export async function chooseWatchFolder(): Promise<string> {
  return text(await call(() => importer().ChooseWatchFolder()))
}

/** Watches dir from now on; "" stops watching. */
export async function setWatchFolder(dir: string): Promise<void> {
  await call(() => importer().SetWatchFolder(dir))
}

function subscribe(name: string, cb: (data: unknown) => void): Unsubscribe {
  const on = window.runtime?.EventsOn
  if (!wails() || typeof on !== 'function') return () => {}
  const off = on(name, (...data: unknown[]) => cb(data[0]))
  let done = false
  return () => {
    if (done) return
    done = true
    if (typeof off === 'function') off()
    else window.runtime?.EventsOff?.(name)
  }
}

/** Calls cb with true when an import starts (from any source) and false when it ends. */
export function onImportBusy(cb: (busy: boolean) => void): Unsubscribe {
  return subscribe(EVENT_IMPORT_BUSY, (data) => cb(data === true))
}

/** Calls cb with the report of every import the user did not start with the Import button. */
export function onImportReport(cb: (report: ImportReport) => void): Unsubscribe {
  return subscribe(EVENT_IMPORT_REPORT, (data) => cb(normalizeReport(data)))
}

// Background work of the desktop program: the search index catching up with
// the database, and summaries being made. Served to a browser, there is
// none to follow: the events never come and the calls reject.

/** Names of the events the desktop program sends about background work. */
export const EVENT_INDEX_PROGRESS = 'index:progress'
export const EVENT_SUMMARY_PROGRESS = 'summary:progress'

/** Mirrors app.IndexProgress: how far the search index is behind; a last one has done set. */
export interface IndexProgress {
  indexed: number
  total: number
  done: boolean
}

/** Mirrors summaries.Progress: how far a summary run is; a last one has running unset. */
export interface SummaryProgress {
  /** Sessions handled (summarized, unchanged or failed). */
  done: number
  /** Sessions known to the run so far. */
  total: number
  failed: number
  /** Sessions a second. */
  rate: number
  /** Estimated time left, in nanoseconds. */
  left_ns: number
  /** "builtin" or "ollama:<model>". */
  source: string
  running: boolean
}

/** Mirrors app.SummaryStatus. */
export interface SummaryStatus extends SummaryProgress {
  /** Sessions waiting for a summary. */
  pending: number
  /** Why summaries are built-in (Ollama is not running, …); "" otherwise. */
  note: string
}

const NO_SUMMARIES = 'Summaries can only be followed in the desktop app.'

function summarizer(): WailsAPI {
  const api = wails()
  if (!api || typeof api.SummaryStatus !== 'function') throw new Error(NO_SUMMARIES)
  return api
}

function record(v: unknown): Record<string, unknown> {
  return (v && typeof v === 'object' ? v : {}) as Record<string, unknown>
}

/** Index progress as the UI relies on it, from whatever came over the wire. */
export function normalizeIndexProgress(raw: unknown): IndexProgress {
  const r = record(raw)
  return { indexed: count(r.indexed), total: count(r.total), done: r.done === true }
}

/** Summary progress as the UI relies on it, from whatever came over the wire. */
export function normalizeSummaryProgress(raw: unknown): SummaryProgress {
  const r = record(raw)
  return {
    done: count(r.done),
    total: count(r.total),
    failed: count(r.failed),
    rate: count(r.rate),
    left_ns: count(r.left_ns),
    source: text(r.source),
    running: r.running === true,
  }
}

/** How far summarizing is, with what, and why it is built-in when it is. */
export async function summaryStatus(): Promise<SummaryStatus> {
  const r = await call(() => summarizer().SummaryStatus())
  return { ...normalizeSummaryProgress(r), pending: count(record(r).pending), note: text(record(r).note) }
}

/** Stops the running summaries; what is left stays queued for the next start. */
export async function cancelSummaries(): Promise<void> {
  await call(() => summarizer().CancelSummaries())
}

/** Summarizes one session again, in the background. */
export async function resummarize(id: number): Promise<void> {
  await call(() => summarizer().Resummarize(id))
}

/** Calls cb while the search index catches up with the database, and once more with done set. */
export function onIndexProgress(cb: (p: IndexProgress) => void): Unsubscribe {
  return subscribe(EVENT_INDEX_PROGRESS, (data) => cb(normalizeIndexProgress(data)))
}

/** Calls cb while summaries are made, and once more with running unset when the run ends. */
export function onSummaryProgress(cb: (p: SummaryProgress) => void): Unsubscribe {
  return subscribe(EVENT_SUMMARY_PROGRESS, (data) => cb(normalizeSummaryProgress(data)))
}
