// The insights store against the fake window: the filter and period asked
// for, the same request not asked twice, a late answer dropped, errors kept.

import { afterEach, describe, expect, it } from 'vitest'
import { sampleInsights } from '../testdata/insights'
import { fakeViews } from '../testdata/views'
import { fakeWails, type FakeWindow } from '../testdata/wails'
import { InsightsStore, periodOf } from './insights.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

describe('periodOf', () => {
  it.each([
    ['week', 'week'],
    ['month', 'month'],
    ['day', 'day'],
    [undefined, 'day'],
    ['year', 'day'],
  ])('%s → %s', (p, want) => expect(periodOf(p)).toBe(want))
})

describe('InsightsStore', () => {
  it('asks for the filter and period, once per request', async () => {
    w = fakeWails()
    const st = fakeViews(w)
    const s = new InsightsStore()
    await s.show({ status: 'all', channels: ['whatsapp'] }, 'week')
    await s.show({ status: 'all', channels: ['whatsapp'] }, 'week')
    expect(st.insights).toEqual([{ filter: { status: 'all', channels: ['whatsapp'], limit: 0, cursor: '' }, period: 'week', zone: '' }])
    expect(s.view?.period).toBe('week')
    await s.show({ status: 'all', channels: ['whatsapp'] }, 'month')
    expect(st.insights).toHaveLength(2)
    await s.reload()
    expect(st.insights).toHaveLength(3)
  })

  it('fills what an answer leaves out: lists never null, the heatmap 7 × 24', async () => {
    w = fakeWails()
    fakeViews(w, [], () => ({ ...sampleInsights(), top_labels: null, sentiment: null, busiest: [[1]] }))
    const s = new InsightsStore()
    await s.show({}, 'day')
    expect(s.view?.top_labels).toEqual([])
    expect(s.view?.sentiment).toEqual([])
    expect(s.view?.busiest).toHaveLength(7)
    expect(s.view?.busiest[0]).toHaveLength(24)
    expect(s.view?.busiest[0][0]).toBe(1)
  })

  it('keeps only the newest answer, and an error until the next', async () => {
    w = fakeWails()
    fakeViews(w)
    const resolvers: ((v: unknown) => void)[] = []
    w.app.InsightsService.Insights.mockImplementation(() => new Promise((r) => resolvers.push(r)))
    const s = new InsightsStore()
    const a = s.show({ q: 'old' }, 'day')
    const b = s.show({ q: 'new' }, 'day')
    resolvers[1](sampleInsights({ total: 2 }))
    resolvers[0](sampleInsights({ total: 1 }))
    await Promise.all([a, b])
    expect(s.view?.total).toBe(2)
    expect(s.loading).toBe(false)
    w.app.InsightsService.Insights.mockImplementation(async () => {
      throw 'insights: database is locked'
    })
    await s.show({ q: 'x' }, 'day')
    expect(s.error?.message).toBe('insights: database is locked')
    expect(s.view?.total).toBe(2)
  })
})
