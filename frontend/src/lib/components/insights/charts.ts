// The insights charts as data: for each chart the ECharts option drawn
// from an InsightsView, the same numbers as a table (the "Table" toggle and
// the chart's CSV), and the timeline a click on a bar opens. Pure functions
// of the view and the theme's colours, so they are tested without a canvas.
//
// No text from the library reaches HTML here: every tooltip is drawn on the
// canvas (renderMode richText) from plain strings, and label names are kept
// out of ECharts' rich-text markup ({style|text}) by swapping braces.

import type { InsightsView } from '../../api'
import { channelName, formatDuration } from '../../format'
import type { Filters } from '../../stores/filters.svelte'

export type Period = 'day' | 'week' | 'month'
export const PERIODS: readonly Period[] = ['day', 'week', 'month']

/** The charts of the page, in its order. */
export const CHARTS = ['sessions', 'duration', 'first_response', 'sentiment', 'ai', 'labels', 'topics', 'busiest'] as const
export type ChartKind = (typeof CHARTS)[number]

export const CHART_TITLES: Record<ChartKind, string> = {
  sessions: 'Sessions by channel',
  duration: 'Session duration',
  first_response: 'First response time',
  sentiment: 'Sentiment over time',
  ai: 'AI agent',
  labels: 'Top labels',
  topics: 'Top topics',
  busiest: 'Busiest hours',
}

/** The colours a chart needs, read from the theme's stylesheet. */
export interface Palette {
  dark: boolean
  text: string
  muted: string
  line: string
  surface: string
}

export const LIGHT: Palette = { dark: false, text: '#1c2330', muted: '#667085', line: '#e6e8ec', surface: '#ffffff' }
export const DARK: Palette = { dark: true, text: '#e6e8ee', muted: '#8f97a8', line: '#2a2f3a', surface: '#191c23' }

const CHANNEL_COLORS: Record<string, [string, string]> = {
  whatsapp: ['#1f9d5c', '#3cc784'],
  instagram: ['#c2366b', '#ec6a9c'],
  facebook: ['#2f6fed', '#6b9cf8'],
  webchat: ['#7c4ddb', '#a888f0'],
}
const OTHER: [string, string] = ['#8a93a3', '#7c8596']

export function channelColor(channel: string, p: Palette): string {
  return (CHANNEL_COLORS[channel] ?? OTHER)[p.dark ? 1 : 0]
}

const SENTIMENTS = [
  ['positive', 'Positive', ['#2f9e67', '#4cc788']],
  ['neutral', 'Neutral', ['#7d8aa3', '#8f9bb3']],
  ['negative', 'Negative', ['#d0463b', '#f0736a']],
  ['none', 'No sentiment yet', ['#cfd4dc', '#3a4150']],
] as const

/** The weekday names of the heatmap's rows, Monday first as the view counts them. */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** Plain text for a canvas tooltip: rich-text markup ({a|b}) cannot be smuggled in by a label's name. */
export function plain(s: string): string {
  return s.replace(/[{]/g, '(').replace(/[}]/g, ')')
}

function utc(day: string): Date {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d))
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10)
}

/** The last day of the bucket starting at start. */
export function bucketEnd(start: string, period: Period): string {
  const d = utc(start)
  if (period === 'week') d.setUTCDate(d.getUTCDate() + 6)
  else if (period === 'month') d.setUTCMonth(d.getUTCMonth() + 1, 0)
  return iso(d)
}

