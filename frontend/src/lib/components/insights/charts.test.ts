// The charts as data: the option each draws, its table and CSV, and the
// timeline a click on a bar opens, from a hand-made view.

import { describe, expect, it } from 'vitest'
import { NO_FILTERS } from '../../stores/filters.svelte'
import { sampleInsights } from '../../testdata/insights'
import {
  bucketEnd,
  bucketTitle,
  chartOptions,
  clickFilters,
  csvOf,
  DARK,
  durationStep,
  hasData,
  LIGHT,
  plain,
  summaryOf,
  tableOf,
  type ChartKind,
} from './charts'

type Series = { name: string; type: string; stack?: string; data: unknown[]; itemStyle?: { color?: string } }
const series = (kind: ChartKind, p = LIGHT) => chartOptions(sampleInsights(), kind, p, 'en-GB').series as Series[]

describe('bucket days', () => {
  it.each([
    ['2024-03-04', 'day', '2024-03-04'],
    ['2024-03-04', 'week', '2024-03-10'],
    ['2024-02-01', 'month', '2024-02-29'],
    ['2023-12-01', 'month', '2023-12-31'],
    ['2024-03-25', 'week', '2024-03-31'],
  ] as const)('%s as a %s ends on %s', (start, period, end) => {
    expect(bucketEnd(start, period)).toBe(end)
  })

  it('reads a week and a month as people say them', () => {
    expect(bucketTitle('2024-03-04', 'week', 'en-GB')).toBe('Week of 4 Mar 2024')
    expect(bucketTitle('2024-03-01', 'month', 'en-GB')).toBe('March 2024')
    expect(bucketTitle('2024-03-31', 'day', 'en-GB')).toBe('31 Mar 2024')
  })
})

describe('durationStep', () => {
  it.each([
    [40, 10],
    [1000, 300],
    [3600, 600],
    [20000, 3600],
    [10 * 86400, 2 * 86400],
  ])('ticks times up to %i s every %i s', (max, step) => expect(durationStep(max)).toBe(step))
})

describe('chartOptions', () => {
  it('stacks sessions by channel, the channels with sessions only, most first (a tie by id)', () => {
    const s = series('sessions')
    expect(s.map((x) => [x.name, x.stack, x.data])).toEqual([
      ['Web Chat', 'sessions', [1, 1]],
      ['WhatsApp', 'sessions', [2, 0]],
    ])
  })

  it('colours channels differently in light and dark', () => {
    const light = series('sessions', LIGHT).map((x) => x.itemStyle?.color)
    const dark = series('sessions', DARK).map((x) => x.itemStyle?.color)
    expect(new Set(light).size).toBe(2)
    expect(light).not.toEqual(dark)
    const axis = chartOptions(sampleInsights(), 'sessions', DARK).yAxis as { axisLabel: { color: string } }
    expect(axis.axisLabel.color).toBe(DARK.muted)
  })

  it('keeps bot first responses a series of their own, a week without human replies a gap', () => {
    const s = series('first_response')
    expect(s.map((x) => x.name)).toEqual(['People, median', 'People, p90', 'Bot, median', 'Bot, p90'])
    expect(s[0].data).toEqual([300, null])
    expect(s[2].data).toEqual([5, 4])
  })

  it('draws sentiment, the AI agent and duration per bucket', () => {
    expect(series('sentiment').map((x) => x.data)).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
    ])
    const ai = series('ai')
    expect(ai.map((x) => [x.name, x.data])).toEqual([
      ['Bot only', [0, 1]],
      ['Handed off', [1, 0]],
      ['Bot-only share', [0, 100]],
    ])
    expect(series('duration').map((x) => x.data)).toEqual([
      [600, 120],
      [3600, 120],
    ])
  })

  it('leaves a bucket without ended sessions out of the duration lines (a gap, not 0 s)', () => {
    const v = sampleInsights()
    v.duration.per_bucket = [...(v.duration.per_bucket ?? []), { start: '2024-03-18', median_s: 0, p90_s: 0, count: 0 }]
    const s = chartOptions(v, 'duration', LIGHT).series as { data: (number | null)[] }[]
    expect(s.map((x) => x.data)).toEqual([
      [600, 120, null],
      [3600, 120, null],
    ])
  })

  it('gives labels their own colours, the largest on top', () => {
    const [bars] = series('labels')
    expect(bars.data).toEqual([
      { value: 1, itemStyle: { color: '#30a46c' } },
      { value: 3, itemStyle: { color: '#e5484d' } },
    ])
  })

  it('lays the week out Monday first in a weekday × hour heatmap', () => {
    const [h] = series('busiest')
    expect(h.type).toBe('heatmap')
    expect(h.data).toHaveLength(7 * 24)
    expect(h.data).toContainEqual([9, 0, 3])
    expect(h.data).toContainEqual([23, 6, 1])
    const vm = chartOptions(sampleInsights(), 'busiest', LIGHT).visualMap as { max: number }
    expect(vm.max).toBe(3)
  })

  it('draws every tooltip on the canvas as plain text, markup in a label name kept as text', () => {
    const kinds: ChartKind[] = ['sessions', 'duration', 'first_response', 'sentiment', 'ai', 'labels', 'topics', 'busiest']
    for (const k of kinds) {
      const t = chartOptions(sampleInsights(), k, LIGHT).tooltip as { renderMode: string }
      expect(t.renderMode, k).toBe('richText')
    }
    const t = chartOptions(sampleInsights(), 'labels', LIGHT).tooltip as { formatter: (p: unknown) => string }
    expect(t.formatter([{ dataIndex: 0, seriesName: 'Sessions', value: 1 }])).toBe('<b>(x|vip)</b>: 1')
    expect(plain('{a|b}')).toBe('(a|b)')
    const axis = chartOptions(sampleInsights(), 'labels', LIGHT).yAxis as { data: string[] }
    expect(axis.data).toEqual(['<b>(x|vip)</b>', 'billing'])
  })

  it('hides top topics when no summary carries them', () => {
    expect(hasData(sampleInsights(), 'topics')).toBe(false)
    expect(hasData(sampleInsights({ top_topics: [{ topic: 'refund', count: 2 }] }), 'topics')).toBe(true)
    expect(hasData(sampleInsights(), 'labels')).toBe(true)
  })
})

