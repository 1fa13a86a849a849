// The timeline's filters: the search box, the status switch and the chips
// the + button adds, read from and written to the URL's parameters (the
// URL is their only home, so a bookmark, a reload and back restore them),
// and turned into the ListRequest the program answers. Filters layer with
// AND; a chip stands for one filter and is removed on its own.

import type { StatusFilter } from '../api'
import type { ListRequest } from '../contract.gen'
import { channelName, sentimentName } from '../format'
import { values, type Params, type Route } from './router.svelte'

/** A timeline request: ListRequest with the end-day range of issue 12 until the generated contract has it. */
export type TimelineQuery = Partial<ListRequest> & { ended_from?: string; ended_to?: string }

/** The chips the + button offers, in its menu's order. */
export const FILTER_KINDS = [
  ['summary', 'Summary'],
  ['name', 'Contact Name'],
  ['email', 'Contact Email'],
  ['start', 'Start Date'],
  ['end', 'End Date'],
  ['channel', 'Channel Type'],
  ['label', 'Label'],
  ['sentiment', 'Sentiment'],
  ['field', 'Custom Field'],
  ['text', 'Message text'],
] as const

export type FilterKind = (typeof FILTER_KINDS)[number][0]

/** The channels the Channel Type filter offers. */
export const CHANNELS = ['whatsapp', 'instagram', 'facebook', 'webchat'] as const
/** The sentiments the Sentiment filter offers. */
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const

/** Everything that selects the timeline's rows. */
export interface Filters {
  q: string
  status: StatusFilter
  summary: string
  name: string
  email: string
  text: string
  /** Start day range, YYYY-MM-DD. */
  from: string
  to: string
  /** End day range, YYYY-MM-DD (active sessions never match). */
  ended_from: string
  ended_to: string
  channels: string[]
  labels: string[]
  sentiment: string
  /** Custom field filters, [key, value], in the order added. */
  fields: [string, string][]
}

export const NO_FILTERS: Filters = {
  q: '',
  status: 'all',
  summary: '',
  name: '',
  email: '',
  text: '',
  from: '',
  to: '',
  ended_from: '',
  ended_to: '',
  channels: [],
  labels: [],
  sentiment: '',
  fields: [],
}

