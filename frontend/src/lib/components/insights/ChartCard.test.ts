// One chart card in jsdom, drawn by ECharts' own SVG renderer (jsdom has
// no canvas): the bars are drawn, the Table toggle shows the same numbers
// as a table whose periods link to the timeline, the CSV downloads them,
// and a click on a bar says which bar it was.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { SVGRenderer } from 'echarts/renderers'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { NO_FILTERS, paramsOf } from '../../stores/filters.svelte'
import { sampleInsights } from '../../testdata/insights'
import ChartCard from './ChartCard.svelte'
import { clickFilters, DARK, LIGHT, type ChartKind, type Hit } from './charts'
import { getInstanceByDom, use } from './echarts'
import { hashOf } from './links'

beforeAll(() => use([SVGRenderer]))
afterEach(() => vi.restoreAllMocks())

const view = sampleInsights()
const linkOf = (kind: ChartKind, hit: Hit) => {
  const f = clickFilters(view, kind, hit, NO_FILTERS)
  return f ? hashOf('sessions', paramsOf(f)) : null
}

function card(kind: ChartKind, onhit = vi.fn(), palette = LIGHT) {
  const r = render(ChartCard, { view, kind, palette, renderer: 'svg', linkOf, onhit })
  const box = screen.getByRole('img', { name: /chart$/ }) as HTMLDivElement
  return { ...r, box, onhit }
}

describe('ChartCard', () => {
  it('draws the stacked bars with ECharts and names its figures', () => {
    const { box } = card('sessions')
    expect(screen.getByRole('heading', { name: 'Sessions by channel' })).toBeTruthy()
    expect(screen.getByText('4 sessions')).toBeTruthy()
    const svg = box.querySelector('svg')
    expect(svg).not.toBeNull()
    // Legend entries are drawn as text: the channels with sessions.
    const words = [...box.querySelectorAll('text')].map((t) => t.textContent)
    expect(words).toContain('WhatsApp')
    expect(words).toContain('Web Chat')
    expect(words).not.toContain('Instagram')
  })

  it('toggles an accessible table of the same numbers, whose periods open the timeline', async () => {
    const { box } = card('sessions')
    const toggle = screen.getByRole('button', { name: 'Table' })
    expect(toggle.getAttribute('aria-pressed')).toBe('false')
    await fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-pressed')).toBe('true')
    expect(box.hidden).toBe(true)
    const table = screen.getByRole('table', { name: 'Sessions by channel' })
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent)
    expect(headers).toEqual(['Period', 'Web Chat', 'WhatsApp', 'Total'])
    const first = within(table).getAllByRole('row')[1]
    expect(within(first).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1', '2', '3'])
    expect(within(first).getByRole('link').getAttribute('href')).toBe('#/sessions?from=2024-03-04&to=2024-03-10')
    await fireEvent.click(toggle)
    expect(screen.queryByRole('table')).toBeNull()
    expect(box.hidden).toBe(false)
  })

  it('links a label row to the timeline of that label, the name shown as text', async () => {
    card('labels')
    await fireEvent.click(screen.getByRole('button', { name: 'Table' }))
    const links = within(screen.getByRole('table')).getAllByRole('link')
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['billing', '#/sessions?label=billing'],
      ['<b>{x|vip}</b>', '#/sessions?label=%3Cb%3E%7Bx%7Cvip%7D%3C%2Fb%3E'],
    ])
    expect(document.querySelector('b')).toBeNull()
  })

  it('downloads the numbers as CSV with a byte order mark', async () => {
    const blobs: Blob[] = []
    const create = vi.fn((b: Blob) => (blobs.push(b), 'blob:insights'))
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: () => {} })
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    card('duration')
    await fireEvent.click(screen.getByRole('button', { name: 'Download Session duration as CSV' }))
    expect(clicked).toEqual(['insights-duration-week.csv'])
    const bytes = new Uint8Array(await blobs[0].arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = await blobs[0].text()
    expect(text.split('\r\n')[0]).toBe('Period,Median (s),90th percentile (s),Sessions')
    expect(text).toContain(',600,3600,2\r\n')
  })

  it('says which bar a click hit', async () => {
    const { box, onhit } = card('sessions')
    const chart = getInstanceByDom(box)!
    // Web Chat of the second week: one session, stacked from 0 to 1.
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [1, 0.5]) as number[]
    const zr = chart.getZr()
    // As a mouse does it: down, up, then click at the same point.
    for (const name of ['mousedown', 'mouseup', 'click'] as const) zr.handler.dispatch(name, { zrX: x, zrY: y, offsetX: x, offsetY: y } as never)
    expect(onhit).toHaveBeenCalledWith('sessions', { dataIndex: 1, seriesName: 'Web Chat' })
  })

  it('draws again in the dark theme', async () => {
    const { box, rerender } = card('sessions')
    const before = getInstanceByDom(box)
    await rerender({ view, kind: 'sessions', palette: DARK, renderer: 'svg', linkOf, onhit: vi.fn() })
    const after = getInstanceByDom(box)
    expect(after).toBeTruthy()
    expect(after).not.toBe(before)
    expect(before?.isDisposed()).toBe(true)
  })
})
