// The Insights page against the fake window: the filter of the URL asked
// for with its period, the period switch handed up, top topics hidden
// when summaries carry none, and the empty and error states.

import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { SVGRenderer } from 'echarts/renderers'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { NO_FILTERS } from '../../stores/filters.svelte'
import { sampleInsights } from '../../testdata/insights'
import { fakeViews } from '../../testdata/views'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import { use } from './echarts'
import InsightsPage from './InsightsPage.svelte'

beforeAll(() => use([SVGRenderer]))
let w: FakeWindow
afterEach(() => w?.remove())

function page(over: Record<string, unknown> = {}) {
  const props = {
    filters: { ...NO_FILTERS, channels: ['whatsapp'] },
    period: 'week',
    theme: { resolved: 'light' as const },
    onfilters: vi.fn(),
    onperiod: vi.fn(),
    onopen: vi.fn(),
    renderer: 'svg' as const,
    ...over,
  }
  render(InsightsPage, props)
  return props
}

describe('InsightsPage', () => {
  it('asks for the filter and period of the URL and draws every chart but empty topics', async () => {
    w = fakeWails()
    const st = fakeViews(w)
    page()
    await settle()
    expect(st.insights).toEqual([{ filter: { status: 'all', channels: ['whatsapp'], limit: 0, cursor: '' }, period: 'week', zone: '' }])
    const titles = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)
    expect(titles).toEqual([
      'Sessions by channel',
      'Session duration',
      'First response time',
      'Sentiment over time',
      'AI agent',
      'Top labels',
      'Busiest hours',
    ])
    expect(screen.getByText('4 sessions', { selector: '.fb-count' })).toBeTruthy()
    expect(screen.getByText('Days and hours in Europe / Berlin')).toBeTruthy()
  })

  it('downloads a chart CSV as the program writes it, for the page filter and period', async () => {
    w = fakeWails()
    fakeViews(w)
    const blobs: Blob[] = []
    Object.assign(URL, { createObjectURL: (b: Blob) => (blobs.push(b), 'blob:x'), revokeObjectURL: () => {} })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    page()
    await settle()
    await fireEvent.click(screen.getByRole('button', { name: 'Download AI agent as CSV' }))
    await settle()
    expect(w.app.InsightsService.InsightCSV).toHaveBeenCalledWith({ filter: { status: 'all', channels: ['whatsapp'] }, period: 'week' }, 'ai')
    expect(await blobs[0].text()).toBe('chart,ai\r\n')
    vi.restoreAllMocks()
  })

  it('hands the period up and marks the one shown', async () => {
    w = fakeWails()
    fakeViews(w)
    const props = page({ period: 'month' })
    await settle()
    const group = screen.getByRole('group', { name: 'Period' })
    const month = group.querySelector('[aria-pressed="true"]')
    expect(month?.textContent).toBe('Month')
    await fireEvent.click(screen.getByRole('button', { name: 'Day' }))
    expect(props.onperiod).toHaveBeenCalledWith('day')
  })

  it('says when no session matches, and why it could not load', async () => {
    w = fakeWails()
    fakeViews(w, [], () => sampleInsights({ total: 0 }))
    page()
    await settle()
    expect(screen.getByText('No sessions match these filters.')).toBeTruthy()
    w.remove()

    w = fakeWails()
    fakeViews(w)
    w.app.InsightsService.Insights.mockImplementation(async () => {
      throw 'insights: no such zone'
    })
    cleanup()
    page()
    await settle()
    expect(screen.getByRole('alert').textContent).toContain('insights: no such zone')
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(w.app.InsightsService.Insights).toHaveBeenCalledTimes(2)
  })
})