/** The status filter a route parameter names; anything else is all. */
export function statusOf(param: string | undefined): StatusFilter {
  return param === 'active' || param === 'completed' ? param : 'all'
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

function day(v: string | undefined): string {
  return v && DAY.test(v) ? v : ''
}

function list(v: string | undefined): string[] {
  const out: string[] = []
  for (const part of (v ?? '').split(',')) {
    const t = part.trim()
    if (t && !out.includes(t)) out.push(t)
  }
  return out
}

/** The filters a timeline route names; values that cannot be meant (a day that is not one) are dropped. */
export function filtersOf(route: Route): Filters {
  const p = route.params
  const fields: [string, string][] = []
  for (const pair of values(route, 'field')) {
    const i = pair.indexOf(':')
    if (i <= 0 || i === pair.length - 1) continue
    const key = pair.slice(0, i).trim()
    const value = pair.slice(i + 1).trim()
    if (key && value) fields.push([key, value])
  }
  return {
    q: p.q ?? '',
    status: statusOf(p.status),
    summary: p.summary ?? '',
    name: p.name ?? '',
    email: p.email ?? '',
    text: p.text ?? '',
    from: day(p.from),
    to: day(p.to),
    ended_from: day(p.ended_from),
    ended_to: day(p.ended_to),
    channels: list(p.channel),
    labels: list(p.label),
    sentiment: (SENTIMENTS as readonly string[]).includes(p.sentiment ?? '') ? p.sentiment! : '',
    fields,
  }
}

/** The URL parameters of the filters (empty ones left out by the router). */
export function paramsOf(f: Filters): Params {
  return {
    q: f.q.trim(),
    status: f.status === 'all' ? '' : f.status,
    summary: f.summary.trim(),
    name: f.name.trim(),
    email: f.email.trim(),
    text: f.text.trim(),
    from: f.from,
    to: f.to,
    ended_from: f.ended_from,
    ended_to: f.ended_to,
    channel: f.channels.join(','),
    label: f.labels.join(','),
    sentiment: f.sentiment,
    field: f.fields.map(([k, v]) => `${k}:${v}`),
  }
}

/** The request for the filters' first page; only what is set is sent. */
export function requestOf(f: Filters): TimelineQuery {
  const req: TimelineQuery = { status: f.status }
  const set = <K extends keyof TimelineQuery>(k: K, v: TimelineQuery[K] | '') => {
    if (v !== '' && v !== undefined) req[k] = v as TimelineQuery[K]
  }
  set('q', f.q.trim())
  set('summary', f.summary.trim())
  set('name', f.name.trim())
  set('email', f.email.trim())
  set('text', f.text.trim())
  set('from', f.from)
  set('to', f.to)
  set('ended_from', f.ended_from)
  set('ended_to', f.ended_to)
  set('sentiment', f.sentiment)
  if (f.channels.length > 0) req.channels = [...f.channels]
  if (f.labels.length > 0) req.labels = [...f.labels]
  if (f.fields.length > 0) req.fields = Object.fromEntries(f.fields)
  return req
}

/** Whether anything but the status narrows the list. */
export function narrowed(f: Filters): boolean {
  return chipsOf(f).length > 0 || f.q.trim() !== ''
}

/** One removable chip: which filter, its name and what it keeps. */
export interface Chip {
  kind: FilterKind
  /** Which custom field filter, for kind field. */
  index?: number
  /** Unique among the chips shown. */
  id: string
  label: string
  text: string
}

/** A day as the chips show it (2024-03-12 → 12 Mar 2024), in the viewer's zone as the filter means it. */
export function dayText(d: string): string {
  const [y, m, dd] = d.split('-').map(Number)
  return new Date(y, m - 1, dd).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
}

function range(from: string, to: string): string {
  if (from && to) return from === to ? dayText(from) : `${dayText(from)} – ${dayText(to)}`
  return from ? `from ${dayText(from)}` : `until ${dayText(to)}`
}

const kindLabel = Object.fromEntries(FILTER_KINDS) as Record<FilterKind, string>

/** The chips of the filters set, in the + menu's order. */
export function chipsOf(f: Filters, fieldName: (key: string) => string = (k) => k): Chip[] {
  const chips: Chip[] = []
  const add = (kind: FilterKind, text: string, index?: number) =>
    chips.push({ kind, index, id: index === undefined ? kind : `${kind}-${index}`, label: kindLabel[kind], text })
  if (f.summary.trim()) add('summary', f.summary.trim())
  if (f.name.trim()) add('name', f.name.trim())
  if (f.email.trim()) add('email', f.email.trim())
  if (f.from || f.to) add('start', range(f.from, f.to))
  if (f.ended_from || f.ended_to) add('end', range(f.ended_from, f.ended_to))
  if (f.channels.length > 0) add('channel', f.channels.map(channelName).join(' or '))
  if (f.labels.length > 0) add('label', f.labels.join(' or '))
  if (f.sentiment) add('sentiment', sentimentName(f.sentiment) ?? f.sentiment)
  f.fields.forEach(([k, v], i) => chips.push({ kind: 'field', index: i, id: `field-${i}`, label: fieldName(k), text: v }))
  if (f.text.trim()) add('text', f.text.trim())
  return chips
}

/** The filters without one chip. */
export function without(f: Filters, chip: Pick<Chip, 'kind' | 'index'>): Filters {
  const next: Filters = { ...f, channels: [...f.channels], labels: [...f.labels], fields: [...f.fields] }
  switch (chip.kind) {
    case 'summary':
    case 'name':
    case 'email':
    case 'text':
      next[chip.kind] = ''
      break
    case 'start':
      next.from = next.to = ''
      break
    case 'end':
      next.ended_from = next.ended_to = ''
      break
    case 'channel':
      next.channels = []
      break
    case 'label':
      next.labels = []
      break
    case 'sentiment':
      next.sentiment = ''
      break
    case 'field':
      next.fields = f.fields.filter((_, i) => i !== chip.index)
      break
  }
  return next
}

/** A stable key of a request: the same filters give the same key. */
export function queryKey(q: TimelineQuery): string {
  return JSON.stringify(
    Object.keys(q)
      .sort()
      .map((k) => [k, q[k as keyof TimelineQuery]]),
  )
}

/**
 * The search box's text as the user types, sent on after a pause (so each
 * keystroke does not ask the program) or at once on Enter. The list keeps
 * showing the last answer meanwhile.
 */
export class SearchDraft {
  text = $state('')
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly send: (q: string) => void,
    private readonly delay = 150,
  ) {}

  /** The text the URL holds now (after back, or a reload); a draft being typed is dropped. */
  sync(q: string): void {
    if (this.timer !== null) return
    this.text = q
  }

  /** The user typed: sends after the pause. */
  input(text: string): void {
    this.text = text
    this.cancel()
    this.timer = setTimeout(() => {
      this.timer = null
      this.send(this.text)
    }, this.delay)
  }

  /** Sends what is typed now (Enter). */
  flush(): void {
    this.cancel()
    this.send(this.text)
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
