// Test data shared by the view and timeline tests.
import type { SessionView } from './api'

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
