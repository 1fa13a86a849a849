// A session with its messages and a contact with their sessions, as
// GetSession and ContactSessions answer them, for the detail's specs.

import type { ContactDetail, MessageView, SessionDetail } from '../contract.gen'
import { session } from './data'

export function message(role: string, body = 'hello', at = '2024-03-12T14:05:00+01:00'): MessageView {
  return { at, author: role === 'customer' ? 'Alice Smith' : role, role, kind: 'text', body, attachments: [] }
}

export function detailOf(over: Partial<SessionDetail> = {}): SessionDetail {
  return {
    ...session({
      id: 1,
      summary: 'Asked when the parcel arrives; told Friday.',
      summary_source: 'builtin',
      sentiment: 'positive',
      labels: [{ name: 'billing', color: '#e5484d' }],
      fields: { tier: 'gold' },
      handoff: { bot: 'Ava', agent: 'Maria', at: '2024-03-12T14:20:00+01:00', wait_s: 480, bot_only: false },
    }),
    notice_count: 1,
    messages: [
      message('customer'),
      message('bot'),
      message('customer'),
      message('agent'),
      message('system', 'Messages are end-to-end encrypted'),
      message('agent'),
      message('customer'),
    ],
    ...over,
  }
}

export function contactOf(over: Partial<ContactDetail> = {}): ContactDetail {
  return {
    id: 7,
    name: 'Alice Smith',
    email: 'alice@example.com',
    phone: '+49 30 1234567',
    channels: ['whatsapp', 'webchat'],
    total: 3,
    sessions: [
      session({ id: 1, summary: 'this one' }),
      session({ id: 8, summary: 'Wanted a refund for a broken pot.', started_at: '2024-02-01T09:00:00+01:00' }),
      session({ id: 5, summary: null, channel: 'webchat', started_at: '2024-01-05T09:00:00+01:00' }),
    ],
    next_cursor: null,
    ...over,
  }
}