describe('tables and CSV', () => {
  it('has the numbers of each chart', () => {
    const t = tableOf(sampleInsights(), 'sessions', 'en-GB')
    expect(t.columns).toEqual(['Period', 'Web Chat', 'WhatsApp', 'Total'])
    expect(t.rows).toEqual([
      ['Week of 4 Mar 2024', 1, 2, 3],
      ['Week of 11 Mar 2024', 1, 0, 1],
    ])
    expect(tableOf(sampleInsights(), 'busiest').rows[0].slice(0, 11)).toEqual(['Mon', 0, 0, 0, 0, 0, 0, 0, 0, 0, 3])
    expect(tableOf(sampleInsights(), 'first_response', 'en-GB').rows[1]).toEqual(['Week of 11 Mar 2024', 0, 0, 0, 4, 4, 1])
  })

  it('quotes as RFC 4180 says and guards formula-looking cells', () => {
    const csv = csvOf({ columns: ['Label', 'Sessions'], rows: [['a, "b"', 1], ['=HYPERLINK("x")', 2], ['-1', 3], ['ok', -4]] })
    expect(csv).toBe('Label,Sessions\r\n"a, ""b""",1\r\n"\'=HYPERLINK(""x"")",2\r\n\'-1,3\r\nok,-4\r\n')
  })

  it('says the key figures in words', () => {
    expect(summaryOf(sampleInsights(), 'duration')).toBe('Median 10 min · 90th percentile 1 h')
    expect(summaryOf(sampleInsights(), 'first_response')).toBe('People: median 5 min, p90 15 min · Bot: median 5 s, p90 8 s')
    expect(summaryOf(sampleInsights(), 'ai')).toContain('wait after handoff: median 4 min, p90 4 min')
  })
})

describe('clickFilters', () => {
  const f = { ...NO_FILTERS, q: 'refund', channels: ['whatsapp', 'webchat'] }

  it('opens a channel segment of a bar as that week on that channel, the other filters kept', () => {
    expect(clickFilters(sampleInsights(), 'sessions', { dataIndex: 0, seriesName: 'Web Chat' }, f)).toEqual({
      ...f,
      from: '2024-03-04',
      to: '2024-03-10',
      channels: ['webchat'],
    })
  })

  it('keeps the bucket inside the page filter days', () => {
    const g = { ...NO_FILTERS, from: '2024-03-06', to: '2024-03-12' }
    expect(clickFilters(sampleInsights(), 'sessions', { dataIndex: 1, seriesName: 'Other' }, g)).toMatchObject({
      from: '2024-03-11',
      to: '2024-03-12',
      channels: [],
    })
  })

  it('opens a sentiment segment with that sentiment, a label bar with that label', () => {
    expect(clickFilters(sampleInsights(), 'sentiment', { dataIndex: 0, seriesName: 'Negative' }, NO_FILTERS)).toMatchObject({
      from: '2024-03-04',
      to: '2024-03-10',
      sentiment: 'negative',
    })
    expect(clickFilters(sampleInsights(), 'labels', { dataIndex: 1 }, NO_FILTERS)).toMatchObject({ labels: ['billing'] })
  })

  it('means nothing on the heatmap, the share line or past the data', () => {
    expect(clickFilters(sampleInsights(), 'busiest', { dataIndex: 3 }, f)).toBeNull()
    expect(clickFilters(sampleInsights(), 'ai', { dataIndex: 0, seriesName: 'Bot-only share' }, f)).toBeNull()
    expect(clickFilters(sampleInsights(), 'sessions', { dataIndex: 9 }, f)).toBeNull()
  })
})
