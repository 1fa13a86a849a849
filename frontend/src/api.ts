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

/** Mirrors app.HandoffView. */
export interface HandoffView {
  bot: string | null
  agent: string | null
  at: string | null
}

export type Channel = 'whatsapp' | 'instagram' | 'facebook' | 'webchat'
export type Status = 'active' | 'completed'
export type StatusFilter = 'all' | Status

/** Mirrors app.SessionView: one row of the timeline. Times are RFC 3339. */
export interface SessionView {
  id: number
  contact: ContactView
  channel: Channel | string
  status: Status | string
  started_at: string
  ended_at: string | null
  duration_s: number | null
  message_count: number
  summary: string | null
  sentiment: string | null
  labels: string[] | null
  fields: Record<string, string> | null
  handoff: HandoffView
}

/** Mirrors app.SessionPage; next_cursor is null on the last page. */
export interface SessionPage {
  sessions: SessionView[]
  next_cursor: string | null
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

/** Mirrors app.SessionDetail (SessionView embedded, plus messages). */
export interface SessionDetail extends SessionView {
  messages: MessageView[]
}

/** Mirrors app.AppInfo. */
export interface AppInfo {
  data_dir: string
  version: string
}

/** Mirrors app.ListRequest. */
export interface ListRequest {
  status: StatusFilter
  limit: number
  cursor: string
}

interface WailsAPI {
  ListSessions(req: ListRequest): Promise<SessionPage>
  GetSession(id: number): Promise<SessionDetail>
  AppInfo(): Promise<AppInfo>
}

declare global {
  interface Window {
    go?: { app?: { API?: WailsAPI } }
    runtime?: { LogInfo?: (message: string) => void }
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
  return { sessions: page?.sessions ?? [], next_cursor: page?.next_cursor ?? null }
}

/** One session with its messages. */
export function getSession(id: number): Promise<SessionDetail> {
  const api = wails()
  return call(() =>
    api ? api.GetSession(id) : getJSON<SessionDetail>(`/api/sessions/${encodeURIComponent(String(id))}`),
  )
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
