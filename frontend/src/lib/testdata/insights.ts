// A small InsightsView by hand: two weeks, two channels, one label whose
// name looks like markup, bot and human first responses apart.

import type { InsightsView } from '../api'

export function sampleInsights(over: Partial<InsightsView> = {}): InsightsView {
  const busiest = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0))
  busiest[0][9] = 3
  busiest[6][23] = 1
  return {
    total: 4,
    period: 'week',
    zone: 'Europe/Berlin',
    sessions_per_bucket: [
      { start: '2024-03-04', end: '2024-03-10', by_channel: { whatsapp: 2, webchat: 1, instagram: 0 }, total: 3 },
      { start: '2024-03-11', end: '2024-03-17', by_channel: { whatsapp: 0, webchat: 1, instagram: 0 }, total: 1 },
    ],
    duration: {
      median_s: 600,
      p90_s: 3600,
      count: 3,
      per_bucket: [
        { start: '2024-03-04', median_s: 600, p90_s: 3600, count: 2 },
        { start: '2024-03-11', median_s: 120, p90_s: 120, count: 1 },
      ],
    },
    first_response: {
      human: { median_s: 300, p90_s: 900, count: 2 },
      bot: { median_s: 5, p90_s: 8, count: 2 },
      per_bucket: [
        { start: '2024-03-04', human: { median_s: 300, p90_s: 900, count: 2 }, bot: { median_s: 5, p90_s: 8, count: 1 } },
        { start: '2024-03-11', human: { median_s: 0, p90_s: 0, count: 0 }, bot: { median_s: 4, p90_s: 4, count: 1 } },
      ],
    },
    sentiment: [
      { start: '2024-03-04', positive: 1, neutral: 1, negative: 1, none: 0 },
      { start: '2024-03-11', positive: 0, neutral: 0, negative: 0, none: 1 },
    ],
    top_labels: [
      { name: 'billing', color: '#e5484d', count: 3 },
      { name: '<b>{x|vip}</b>', color: '#30a46c', count: 1 },
    ],
    top_topics: [],
    ai: {
      bot_only: 1,
      handed_off: 1,
      no_bot: 2,
      per_bucket: [
        { start: '2024-03-04', bot_only: 0, handed_off: 1, no_bot: 2, share: 0 },
        { start: '2024-03-11', bot_only: 1, handed_off: 0, no_bot: 0, share: 1 },
      ],
      wait_after_handoff: { median_s: 240, p90_s: 240, count: 1 },
    },
    busiest,
    ...over,
  }
}