/** How a bucket reads on an axis: "12 Mar", "12 Mar" (its Monday), "Mar 2024". */
export function bucketLabel(start: string, period: Period, locale?: string): string {
  const d = utc(start)
  if (period === 'month') return d.toLocaleDateString(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' })
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' })
}

/** A bucket in a tooltip or table: "12 Mar 2024", "Week of 11 Mar 2024", "March 2024". */
export function bucketTitle(start: string, period: Period, locale?: string): string {
  const d = utc(start)
  if (period === 'month') return d.toLocaleDateString(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  const day = d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
  return period === 'week' ? `Week of ${day}` : day
}

function periodOf(v: InsightsView): Period {
  return v.period === 'week' || v.period === 'month' ? v.period : 'day'
}

/** The channels that have sessions, most first. */
export function channelsOf(v: InsightsView): string[] {
  const sums = new Map<string, number>()
  for (const b of v.sessions_per_bucket ?? []) for (const [c, n] of Object.entries(b.by_channel ?? {})) sums.set(c, (sums.get(c) ?? 0) + n)
  return [...sums].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c)
}

/** Whether a chart has anything to show (top topics hide when summaries carry none). */
export function hasData(v: InsightsView, kind: ChartKind): boolean {
  switch (kind) {
    case 'labels':
      return (v.top_labels ?? []).length > 0
    case 'topics':
      return (v.top_topics ?? []).length > 0
    default:
      return v.total > 0
  }
}

/** A chart's numbers: a header and rows, for the table and the CSV. */
export interface Table {
  columns: string[]
  rows: (string | number)[][]
}

const secs = (n: number) => Math.round(n)

export function tableOf(v: InsightsView, kind: ChartKind, locale?: string): Table {
  const period = periodOf(v)
  const when = (start: string) => bucketTitle(start, period, locale)
  switch (kind) {
    case 'sessions': {
      const chans = channelsOf(v)
      return {
        columns: ['Period', ...chans.map(channelName), 'Total'],
        rows: (v.sessions_per_bucket ?? []).map((b) => [when(b.start), ...chans.map((c) => b.by_channel?.[c] ?? 0), b.total]),
      }
    }
    case 'duration':
      return {
        columns: ['Period', 'Median (s)', '90th percentile (s)', 'Sessions'],
        rows: (v.duration.per_bucket ?? []).map((b) => [when(b.start), secs(b.median_s), secs(b.p90_s), b.count]),
      }
    case 'first_response':
      return {
        columns: ['Period', 'Human median (s)', 'Human p90 (s)', 'Human replies', 'Bot median (s)', 'Bot p90 (s)', 'Bot replies'],
        rows: (v.first_response.per_bucket ?? []).map((b) => [
          when(b.start),
          secs(b.human.median_s),
          secs(b.human.p90_s),
          b.human.count,
          secs(b.bot.median_s),
          secs(b.bot.p90_s),
          b.bot.count,
        ]),
      }
    case 'sentiment':
      return {
        columns: ['Period', ...SENTIMENTS.map(([, name]) => name)],
        rows: (v.sentiment ?? []).map((b) => [when(b.start), b.positive, b.neutral, b.negative, b.none]),
      }
    case 'ai':
      return {
        columns: ['Period', 'Bot only', 'Handed off', 'No bot', 'Bot-only share (%)'],
        rows: (v.ai.per_bucket ?? []).map((b) => [when(b.start), b.bot_only, b.handed_off, b.no_bot, Math.round(b.share * 100)]),
      }
    case 'labels':
      return { columns: ['Label', 'Sessions'], rows: (v.top_labels ?? []).map((l) => [l.name, l.count]) }
    case 'topics':
      return { columns: ['Topic', 'Sessions'], rows: (v.top_topics ?? []).map((t) => [t.topic, t.count]) }
    case 'busiest':
      return {
        columns: ['Weekday', ...Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)],
        rows: WEEKDAYS.map((d, i) => [d, ...(v.busiest[i] ?? [])]),
      }
  }
}

