// The filters against the URL: every part of the state read from and
// written to the route, the request the program gets, the chips and their
// removal, and the search box's pause before it asks.

import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  chipsOf,
  filtersOf,
  narrowed,
  NO_FILTERS,
  paramsOf,
  queryKey,
  requestOf,
  SearchDraft,
  without,
  type Filters,
} from './filters.svelte'
import { formatHash, parseHash } from './router.svelte'

const f = (over: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...over })
const hashOf = (x: Filters) => {
  // What the router writes for these filters.
  const params: Record<string, string> = {}
  const lists: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(paramsOf(x))) {
    const vs = (Array.isArray(v) ? v : [v]).filter((s): s is string => !!s)
    if (vs.length === 0) continue
    params[k] = vs[vs.length - 1]
    if (vs.length > 1) lists[k] = vs
  }
  return formatHash({ page: 'sessions', params, lists })
}

describe('filters in the URL', () => {
  it.each<[string, string, Partial<Filters>]>([
    ['nothing', '#/sessions', {}],
    ['the search box', '#/sessions?q=refund', { q: 'refund' }],
    ['a status', '#/sessions?status=active', { status: 'active' }],
    ['summary, name, email, text', '#/sessions?email=a%40b.de&name=Al&summary=late&text=parcel', { summary: 'late', name: 'Al', email: 'a@b.de', text: 'parcel' }],
    ['both day ranges', '#/sessions?ended_from=2024-03-01&ended_to=2024-03-31&from=2024-01-01&to=2024-02-01', { from: '2024-01-01', to: '2024-02-01', ended_from: '2024-03-01', ended_to: '2024-03-31' }],
    ['channels and labels as comma lists', '#/sessions?channel=whatsapp%2Cwebchat&label=vip%2Cbilling', { channels: ['whatsapp', 'webchat'], labels: ['vip', 'billing'] }],
    ['a sentiment', '#/sessions?sentiment=negative', { sentiment: 'negative' }],
    ['repeated custom fields, in order', '#/sessions?field=tier%3Agold&field=city%3AM%C3%BCnchen', { fields: [['tier', 'gold'], ['city', 'München']] }],
    ['a field value holding a colon', '#/sessions?field=time%3A10%3A30', { fields: [['time', '10:30']] }],
  ])('%s', (_, hash, want) => {
    expect(filtersOf(parseHash(hash))).toEqual(f(want))
    expect(hashOf(f(want))).toBe(hash)
  })

  it.each([
    ['a day that is not one', '#/sessions?from=yesterday&to=2024-13', {}],
    ['an unknown sentiment', '#/sessions?sentiment=angry', {}],
    ['an unknown status', '#/sessions?status=closed', {}],
    ['a field without a value or key', '#/sessions?field=city&field=%3Ax&field=city%3A', {}],
    ['empty and repeated list items', '#/sessions?channel=%2Cwhatsapp%2C%2Cwhatsapp', { channels: ['whatsapp'] }],
  ])('drops %s', (_, hash, want) => {
    expect(filtersOf(parseHash(hash))).toEqual(f(want))
  })
})

describe('requestOf', () => {
  it('sends only what is set, trimmed', () => {
    expect(requestOf(f({ q: '  refund ' }))).toEqual({ status: 'all', q: 'refund' })
  })

  it('sends every filter, layered in one request', () => {
    expect(
      requestOf(
        f({
          status: 'completed',
          summary: 'late',
          name: 'Al',
          email: 'a@b.de',
          text: 'parcel',
          from: '2024-01-01',
          to: '2024-01-31',
          ended_from: '2024-02-01',
          ended_to: '2024-02-02',
          channels: ['instagram'],
          labels: ['vip'],
          sentiment: 'positive',
          fields: [['city', 'MÜNCHEN']],
        }),
      ),
    ).toEqual({
      status: 'completed',
      summary: 'late',
      name: 'Al',
      email: 'a@b.de',
      text: 'parcel',
      from: '2024-01-01',
      to: '2024-01-31',
      ended_from: '2024-02-01',
      ended_to: '2024-02-02',
      channels: ['instagram'],
      labels: ['vip'],
      sentiment: 'positive',
      fields: { city: 'MÜNCHEN' },
    })
  })

  it('gives one key to the same request, whatever the order', () => {
    expect(queryKey({ status: 'all', q: 'a' })).toBe(queryKey({ q: 'a', status: 'all' }))
    expect(queryKey({ status: 'all', q: 'a' })).not.toBe(queryKey({ status: 'all', q: 'b' }))
  })
})

describe('chips', () => {
  const all = f({
    q: 'search is no chip',
    summary: 'late',
    from: '2024-03-12',
    to: '2024-03-12',
    ended_from: '2024-03-01',
    channels: ['whatsapp', 'webchat'],
    labels: ['vip'],
    sentiment: 'negative',
    fields: [['city', 'Berlin'], ['tier', 'gold']],
    text: 'parcel',
  })

  it('shows one chip per filter, named, in the menu order', () => {
    const chips = chipsOf(all, (k) => (k === 'city' ? 'City' : k))
    expect(chips.map((c) => [c.id, c.label, c.text])).toEqual([
      ['summary', 'Summary', 'late'],
      ['start', 'Start Date', expect.stringMatching(/12.*2024|2024.*12/)],
      ['end', 'End Date', expect.stringMatching(/^from /)],
      ['channel', 'Channel Type', 'WhatsApp or Web Chat'],
      ['label', 'Label', 'vip'],
      ['sentiment', 'Sentiment', 'Negative'],
      ['field-0', 'City', 'Berlin'],
      ['field-1', 'tier', 'gold'],
      ['text', 'Message text', 'parcel'],
    ])
    expect(narrowed(all)).toBe(true)
    expect(narrowed(f({ status: 'active' }))).toBe(false)
    expect(narrowed(f({ q: 'x' }))).toBe(true)
  })

  it.each(chipsOf(all).map((c) => [c.id, c] as const))('removes the %s chip alone', (_, chip) => {
    const left = chipsOf(without(all, chip)).map((c) => c.id)
    const before = chipsOf(all).map((c) => c.id)
    if (chip.kind === 'field') {
      // The field chips after it move up one place.
      expect(left).toHaveLength(before.length - 1)
      expect(without(all, chip).fields).toEqual(all.fields.filter((_, i) => i !== chip.index))
    } else {
      expect(left).toEqual(before.filter((id) => id !== chip.id))
    }
    expect(without(all, chip).q).toBe(all.q)
  })
})

describe('SearchDraft', () => {
  afterEach(() => vi.useRealTimers())

  it('sends after a pause in typing, once, with the last text', () => {
    vi.useFakeTimers()
    const sent: string[] = []
    const d = new SearchDraft((q) => sent.push(q), 150)
    d.input('r')
    vi.advanceTimersByTime(100)
    d.input('re')
    vi.advanceTimersByTime(100)
    d.input('ref')
    expect(sent).toEqual([])
    vi.advanceTimersByTime(150)
    expect(sent).toEqual(['ref'])
  })

  it('sends at once on Enter, and not again after the pause', () => {
    vi.useFakeTimers()
    const sent: string[] = []
    const d = new SearchDraft((q) => sent.push(q), 150)
    d.input('refund')
    d.flush()
    vi.advanceTimersByTime(500)
    expect(sent).toEqual(['refund'])
  })

  it('follows the URL, but not over what is being typed', () => {
    vi.useFakeTimers()
    const d = new SearchDraft(() => {}, 150)
    d.sync('from url')
    expect(d.text).toBe('from url')
    d.input('typing')
    d.sync('older url')
    expect(d.text).toBe('typing')
  })
})
