// A generated thread and a stand-in for ConversationsService.GetConversation
// over it, paging as backend/conversations does: a page from a session's
// first message, before a prev_cursor or after a next_cursor (cursors are
// positions as text here), null cursors at the thread's ends.

import type { ConversationRequest, ConversationView, SessionView, ThreadMessage } from '../contract.gen'

export interface Thread {
  messages: ThreadMessage[]
  sessions: SessionView[]
}

const HOUR = 3600_000

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * A thread of `sessions` sessions of `perSession` messages each, a day
 * apart, with a system notice between two sessions (in none of them).
 * Roles go customer, agent, agent, bot; every 7th message is a photo,
 * every 11th deleted, every 13th edited.
 */
export function thread(sessions: number, perSession: number): Thread {
  const base = Date.UTC(2024, 2, 1, 9, 0, 0)
  const messages: ThreadMessage[] = []
  const views: SessionView[] = []
  let id = 1
  for (let s = 0; s < sessions; s++) {
    const sid = 100 + s
    const start = base + s * 24 * HOUR
    if (s > 0) {
      messages.push(msg(id++, start - HOUR, null, 'system', 'system', null, 'Messages and calls are end-to-end encrypted.'))
    }
    for (let i = 0; i < perSession; i++) {
      const n = id++
      const role = ['customer', 'agent', 'agent', 'bot'][i % 4]
      const author = role === 'customer' ? 'Alice Example' : role === 'agent' ? 'Tom Agent' : 'Shop Bot'
      let kind = 'text'
      let body = `message ${n} of session ${sid}`
      const attachments: string[] = []
      if (n % 7 === 0) {
        kind = 'media'
        body = ''
        attachments.push(`IMG-${n}.jpg`)
      } else if (n % 11 === 0) {
        kind = 'deleted'
        body = 'This message was deleted'
      }
      const m = msg(n, start + i * 60_000, sid, role, kind, author, body, attachments)
      m.edited = kind === 'text' && n % 13 === 0
      messages.push(m)
    }
    const end = start + (perSession - 1) * 60_000
    views.push(session(sid, start, end, perSession))
  }
  return { messages, sessions: views }
}

function msg(
  id: number,
  at: number,
  sid: number | null,
  role: string,
  kind: string,
  author: string | null,
  body: string,
  attachments: string[] = [],
): ThreadMessage {
  return { id, session_id: sid, edited: false, at: iso(at), author, role, kind, body, attachments }
}

function session(id: number, start: number, end: number, count: number): SessionView {
  return {
    id,
    conversation_id: 7,
    contact: { id: 3, name: 'Alice Example', email: null },
    channel: 'whatsapp',
    status: 'completed',
    started_at: iso(start),
    ended_at: iso(end),
    duration_s: (end - start) / 1000,
    message_count: count,
    summary: null,
    summary_source: null,
    summary_error: null,
    sentiment: null,
    labels: [],
    fields: {},
    handoff: { bot: 'Shop Bot', agent: 'Tom Agent', at: null, wait_s: null, bot_only: false },
  } as SessionView
}

export interface ServeOptions {
  /** Each page also repeats this many messages of the page next to it, as overlapping pages would. */
  overlap?: number
}

/** GetConversation over a thread; requests are kept for the spec to read. */
export function serveThread(t: Thread, opts: ServeOptions = {}) {
  const requests: Partial<ConversationRequest>[] = []
  const overlap = opts.overlap ?? 0
  const get = async (req: Partial<ConversationRequest>): Promise<ConversationView> => {
    requests.push(req)
    const limit = req.limit || 500
    const n = t.messages.length
    let from: number
    let to: number
    if (req.before) {
      to = Number(req.before)
      from = Math.max(0, to - limit)
      to = Math.min(n, to + overlap)
    } else if (req.after) {
      from = Number(req.after) + 1
      to = Math.min(n, from + limit)
      from = Math.max(0, from - overlap)
    } else {
      from = req.session_id ? t.messages.findIndex((m) => m.session_id === req.session_id) : 0
      if (from < 0) throw new Error(`session ${req.session_id} is not in conversation ${req.id}: not found`)
      to = Math.min(n, from + limit)
    }
    const messages = t.messages.slice(from, to)
    const ids = new Set(messages.map((m) => m.session_id))
    return {
      id: req.id ?? 0,
      channel: 'whatsapp',
      title: 'Alice Example',
      contact: { id: 3, name: 'Alice Example', email: null },
      message_count: t.messages.filter((m) => m.role !== 'system').length,
      session_count: t.sessions.length,
      sessions: t.sessions.filter((s) => ids.has(s.id)),
      messages,
      prev_cursor: from > 0 ? String(from) : null,
      next_cursor: to < n ? String(to - 1) : null,
    }
  }
  return { get, requests }
}
