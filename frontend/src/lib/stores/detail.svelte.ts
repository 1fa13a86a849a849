// The session detail's state: the session open beside (or instead of) the
// list, with its messages, its contact and their recent sessions, and the
// edits made in place (labels, custom fields, summarize again). Each edit
// goes to the program, which answers with the session as it now is; then
// the timeline is told so that its rows show the change at once. Opening
// another session drops answers still on their way for the last one.

import * as api from '../api'
import type { SessionView } from '../api'
import type { ContactDetail, SessionDetail } from '../contract.gen'

export type DetailPhase = 'idle' | 'loading' | 'ready' | 'error'

/** Messages of a session per side. */
export interface SideCounts {
  customer: number
  agent: number
  bot: number
}

/** How many messages each side wrote (system notices and calls are not messages). */
export function sideCounts(d: Pick<SessionDetail, 'messages'>): SideCounts {
  const c: SideCounts = { customer: 0, agent: 0, bot: 0 }
  for (const m of d.messages ?? []) if (m.role === 'customer' || m.role === 'agent' || m.role === 'bot') c[m.role]++
  return c
}

/** How many of the contact's sessions the detail lists. */
export const RECENT = 5

export class DetailStore {
  id = $state<number | null>(null)
  session = $state.raw<SessionDetail | null>(null)
  contact = $state.raw<ContactDetail | null>(null)
  phase = $state<DetailPhase>('idle')
  error = $state<Error | null>(null)
  /** Why the last edit was refused, with what it was about. */
  editError = $state<{ what: string; message: string } | null>(null)
  /** The summarizer's name ("ollama:llama3.2"), for the summary's source. */
  summarizer = $state('')
  /** Summarize again was asked and the new summary has not come yet. */
  resummarizing = $state(false)

  private seq = 0

  constructor(
    /** Called after an edit with the session as it now is (null when it could not be read again), so the list shows it. */
    private readonly changed: (s: SessionDetail | null) => void = () => {},
  ) {}

  /** Opens a session (null closes); the same id again keeps what is loaded. */
  open(id: number | null): Promise<void> {
    if (id === this.id && this.phase !== 'error') return Promise.resolve()
    this.id = id
    this.editError = null
    this.resummarizing = false
    if (id === null) {
      this.seq++
      this.session = null
      this.contact = null
      this.phase = 'idle'
      return Promise.resolve()
    }
    return this.load(true)
  }

  /** Loads the open session again (after an edit, or when summaries come in). */
  reload(): Promise<void> {
    return this.id === null ? Promise.resolve() : this.load(false)
  }

  private async load(fresh: boolean): Promise<void> {
    const n = ++this.seq
    const id = this.id!
    if (fresh) {
      this.phase = 'loading'
      this.session = null
      this.contact = null
    }
    const before = this.session?.summary ?? null
    try {
      const s = await api.getSession(id)
      if (n !== this.seq) return
      this.session = { ...s, labels: s.labels ?? [], fields: s.fields ?? {}, messages: s.messages ?? [] }
      this.phase = 'ready'
      this.error = null
      if (fresh) api.logInfo(`sessions-ui: detail ${id}`)
      // The new summary has come when the text changed (or a failure was recorded).
      if (this.resummarizing && (s.summary !== before || s.summary_error)) this.resummarizing = false
      const [contact, status] = await Promise.all([
        s.contact?.id ? api.contactSessions({ id: s.contact.id, limit: RECENT + 1 }).catch(() => null) : null,
        this.summarizer ? null : api.summaryStatus().catch(() => null),
      ])
      if (n !== this.seq) return
      this.contact = contact
      if (status) this.summarizer = status.source
    } catch (e) {
      if (n !== this.seq) return
      this.error = api.toError(e)
      this.phase = 'error'
    }
  }

  /** The contact's other sessions, newest first, at most RECENT. */
  get recent(): SessionView[] {
    return (this.contact?.sessions ?? []).filter((s) => s.id !== this.id).slice(0, RECENT)
  }

  addLabel(name: string): Promise<boolean> {
    const n = name.trim()
    if (!n || this.session?.labels?.some((l) => l.name === n)) return Promise.resolve(false)
    return this.edit('label', (id) => api.addSessionLabel(id, n))
  }

  removeLabel(name: string): Promise<boolean> {
    return this.edit('label', (id) => api.removeSessionLabel(id, name))
  }

  setField(key: string, value: string): Promise<boolean> {
    if ((this.session?.fields?.[key] ?? '') === value.trim()) return Promise.resolve(true)
    return this.edit(`field:${key}`, (id) => api.setSessionField(id, key, value.trim()))
  }

  /** Asks for a new summary; it comes in the background (the summary progress event reloads). */
  async resummarize(): Promise<boolean> {
    const ok = await this.edit('summary', (id) => api.resummarize(id), false)
    if (ok) this.resummarizing = true
    return ok
  }

  private async edit(what: string, fn: (id: number) => Promise<void>, reload = true): Promise<boolean> {
    const id = this.id
    if (id === null) return false
    try {
      await fn(id)
      if (this.id !== id) return true
      this.editError = null
      if (reload) await this.load(false)
      this.changed(this.id === id ? this.session : null)
      return true
    } catch (e) {
      if (this.id === id) this.editError = { what, message: api.toError(e).message }
      return false
    }
  }
}
