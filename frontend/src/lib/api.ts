// The only module that knows how the UI reaches the program. In the desktop
// window Wails binds every service as window.go.app.<Service>.<Method> and
// sends events through window.runtime; served to a browser (sessions serve)
// the same methods are POST /api/<Service>/<Method> with the positional
// arguments as a JSON array, and the same events come as server-sent events
// from /api/events. Everything else in the UI imports the functions below
// and never touches window.go, fetch or EventSource itself.

import { Events } from './contract.gen'
import type {
  AppInfo as GoAppInfo,
  ConversationRequest,
  ConversationView,
  ContactDetail,
  ContactRequest,
  ImportFileView,
  ImportReport,
  IndexProgress,
  ListRequest,
  Progress,
  ServiceName,
  ServiceTypes,
  SessionDetail,
  SessionPage,
  SessionView,
  SummaryStatus,
} from './contract.gen'

export const EVENT_IMPORT_REPORT = Events.ImportReport
export const EVENT_IMPORT_BUSY = Events.ImportBusy
export const EVENT_INDEX_PROGRESS = Events.IndexProgress
export const EVENT_SUMMARY_PROGRESS = Events.SummaryProgress

type Services = ServiceTypes
type AnyFn = (...args: never[]) => unknown
export type MethodName<S extends ServiceName> = {
  [K in keyof Services[S]]: Services[S][K] extends AnyFn ? K : never
}[keyof Services[S]] &
  string
type Args<S extends ServiceName, M extends MethodName<S>> = Services[S][M] extends (...a: infer A) => unknown ? A : never
type Result<S extends ServiceName, M extends MethodName<S>> = Services[S][M] extends (...a: never[]) => Promise<infer R>
  ? R
  : never

// Shapes the views rely on: lists never null. Derived from the generated
// types so that a field added in Go reaches them.
export type SkippedLine = NonNullable<ImportFileView['skipped']>[number]
export type FileView = Omit<ImportFileView, 'skipped' | 'status'> & {
  /** ok, partial (a thread of a download could not be read), failed or cancelled. */
  status: 'ok' | 'partial' | 'failed' | 'cancelled'
  skipped: SkippedLine[]
}
export type Report = Omit<ImportReport, 'files'> & { files: FileView[] }
export type Page = Omit<SessionPage, 'sessions'> & { sessions: SessionView[] }
export type SummaryProgress = Progress
export type StatusFilter = 'all' | 'active' | 'completed'
export type { IndexProgress, SessionView, SummaryStatus }

/**
 * The program's facts, with how the UI reaches it ("desktop" or "serve") and
 * whether native file dialogs exist: said by newer programs, else guessed
 * from the transport.
 */
export type AppInfo = GoAppInfo & { transport: string; dialogs: boolean }

/** Stops listening to an event; safe to call more than once. */
export type Unsubscribe = () => void

/** The parts of the Wails JS runtime this module uses. */
interface WailsRuntime {
  LogInfo?: (message: string) => void
  /** Returns a function that removes this one listener. */
  EventsOn?: (name: string, cb: (...data: unknown[]) => void) => Unsubscribe | void
  EventsOff?: (name: string, ...more: string[]) => void
}

declare global {
  interface Window {
    go?: { app?: Partial<Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>> }
    runtime?: WailsRuntime
  }
}

/** Where localStorage keeps the token of a server bound beyond loopback. */
export const TOKEN_KEY = 'sessions.token'

/** How the UI reaches the program: the desktop window's bindings, or HTTP. */
export function transport(): 'wails' | 'http' {
  return window.go?.app ? 'wails' : 'http'
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

// The token prompt: when the server answers 401, the component that asks
// the user registers here; calls wait for its answer and are sent again.

/** Asks the user for the token; null when they gave up. */
export type TokenAsker = (wrong: boolean) => Promise<string | null>

let asker: TokenAsker | null = null
let asking: Promise<string | null> | null = null
const tokenListeners = new Set<() => void>()

/** Registers who asks for a token on a 401; returns a function that unregisters it. */
export function setTokenAsker(fn: TokenAsker): Unsubscribe {
  asker = fn
  return () => {
    if (asker === fn) asker = null
  }
}

function storedToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? ''
  } catch {
    return ''
  }
}

