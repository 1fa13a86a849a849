// The conversation view's state: a whole thread, loaded a page at a time in
// both directions from the session the user chose, as the rows the view
// draws (a divider at each session's start, then its messages). Pages are
// contiguous slices of the thread, so each row depends only on the message
// before it: a page is turned into rows on its own and only the row at the
// seam is redone. Messages seen twice (pages that overlap) are dropped, and
// answers to a thread the user has left are ignored. The view keeps its
// reading place itself: rows are keyed, and a prepend only adds keys before.

import * as api from '../api'
import type { ConversationView, SessionView, ThreadMessage } from '../contract.gen'

/** Messages per page: a screenful many times over, and cheap to turn into rows. */
export const THREAD_PAGE = 300

/** Which side of the thread a message is drawn on. */
export type Side = 'customer' | 'team' | 'system'

export interface MessageRow {
  type: 'message'
  key: string
  msg: ThreadMessage
  side: Side
  /** The message continues a run by the same author: no name above it. */
  grouped: boolean
  /** Its day differs from the message before it (no divider between): the time shows the date too. */
  newDay: boolean
  /** It belongs to the session the user chose. */
  chosen: boolean
}

export interface SessionRow {
  type: 'session'
  key: string
  session: SessionView
  /** It is the session the user chose. */
  chosen: boolean
}

/** The first row of a thread loaded to its beginning. */
export interface StartRow {
  type: 'start'
  key: 'start'
}

export type Row = MessageRow | SessionRow | StartRow

export type Phase = 'idle' | 'loading' | 'ready' | 'empty' | 'error'

/** The facts of the thread as a whole, from its latest page. */
export type ThreadFacts = Omit<ConversationView, 'messages' | 'sessions' | 'next_cursor' | 'prev_cursor'>

/** The row key of a session's divider. */
export function sessionKey(id: number): string {
  return `s${id}`
}

/** The side a role is drawn on: the customer on one, the business (agents and bots) on the other. */
export function sideOf(role: string): Side {
  if (role === 'customer') return 'customer'
  if (role === 'system') return 'system'
  return 'team'
}

function dayOf(iso: string): string {
  // RFC 3339 in the viewer's zone: the date part is the viewer's day.
  return iso.slice(0, 10)
}

/**
 * Turns a slice of the thread into rows. before is the message just ahead
 * of the slice (null when it is not loaded); atStart says the slice begins
 * the thread. A session's divider goes before its first message: known
 * from the message ahead, or, with none loaded, from the session's start.
 */
export function buildRows(
  msgs: ThreadMessage[],
  before: ThreadMessage | null,
  sessions: Map<number, SessionView>,
  chosen: number,
  atStart: boolean,
): Row[] {
  const rows: Row[] = []
  if (atStart) rows.push({ type: 'start', key: 'start' })
  let prev = before
  for (const m of msgs) {
    const sid = m.session_id
    let divider = false
    if (sid !== null && sid !== prev?.session_id) {
      const s = sessions.get(sid)
      divider = s !== undefined && (prev !== null || atStart || Date.parse(m.at) <= Date.parse(s.started_at))
      if (divider) rows.push({ type: 'session', key: sessionKey(sid), session: s!, chosen: sid === chosen })
    }
    const side = sideOf(m.role)
    rows.push({
      type: 'message',
      key: `m${m.id}`,
      msg: m,
      side,
      grouped:
        !divider &&
        prev !== null &&
        side !== 'system' &&
        prev.role === m.role &&
        (prev.author ?? '') === (m.author ?? '') &&
        prev.session_id === m.session_id,
      // A divider above shows the day already.
      newDay: !divider && prev !== null && dayOf(prev.at) !== dayOf(m.at),
      chosen: sid !== null && sid === chosen,
    })
    prev = m
  }
  return rows
}

export class ConversationStore {
  /** The rows on screen, oldest first. */
  rows = $state.raw<Row[]>([])
  facts = $state.raw<ThreadFacts | null>(null)
  phase = $state<Phase>('idle')
  /** Why the first page failed. */
  error = $state<Error | null>(null)
  /** Where the thread goes on before the first and after the last row; null at its ends. */
  prevCursor = $state<string | null>(null)
  nextCursor = $state<string | null>(null)
  loadingBefore = $state(false)
  loadingAfter = $state(false)
  /** Why the last page before or after failed; cleared by the next try. */
  errorBefore = $state<Error | null>(null)
  errorAfter = $state<Error | null>(null)
  /** The conversation and session shown. */
  conversation = $state(0)
  session = $state(0)

  /** The row the view opens at: the chosen session's divider, else the first row. */
  get targetKey(): string | null {
    if (this.rows.length === 0) return null
    const key = sessionKey(this.session)
    return this.rows.some((r) => r.key === key) ? key : this.rows[0].key
  }

  private sessions = new Map<number, SessionView>()
  private seen = new Set<number>()
  private first: ThreadMessage | null = null
  private last: ThreadMessage | null = null
  private generation = 0