/** RFC 4180 CSV of a table, with the guard for cells a spreadsheet would run as a formula. */
export function csvOf(t: Table): string {
  const cell = (c: string | number) => {
    let s = String(c)
    if (typeof c === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** The key figures under a chart's title, as text. */
export function summaryOf(v: InsightsView, kind: ChartKind): string {
  switch (kind) {
    case 'sessions':
      return `${v.total.toLocaleString()} ${v.total === 1 ? 'session' : 'sessions'}`
    case 'duration':
      return v.duration.count > 0
        ? `Median ${formatDuration(v.duration.median_s)} · 90th percentile ${formatDuration(v.duration.p90_s)}`
        : 'No ended sessions'
    case 'first_response': {
      const h = v.first_response.human
      const b = v.first_response.bot
      const part = (name: string, s: { median_s: number; p90_s: number; count: number }) =>
        s.count > 0 ? `${name}: median ${formatDuration(s.median_s)}, p90 ${formatDuration(s.p90_s)}` : `${name}: no replies`
      return `${part('People', h)} · ${part('Bot', b)}`
    }
    case 'ai': {
      const w = v.ai.wait_after_handoff
      const wait = w.count > 0 ? ` · wait after handoff: median ${formatDuration(w.median_s)}, p90 ${formatDuration(w.p90_s)}` : ''
      return `Bot only ${v.ai.bot_only} · handed off ${v.ai.handed_off} · no bot ${v.ai.no_bot}${wait}`
    }
    default:
      return ''
  }
}

type Option = Record<string, unknown>

function base(p: Palette): Option {
  return {
    backgroundColor: 'transparent',
    textStyle: { color: p.text, fontFamily: 'inherit' },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, type: 'scroll', textStyle: { color: p.muted }, pageTextStyle: { color: p.muted } },
    animation: false,
  }
}

function tooltip(p: Palette, formatter: (params: unknown) => string, trigger: 'axis' | 'item' = 'axis'): Option {
  return {
    trigger,
    renderMode: 'richText',
    confine: true,
    backgroundColor: p.surface,
    borderColor: p.line,
    textStyle: { color: p.text },
    axisPointer: { type: 'shadow' },
    formatter,
  }
}

interface AxisParam {
  dataIndex: number
  seriesName: string
  value: unknown
}

function axisRows(params: unknown): AxisParam[] {
  return (Array.isArray(params) ? params : [params]) as AxisParam[]
}

function categoryAxis(labels: string[], p: Palette): Option {
  return {
    type: 'category',
    data: labels,
    axisLabel: { color: p.muted, hideOverlap: true },
    axisLine: { lineStyle: { color: p.line } },
    axisTick: { show: false },
  }
}

function valueAxis(p: Palette, extra: Option = {}): Option {
  return {
    type: 'value',
    axisLabel: { color: p.muted },
    splitLine: { lineStyle: { color: p.line } },
    minInterval: 1,
    ...extra,
  }
}

/** A tick step for times up to max seconds that reads as a round time (1 min, 5 min, 1 h…), about five ticks. */
export function durationStep(max: number): number {
  const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
  for (const s of steps) if (max / s <= 6) return s
  return Math.ceil(max / 6 / 86400) * 86400
}

const durationAxis = (p: Palette, values: (number | null)[]) => {
  const max = Math.max(1, ...values.map((n) => n ?? 0))
  return valueAxis(p, { minInterval: 0, interval: durationStep(max), axisLabel: { color: p.muted, formatter: (n: number) => formatDuration(n) } })
}

/** The ECharts option of one chart. */
export function chartOptions(v: InsightsView, kind: ChartKind, p: Palette, locale?: string): Option {
  const period = periodOf(v)
  const label = (s: string) => bucketLabel(s, period, locale)
  const title = (s: string) => bucketTitle(s, period, locale)
  switch (kind) {
    case 'sessions': {
      const buckets = v.sessions_per_bucket ?? []
      const chans = channelsOf(v)
      return {
        ...base(p),
        tooltip: tooltip(p, (ps) => {
          const rows = axisRows(ps)
          const b = buckets[rows[0]?.dataIndex ?? 0]
          return [title(b?.start ?? ''), ...rows.filter((r) => Number(r.value) > 0).map((r) => `${plain(r.seriesName)}: ${r.value}`), `Total: ${b?.total ?? 0}`].join('\n')
        }),
        xAxis: categoryAxis(buckets.map((b) => label(b.start)), p),
        yAxis: valueAxis(p),
        series: chans.map((c) => ({
          type: 'bar',
          name: channelName(c),
          stack: 'sessions',
          cursor: 'pointer',
          itemStyle: { color: channelColor(c, p) },
          emphasis: { focus: 'series' },
          data: buckets.map((b) => b.by_channel?.[c] ?? 0),
        })),
      }
    }
    case 'duration': {
      const buckets = v.duration.per_bucket ?? []
      // A bucket without ended sessions has no point (a gap), not a zero duration.
      const pick = (n: number, c: number) => (c > 0 ? n : null)
      const line = (name: string, color: string, data: (number | null)[]) => ({ type: 'line', name, data, connectNulls: false, showSymbol: buckets.length < 40, itemStyle: { color }, lineStyle: { color, width: 2 } })
      return {
        ...base(p),
        tooltip: tooltip(p, (ps) => {
          const rows = axisRows(ps)
          return [title(buckets[rows[0]?.dataIndex ?? 0]?.start ?? ''), ...rows.filter((r) => r.value != null).map((r) => `${r.seriesName}: ${formatDuration(Number(r.value))}`)].join('\n')
        }),
        xAxis: categoryAxis(buckets.map((b) => label(b.start)), p),
        yAxis: durationAxis(p, buckets.map((b) => b.p90_s)),
        series: [
          line('Median', p.dark ? '#6b9cf8' : '#2f6fed', buckets.map((b) => pick(b.median_s, b.count))),
          line('90th percentile', p.dark ? '#f0a85a' : '#c46a12', buckets.map((b) => pick(b.p90_s, b.count))),
        ],
      }
    }
    case 'first_response': {
      const buckets = v.first_response.per_bucket ?? []
      const human = p.dark ? '#6b9cf8' : '#2f6fed'
      const bot = p.dark ? '#a888f0' : '#7c4ddb'
      // A bucket without replies of a side has no point (a gap), not a zero wait.
      const pick = (n: number, c: number) => (c > 0 ? n : null)
      const line = (name: string, color: string, dashed: boolean, data: (number | null)[]) => ({
        type: 'line',
        name,
        data,
        connectNulls: false,
        showSymbol: buckets.length < 40,
        itemStyle: { color },
        lineStyle: { color, width: 2, type: dashed ? 'dashed' : 'solid' },
      })
      return {
        ...base(p),
        tooltip: tooltip(p, (ps) => {
          const rows = axisRows(ps)
          return [
            title(buckets[rows[0]?.dataIndex ?? 0]?.start ?? ''),
            ...rows.map((r) => `${r.seriesName}: ${r.value === null || r.value === undefined ? '–' : formatDuration(Number(r.value))}`),
          ].join('\n')
        }),
        xAxis: categoryAxis(buckets.map((b) => label(b.start)), p),
        yAxis: durationAxis(p, buckets.flatMap((b) => [b.human.count ? b.human.p90_s : 0, b.bot.count ? b.bot.p90_s : 0])),
        series: [
          line('People, median', human, false, buckets.map((b) => pick(b.human.median_s, b.human.count))),
          line('People, p90', human, true, buckets.map((b) => pick(b.human.p90_s, b.human.count))),
          line('Bot, median', bot, false, buckets.map((b) => pick(b.bot.median_s, b.bot.count))),
          line('Bot, p90', bot, true, buckets.map((b) => pick(b.bot.p90_s, b.bot.count))),
        ],
      }
    }
    case 'sentiment': {
      const buckets = v.sentiment ?? []
      return {
        ...base(p),
        tooltip: tooltip(p, (ps) => {
          const rows = axisRows(ps)
          return [title(buckets[rows[0]?.dataIndex ?? 0]?.start ?? ''), ...rows.map((r) => `${r.seriesName}: ${r.value}`)].join('\n')
        }),
        xAxis: categoryAxis(buckets.map((b) => label(b.start)), p),
        yAxis: valueAxis(p),
        series: SENTIMENTS.map(([key, name, colors]) => ({
          type: 'bar',
          name,
          stack: 'sentiment',
          cursor: 'pointer',
          itemStyle: { color: colors[p.dark ? 1 : 0] },
          data: buckets.map((b) => b[key]),
        })),
      }
    }
    case 'ai': {
      const buckets = v.ai.per_bucket ?? []
      const bar = (name: string, color: string, data: number[]) => ({ type: 'bar', name, stack: 'ai', cursor: 'pointer', itemStyle: { color }, data })
      return {
        ...base(p),
        tooltip: tooltip(p, (ps) => {
          const rows = axisRows(ps)
          return [
            title(buckets[rows[0]?.dataIndex ?? 0]?.start ?? ''),
            ...rows.map((r) => (r.seriesName === 'Bot-only share' ? `${r.seriesName}: ${r.value}%` : `${r.seriesName}: ${r.value}`)),
          ].join('\n')
        }),
        xAxis: categoryAxis(buckets.map((b) => label(b.start)), p),
        yAxis: [valueAxis(p), valueAxis(p, { min: 0, max: 100, splitLine: { show: false }, axisLabel: { color: p.muted, formatter: '{value}%' } })],
        series: [
          bar('Bot only', p.dark ? '#a888f0' : '#7c4ddb', buckets.map((b) => b.bot_only)),
          bar('Handed off', p.dark ? '#f0a85a' : '#c46a12', buckets.map((b) => b.handed_off)),
          {
            type: 'line',
            name: 'Bot-only share',
            yAxisIndex: 1,
            data: buckets.map((b) => Math.round(b.share * 100)),
            showSymbol: buckets.length < 40,
            itemStyle: { color: p.text },
            lineStyle: { color: p.text, width: 1.5 },
          },
        ],
      }
    }
    case 'labels': {
      // Largest on top: a horizontal bar chart's categories run bottom-up.
      const ls = [...(v.top_labels ?? [])].reverse()
      return {
        ...base(p),
        legend: { show: false },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        tooltip: tooltip(p, (ps) => {
          const r = axisRows(ps)[0]
          const l = ls[r?.dataIndex ?? 0]
          return l ? `${plain(l.name)}: ${l.count}` : ''
        }),
        yAxis: { ...categoryAxis(ls.map((l) => plain(l.name)), p), axisLabel: { color: p.text, width: 160, overflow: 'truncate' } },
        xAxis: valueAxis(p),
        series: [
          {
            type: 'bar',
            name: 'Sessions',
            cursor: 'pointer',
            data: ls.map((l) => ({ value: l.count, itemStyle: { color: l.color || channelColor('', p) } })),
          },
        ],
      }
    }
    case 'topics': {
      const ts = [...(v.top_topics ?? [])].reverse()
      return {
        ...base(p),
        legend: { show: false },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        tooltip: tooltip(p, (ps) => {
          const t = ts[axisRows(ps)[0]?.dataIndex ?? 0]
          return t ? `${plain(t.topic)}: ${t.count}` : ''
        }),
        yAxis: { ...categoryAxis(ts.map((t) => plain(t.topic)), p), axisLabel: { color: p.text, width: 160, overflow: 'truncate' } },
        xAxis: valueAxis(p),
        series: [{ type: 'bar', name: 'Sessions', itemStyle: { color: p.dark ? '#5fb8c9' : '#1b6f7d' }, data: ts.map((t) => t.count) }],
      }
    }
    case 'busiest': {
      const data: [number, number, number][] = []
      let max = 0
      for (let d = 0; d < 7; d++)
        for (let h = 0; h < 24; h++) {
          const n = v.busiest[d]?.[h] ?? 0
          max = Math.max(max, n)
          data.push([h, d, n])
        }
      return {
        ...base(p),
        legend: { show: false },
        grid: { left: 8, right: 16, top: 8, bottom: 48, containLabel: true },
        tooltip: tooltip(
          p,
          (ps) => {
            const [h, d, n] = (ps as { value: [number, number, number] }).value
            return `${WEEKDAYS[d]} ${String(h).padStart(2, '0')}:00–${String(h).padStart(2, '0')}:59\n${n} ${n === 1 ? 'session' : 'sessions'}`
          },
          'item',
        ),
        xAxis: { ...categoryAxis(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), p), splitArea: { show: false } },
        yAxis: { ...categoryAxis(WEEKDAYS, p), inverse: true },
        visualMap: {
          min: 0,
          max: Math.max(1, max),
          calculable: false,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          itemHeight: 120,
          textStyle: { color: p.muted },
          inRange: { color: p.dark ? ['#1d2230', '#3b5fa8', '#8fb3ff'] : ['#f1f4fa', '#8fb0ee', '#1f4fb8'] },
        },
        series: [{ type: 'heatmap', name: 'Sessions', data, itemStyle: { borderColor: p.surface, borderWidth: 1 }, emphasis: { itemStyle: { borderColor: p.text } } }],
      }
    }
  }
}

/** What a click on a chart hit: the category's index and the series' name. */
export interface Hit {
  dataIndex: number
  seriesName?: string
}

function intersect(f: Filters, from: string, to: string): { from: string; to: string } {
  return { from: f.from && f.from > from ? f.from : from, to: f.to && f.to < to ? f.to : to }
}

/**
 * The timeline filters a click on a chart opens: the page's filters with
 * the bar's days (and its channel, sentiment or label); null where a click
 * means nothing (the heatmap, a topic, a line).
 */
export function clickFilters(v: InsightsView, kind: ChartKind, hit: Hit, f: Filters): Filters | null {
  const period = periodOf(v)
  const days = (start: string | undefined) => (start ? intersect(f, start, bucketEnd(start, period)) : null)
  switch (kind) {
    case 'sessions': {
      const b = v.sessions_per_bucket?.[hit.dataIndex]
      const d = days(b?.start)
      if (!b || !d) return null
      const chan = channelsOf(v).find((c) => channelName(c) === hit.seriesName)
      return { ...f, ...d, channels: chan ? [chan] : f.channels }
    }
    case 'sentiment': {
      const b = v.sentiment?.[hit.dataIndex]
      const d = days(b?.start)
      if (!d) return null
      const s = SENTIMENTS.find(([, name]) => name === hit.seriesName)?.[0]
      return { ...f, ...d, sentiment: s && s !== 'none' ? s : f.sentiment }
    }
    case 'ai': {
      if (hit.seriesName === 'Bot-only share') return null
      const d = days(v.ai.per_bucket?.[hit.dataIndex]?.start)
      return d ? { ...f, ...d } : null
    }
    case 'labels': {
      const ls = [...(v.top_labels ?? [])].reverse()
      const l = ls[hit.dataIndex]
      return l ? { ...f, labels: [l.name] } : null
    }
    default:
      return null
  }
}