/** Keeps the token for the next visit too; "" forgets it. */
export function saveToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    // storage refused (private mode): the token lasts this page only
  }
  memoryToken = token
  for (const fn of tokenListeners) fn()
}

let memoryToken = ''

function token(): string {
  return storedToken() || memoryToken
}

/** One prompt for all calls refused at once. */
async function askToken(wrong: boolean): Promise<string | null> {
  if (!asker) return null
  asking ??= asker(wrong).finally(() => {
    asking = null
  })
  return asking
}

async function errorOf(res: Response): Promise<Error> {
  const text = (await res.text().catch(() => '')).trim()
  let message = text
  try {
    const body: unknown = JSON.parse(text)
    if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') message = body.error
  } catch {
    // not JSON: keep the text as it is
  }
  return new Error(message || `${res.status} ${res.statusText}`.trim())
}

/** Sends a request with the token, asking for one (and sending again) while the server says 401. */
async function send(url: string, init: RequestInit): Promise<Response> {
  for (let tries = 0; ; tries++) {
    const sent = token()
    const headers = new Headers(init.headers)
    headers.set('Accept', 'application/json')
    if (sent) headers.set('Authorization', `Bearer ${sent}`)
    const res = await fetch(url, { ...init, headers })
    if (res.status !== 401 || tries >= 5) return res
    // Another call may have got a token while this one was on its way.
    if (token() !== sent) continue
    const given = await askToken(sent !== '')
    if (!given) return res
    saveToken(given)
  }
}