  constructor(private readonly pageSize = THREAD_PAGE) {}

  /** The index of the row with this key, -1 when none. */
  indexOf(key: string): number {
    return this.rows.findIndex((r) => r.key === key)
  }

  /** Shows a thread from a session's first message (0: from the thread's start); the same again keeps it. */
  open(conversation: number, session = 0): Promise<void> {
    if (conversation === this.conversation && session === this.session && this.phase !== 'error' && this.phase !== 'idle') {
      return Promise.resolve()
    }
    const gen = ++this.generation
    this.conversation = conversation
    this.session = session
    this.rows = []
    this.facts = null
    this.sessions = new Map()
    this.seen = new Set()
    this.first = this.last = null
    this.prevCursor = this.nextCursor = null
    this.loadingBefore = this.loadingAfter = false
    this.errorBefore = this.errorAfter = null
    this.error = null
    this.phase = 'loading'
    return this.fetchFirst(gen)
  }

  /** Loads the first page again after it failed. */
  retry(): Promise<void> {
    this.phase = 'idle'
    return this.open(this.conversation, this.session)
  }

  /** Prepends the page before the first row; nothing at the thread's start or while one is on its way. */
  async loadBefore(): Promise<void> {
    const cursor = this.prevCursor
    if (cursor === null || this.loadingBefore || this.phase !== 'ready') return
    const gen = this.generation
    this.loadingBefore = true
    this.errorBefore = null
    try {
      const page = await api.getConversation({ id: this.conversation, before: cursor, limit: this.pageSize })
      if (gen !== this.generation) return
      this.absorb(page)
      const msgs = this.fresh(page.messages ?? [])
      this.prevCursor = page.prev_cursor
      const atStart = page.prev_cursor === null
      if (msgs.length === 0 && !atStart) return
      const head = buildRows(msgs, null, this.sessions, this.session, atStart)
      // The seam: the old first message (and its divider) is redone now
      // that a message is loaded before it.
      const j = this.rows.findIndex((r) => r.type === 'message')
      const seam = msgs.length && this.first ? buildRows([this.first], msgs[msgs.length - 1], this.sessions, this.session, false) : this.rows.slice(0, j + 1)
      if (msgs.length) this.first = msgs[0]
      this.rows = head.concat(seam, this.rows.slice(j + 1))
    } catch (err) {
      if (gen === this.generation) this.errorBefore = api.toError(err)
    } finally {
      if (gen === this.generation) this.loadingBefore = false
    }
  }

  /** Appends the page after the last row; nothing at the thread's end or while one is on its way. */
  async loadAfter(): Promise<void> {
    const cursor = this.nextCursor
    if (cursor === null || this.loadingAfter || this.phase !== 'ready') return
    const gen = this.generation
    this.loadingAfter = true
    this.errorAfter = null
    try {
      const page = await api.getConversation({ id: this.conversation, after: cursor, limit: this.pageSize })
      if (gen !== this.generation) return
      this.absorb(page)
      const msgs = this.fresh(page.messages ?? [])
      this.nextCursor = page.next_cursor
      if (msgs.length === 0) return
      this.rows = this.rows.concat(buildRows(msgs, this.last, this.sessions, this.session, false))
      this.last = msgs[msgs.length - 1]
    } catch (err) {
      if (gen === this.generation) this.errorAfter = api.toError(err)
    } finally {
      if (gen === this.generation) this.loadingAfter = false
    }
  }

  /** Drops answers still on their way. */
  destroy(): void {
    this.generation++
  }

  private async fetchFirst(gen: number): Promise<void> {
    try {
      const page = await api.getConversation({ id: this.conversation, session_id: this.session, limit: this.pageSize })
      if (gen !== this.generation) return
      this.absorb(page)
      const msgs = this.fresh(page.messages ?? [])
      this.prevCursor = page.prev_cursor
      this.nextCursor = page.next_cursor
      this.first = msgs[0] ?? null
      this.last = msgs.at(-1) ?? null
      this.rows = buildRows(msgs, null, this.sessions, this.session, page.prev_cursor === null && msgs.length > 0)
      this.phase = msgs.length ? 'ready' : 'empty'
    } catch (err) {
      if (gen !== this.generation) return
      this.error = api.toError(err)
      this.phase = 'error'
    }
  }

  /** Takes the thread's facts and sessions from a page. */
  private absorb(page: ConversationView): void {
    const { messages: _m, sessions, next_cursor: _n, prev_cursor: _p, ...facts } = page
    this.facts = facts
    for (const s of sessions ?? []) this.sessions.set(s.id, s)
  }

  /** The messages of a page not on screen yet, marked as seen. */
  private fresh(msgs: ThreadMessage[]): ThreadMessage[] {
    const out = msgs.filter((m) => !this.seen.has(m.id))
    for (const m of out) this.seen.add(m.id)
    return out
  }
}