async function overHTTP(service: string, method: string, args: unknown[]): Promise<unknown> {
  const res = await send(`/api/${service}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  })
  if (!res.ok) throw await errorOf(res)
  const text = await res.text()
  return text ? JSON.parse(text) : null
}

/** Calls one method of a bound service with its positional arguments, by whichever transport there is. */
export async function call<S extends ServiceName, M extends MethodName<S>>(
  service: S,
  method: M,
  ...args: Args<S, M>
): Promise<Result<S, M>> {
  try {
    const app = window.go?.app
    if (app) {
      const fn = app[service]?.[method]
      if (typeof fn !== 'function') throw new Error(`${service}.${method} is not bound in this window`)
      return (await fn(...args)) as Result<S, M>
    }
    return (await overHTTP(service, method, args)) as Result<S, M>
  } catch (err) {
    throw toError(err)
  }
}

// Normalizers: what came over the wire, as the views rely on it. Go encodes
// an empty slice as null when it was never allocated, and older payloads
// lack newer fields.

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

function record(v: unknown): Record<string, unknown> {
  return (v && typeof v === 'object' ? v : {}) as Record<string, unknown>
}

/** A file's status as Go sent it; older payloads only had the error. */
function fileStatus(s: unknown, err: unknown): FileView['status'] {
  if (s === 'ok' || s === 'partial' || s === 'failed' || s === 'cancelled') return s
  return typeof err === 'string' && err !== '' ? 'failed' : 'ok'
}

/** An import report with lists never null, numbers never missing, error null on success. */
export function normalizeReport(raw: unknown): Report {
  const r = record(raw)
  const t = record(r.totals)
  const files = Array.isArray(r.files) ? r.files : []
  return {
    files: files.map((f0: unknown): FileView => {
      const f = record(f0)
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
          const s = record(s0)
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

/** Index progress from whatever came over the wire. */
export function normalizeIndexProgress(raw: unknown): IndexProgress {
  const r = record(raw)
  return { indexed: count(r.indexed), total: count(r.total), done: r.done === true }
}

/** Summary progress from whatever came over the wire. */
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

/** What the program says about itself; what an older program leaves out is guessed from the transport. */
function normalizeAppInfo(raw: unknown): AppInfo {
  const r = record(raw)
  const wails = transport() === 'wails'
  return {
    data_dir: text(r.data_dir),
    version: text(r.version),
    file_drop: r.file_drop === true,
    transport: text(r.transport) || (wails ? 'desktop' : 'serve'),
    dialogs: typeof r.dialogs === 'boolean' ? r.dialogs : wails,
  }
}

/** A page of the timeline, newest first; fields left out of req are the program's defaults. */
export async function listSessions(req: Partial<ListRequest>): Promise<Page> {
  const page = record(await call('SessionsService', 'ListSessions', req as ListRequest))
  return {
    sessions: Array.isArray(page.sessions) ? (page.sessions as SessionView[]) : [],
    next_cursor: typeof page.next_cursor === 'string' ? page.next_cursor : null,
    total: count(page.total),
    index_pending: count(page.index_pending),
  }
}

/** One session with its messages. */
export function getSession(id: number): Promise<SessionDetail> {
  return call('SessionsService', 'GetSession', id)
}

/** A contact and a page of its sessions, newest first. */
export async function contactSessions(req: Partial<ContactRequest> & { id: number }): Promise<ContactDetail> {
  const d = await call('SessionsService', 'ContactSessions', req as ContactRequest)
  return { ...d, channels: d?.channels ?? [], sessions: d?.sessions ?? [] }
}

/** A page of a whole thread: its messages oldest first and the sessions they belong to. */
export async function getConversation(req: Partial<ConversationRequest> & { id: number }): Promise<ConversationView> {
  const v = await call('ConversationsService', 'GetConversation', req as ConversationRequest)
  return { ...v, sessions: v?.sessions ?? [], messages: v?.messages ?? [] }
}

/** Facts about this installation: where the data lives, the version, what the window can do. */
export async function appInfo(): Promise<AppInfo> {
  return normalizeAppInfo(await call('SettingsService', 'AppInfo'))
}

/** Imports files, zips or folders by path (the program reads them). */
export async function importFiles(paths: string[]): Promise<Report> {
  return normalizeReport(await call('ImportsService', 'ImportFiles', paths))
}

/** Opens the system's file dialog and imports what the user picks; a cancelled dialog gives no files. */
export async function chooseAndImport(): Promise<Report> {
  return normalizeReport(await call('ImportsService', 'ChooseAndImport'))
}

/** Sends files picked in the browser to the program, which imports them (sessions serve only). */
export async function uploadFiles(files: File[]): Promise<Report> {
  try {
    const res = await send('/api/upload', {
      method: 'POST',
      // A fresh body for every try: the prompt may send it again.
      get body() {
        const form = new FormData()
        for (const f of files) form.append('files', f, f.name)
        return form
      },
    })
    if (!res.ok) throw await errorOf(res)
    return normalizeReport(await res.json())
  } catch (err) {
    throw toError(err)
  }
}

/** The watched inbox folder, "" when there is none. */
export async function watchFolder(): Promise<string> {
  return text(await call('ImportsService', 'WatchFolder'))
}

/** Opens a folder dialog and watches the folder picked; cancelled, it returns the current folder. */
export async function chooseWatchFolder(): Promise<string> {
  return text(await call('ImportsService', 'ChooseWatchFolder'))
}

/** Watches dir from now on; "" stops watching. */
export async function setWatchFolder(dir: string): Promise<void> {
  await call('ImportsService', 'SetWatchFolder', dir)
}

/** How far summarizing is, with what, and why it is built-in when it is. */
export async function summaryStatus(): Promise<SummaryStatus> {
  const r = await call('SummariesService', 'SummaryStatus')
  const rec = record(r)
  return { ...normalizeSummaryProgress(r), pending: count(rec.pending), note: text(rec.note), note_detail: text(rec.note_detail) }
}

/** Stops the running summaries; what is left stays queued for the next start. */
export async function cancelSummaries(): Promise<void> {
  await call('SummariesService', 'CancelSummaries')
}

/** Summarizes one session again, in the background. */
export async function resummarize(id: number): Promise<void> {
  await call('SummariesService', 'Resummarize', id)
}

/** Logs through the desktop app's logger (its console output, which build/check-window.sh reads), else the console. */
export function logInfo(message: string): void {
  const log = window.runtime?.LogInfo
  if (log) log(message)
  else console.info(message)
}

// Events. The window has Wails' runtime; a browser has one EventSource for
// all listeners, opened with the first and closed with the last, and opened
// again when the token changes (a refused stream cannot say it was a 401).

const listeners = new Map<string, Set<(data: unknown) => void>>()
let source: EventSource | null = null
const sourceNames = new Set<string>()

function openSource(): void {
  source?.close()
  const t = token()
  source = new EventSource(t ? `/api/events?token=${encodeURIComponent(t)}` : '/api/events')
  sourceNames.clear()
  for (const name of listeners.keys()) listenSource(name)
}

function listenSource(name: string): void {
  if (!source || sourceNames.has(name)) return
  sourceNames.add(name)
  source.addEventListener(name, (e) => {
    let data: unknown = null
    try {
      data = JSON.parse((e as MessageEvent<string>).data)
    } catch {
      return // not ours
    }
    for (const cb of listeners.get(name) ?? []) cb(data)
  })
}

function reopenSource(): void {
  if (source) openSource()
}

/** Calls cb with the payload of every event called name until the returned function is called. */
export function on(name: string, cb: (data: unknown) => void): Unsubscribe {
  let done = false
  if (transport() === 'wails') {
    const rt = window.runtime
    if (typeof rt?.EventsOn !== 'function') return () => {}
    const off = rt.EventsOn(name, (...data: unknown[]) => cb(data[0]))
    return () => {
      if (done) return
      done = true
      if (typeof off === 'function') off()
      else rt.EventsOff?.(name)
    }
  }
  if (typeof EventSource !== 'function') return () => {}
  let set = listeners.get(name)
  if (!set) listeners.set(name, (set = new Set()))
  set.add(cb)
  if (!source) {
    openSource()
    tokenListeners.add(reopenSource)
  } else listenSource(name)
  return () => {
    if (done) return
    done = true
    set.delete(cb)
    if ([...listeners.values()].every((s) => s.size === 0)) {
      listeners.clear()
      source?.close()
      source = null
      sourceNames.clear()
      tokenListeners.delete(reopenSource)
    }
  }
}

/** Calls cb with true when an import starts (from any source) and false when it ends. */
export function onImportBusy(cb: (busy: boolean) => void): Unsubscribe {
  return on(EVENT_IMPORT_BUSY, (data) => cb(data === true))
}

/** Calls cb with the report of every import the user did not start from this page's button. */
export function onImportReport(cb: (report: Report) => void): Unsubscribe {
  return on(EVENT_IMPORT_REPORT, (data) => cb(normalizeReport(data)))
}

/** Calls cb while the search index catches up with the database, and once more with done set. */
export function onIndexProgress(cb: (p: IndexProgress) => void): Unsubscribe {
  return on(EVENT_INDEX_PROGRESS, (data) => cb(normalizeIndexProgress(data)))
}

/** Calls cb while summaries are made, and once more with running unset when the run ends. */
export function onSummaryProgress(cb: (p: SummaryProgress) => void): Unsubscribe {
  return on(EVENT_SUMMARY_PROGRESS, (data) => cb(normalizeSummaryProgress(data)))
}

// ---------------------------------------------------------------------------
// Labels and custom fields, and the session detail's data (helper 8's block).
// Lists come back never null; a label's colour is kept only when it is one.

export type { FieldView, LabelRef, LabelView } from './contract.gen'
import type { FieldInput, FieldView, LabelInput, LabelView } from './contract.gen'

function colorOf(v: unknown): string {
  return typeof v === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v) ? v : ''
}

function labelView(raw: unknown): LabelView {
  const r = record(raw)
  return { id: count(r.id), name: text(r.name), color: colorOf(r.color), sessions: count(r.sessions) }
}

function fieldView(raw: unknown): FieldView {
  const r = record(raw)
  return {
    id: count(r.id),
    key: text(r.key),
    name: text(r.name),
    type: text(r.type) || 'text',
    choices: Array.isArray(r.choices) ? r.choices.filter((c): c is string => typeof c === 'string') : [],
    sessions: count(r.sessions),
  }
}

/** Every label by name, with its colour and number of sessions. */
export async function listLabels(): Promise<LabelView[]> {
  const r = await call('LabelsService', 'ListLabels')
  return Array.isArray(r) ? r.map(labelView) : []
}

/** Adds a label; an empty colour takes the palette's next. */
export async function createLabel(input: LabelInput): Promise<LabelView> {
  return labelView(await call('LabelsService', 'CreateLabel', input))
}

/** Renames and/or recolours a label; an empty field keeps what it has. */
export async function updateLabel(id: number, input: LabelInput): Promise<LabelView> {
  return labelView(await call('LabelsService', 'UpdateLabel', id, input))
}

/** Takes a label off every session and deletes it. */
export async function deleteLabel(id: number): Promise<void> {
  await call('LabelsService', 'DeleteLabel', id)
}

/** Puts a label on a session, creating it when there is none of that name. */
export async function addSessionLabel(sessionID: number, name: string): Promise<void> {
  await call('LabelsService', 'AddSessionLabel', sessionID, name)
}

/** Takes a label off a session. */
export async function removeSessionLabel(sessionID: number, name: string): Promise<void> {
  await call('LabelsService', 'RemoveSessionLabel', sessionID, name)
}

/** Every custom field by name, with its type, options and number of sessions. */
export async function listFields(): Promise<FieldView[]> {
  const r = await call('FieldsService', 'ListFields')
  return Array.isArray(r) ? r.map(fieldView) : []
}

/** Adds a custom field. */
export async function defineField(input: FieldInput): Promise<FieldView> {
  return fieldView(await call('FieldsService', 'DefineField', input))
}

/** Renames a field or changes its options (its key stays). */
export async function updateField(key: string, input: FieldInput): Promise<FieldView> {
  return fieldView(await call('FieldsService', 'UpdateField', key, input))
}

/** Removes a field and its values from every session. */
export async function deleteField(key: string): Promise<void> {
  await call('FieldsService', 'DeleteField', key)
}

/** Sets a session's value of a field, checked against its type; "" clears it. */
export async function setSessionField(sessionID: number, key: string, value: string): Promise<void> {
  await call('FieldsService', 'SetSessionField', sessionID, key, value)
}

// ---------------------------------------------------------------------------
// Insights, saved views, the CSV export and the contact page (helper 13's block).
// Lists never null; a view's params always an object.

export type { InsightsView, SavedView } from './contract.gen'
import type { ExportResult, InsightsRequest, InsightsView, SavedView, SavedViewInput } from './contract.gen'

/** A timeline filter with the contact it may be narrowed to (the contact page's insights). */
export type ContactFilter = Partial<ListRequest> & { contact_id?: number }

/** The charts of the sessions of a filter, bucketed by period in zone ('' = the app's). */
export async function insights(req: Omit<InsightsRequest, 'filter'> & { filter?: ContactFilter }): Promise<InsightsView> {
  const v = await call('InsightsService', 'Insights', req as InsightsRequest)
  const r = record(v) as Partial<InsightsView>
  const stats = (s: unknown) => {
    const x = record(s)
    return { median_s: count(x.median_s), p90_s: count(x.p90_s), count: count(x.count) }
  }
  const dur = record(r.duration)
  const fr = record(r.first_response)
  const ai = record(r.ai)
  const busiest = Array.from({ length: 7 }, (_, d) =>
    Array.from({ length: 24 }, (_, h) => count((Array.isArray(r.busiest) ? r.busiest[d] : undefined)?.[h])),
  )
  return {
    total: count(r.total),
    period: text(r.period) || 'day',
    zone: text(r.zone),
    sessions_per_bucket: (r.sessions_per_bucket ?? []).map((b) => ({ ...b, by_channel: b.by_channel ?? {} })),
    duration: { ...stats(dur), per_bucket: Array.isArray(dur.per_bucket) ? dur.per_bucket : [] },
    first_response: {
      human: stats(fr.human),
      bot: stats(fr.bot),
      per_bucket: Array.isArray(fr.per_bucket) ? fr.per_bucket : [],
    },
    sentiment: r.sentiment ?? [],
    top_labels: (r.top_labels ?? []).map((l) => ({ ...l, color: colorOf(l.color) })),
    top_topics: r.top_topics ?? [],
    ai: {
      bot_only: count(ai.bot_only),
      handed_off: count(ai.handed_off),
      no_bot: count(ai.no_bot),
      per_bucket: Array.isArray(ai.per_bucket) ? ai.per_bucket : [],
      wait_after_handoff: stats(ai.wait_after_handoff),
    },
    busiest,
  }
}

/** One chart of the insights as CSV (its table's numbers), written by the program. */
export async function insightCSV(req: Omit<InsightsRequest, 'filter'> & { filter?: ContactFilter }, chart: string): Promise<string> {
  return text(await call('InsightsService', 'InsightCSV', req as InsightsRequest, chart))
}

function savedView(raw: unknown): SavedView {
  const r = record(raw)
  const params: Record<string, string> = {}
  for (const [k, v] of Object.entries(record(r.params))) if (typeof v === 'string') params[k] = v
  return { id: count(r.id), name: text(r.name), page: text(r.page) || 'sessions', params, position: count(r.position) }
}

/** The saved views in the sidebar's order. */
export async function listViews(): Promise<SavedView[]> {
  const r = await call('ViewsService', 'ListViews')
  return Array.isArray(r) ? r.map(savedView) : []
}

/** Saves a view at the end of the list; a name another view has is refused. */
export async function saveView(input: SavedViewInput): Promise<SavedView> {
  return savedView(await call('ViewsService', 'SaveView', input))
}

export async function renameView(id: number, name: string): Promise<void> {
  await call('ViewsService', 'RenameView', id, name)
}

/** Puts a view at position (from 0); the others shift. */
export async function moveView(id: number, position: number): Promise<void> {
  await call('ViewsService', 'MoveView', id, position)
}

export async function deleteView(id: number): Promise<void> {
  await call('ViewsService', 'DeleteView', id)
}

/** What an export did: the file (a path in the window, a file name in a browser) and the rows written when known. */
export type Exported = ExportResult

/** The name a download says it has (Content-Disposition), else fallback. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? '')
  if (!m) return fallback
  try {
    return decodeURIComponent(m[1])
  } catch {
    return m[1]
  }
}

/** Hands a blob to the browser as a download named name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  // The download has taken the blob by the next task.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/**
 * Exports the sessions of a filter as CSV: in the window the program asks
 * where to save (its save dialog); in a browser the server's download is
 * fetched with the token and handed to the browser. params are the
 * timeline's URL parameters (the server reads the same names).
 */
export async function exportCSV(req: Partial<ListRequest>, params: URLSearchParams): Promise<Exported> {
  if (transport() === 'wails') return await call('ExportService', 'ExportCSV', req as ListRequest)
  try {
    const qs = params.toString()
    const res = await send(`/api/export.csv${qs ? `?${qs}` : ''}`, { method: 'GET' })
    if (!res.ok) throw await errorOf(res)
    const name = fileNameOf(res.headers.get('Content-Disposition'), 'sessions.csv')
    const blob = await res.blob()
    saveBlob(blob, name)
    return { path: name, rows: -1, cancelled: false }
  } catch (err) {
    throw toError(err)
  }
}
