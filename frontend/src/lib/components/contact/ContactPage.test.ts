// The contact page against the fake window: every session of the contact
// (paged through), their labels and fields, first and last contact, and
// the insights of just their sessions, or a plain note where the program
// cannot narrow insights to a contact.

import { render, screen, within } from '@testing-library/svelte'
import { SVGRenderer } from 'echarts/renderers'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { session } from '../../testdata/data'
import { sampleInsights } from '../../testdata/insights'
import { fakeViews } from '../../testdata/views'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import { use } from '../insights/echarts'
import ContactPage from './ContactPage.svelte'

beforeAll(() => use([SVGRenderer]))
let w: FakeWindow
afterEach(() => w?.remove())

const contact = { id: 7, name: 'Ana Lima', email: 'ana@example.org' }
const rows = [
  session({ id: 30, contact, channel: 'whatsapp', started_at: '2024-03-12T09:00:00Z', ended_at: '2024-03-12T09:30:00Z', labels: [{ name: 'vip', color: '#30a46c' }], fields: { city: 'Lisboa' } }),
  session({ id: 20, contact, channel: 'webchat', started_at: '2024-02-01T10:00:00Z', ended_at: '2024-02-01T10:05:00Z' }),
  session({ id: 10, contact, channel: 'webchat', started_at: '2024-01-05T08:00:00Z', ended_at: '2024-01-05T08:10:00Z', summary: '<img src=x onerror=alert(1)>' }),
]

function fake(insights: (() => unknown) | null) {
  w = fakeWails()
  const st = fakeViews(w, [], () => sampleInsights({ total: 3 }))
  // Two pages: the first two sessions, then the last.
  w.app.SessionsService.ContactSessions.mockImplementation(async (req: { cursor?: string }) => ({
    ...contact,
    phone: '+351 912 345 678',
    channels: ['whatsapp', 'webchat'],
    total: 3,
    sessions: req.cursor ? rows.slice(2) : rows.slice(0, 2),
    next_cursor: req.cursor ? null : 'p2',
  }))
  if (insights) w.app.InsightsService.Insights.mockImplementation(async () => insights())
  return st
}

describe('ContactPage', () => {
  it('lists every session across channels with labels and fields, and the first and last contact', async () => {
    const st = fake(null)
    render(ContactPage, { id: 7, theme: { resolved: 'light' }, fieldName: (k: string) => (k === 'city' ? 'City' : k), onperiod: () => {}, renderer: 'svg' })
    await settle()
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Ana Lima')
    const list = screen.getByRole('list', { name: 'Sessions of Ana Lima' })
    const items = within(list).getAllByRole('link')
    expect(items.map((a) => a.getAttribute('href'))).toEqual(['#/sessions?open=30', '#/sessions?open=20', '#/sessions?open=10'])
    expect(within(list).getByText('vip')).toBeTruthy()
    expect(within(list).getByText('City').parentElement?.textContent).toBe('City Lisboa')
    expect(document.querySelector('img[src="x"]')).toBeNull()
    const facts = screen.getByRole('region', { name: 'Contact' })
    expect(within(facts).getByText('First contact').nextElementSibling?.querySelector('time')?.getAttribute('datetime')).toBe('2024-01-05T08:00:00Z')
    expect(within(facts).getByText('Last contact').nextElementSibling?.querySelector('time')?.getAttribute('datetime')).toBe('2024-03-12T09:30:00Z')
    expect(within(facts).getByText('WhatsApp, Web Chat')).toBeTruthy()
    expect(st.insights[0].filter).toMatchObject({ contact_id: 7 })
    expect(screen.getByRole('heading', { name: 'Sessions by channel' })).toBeTruthy()
  })

  it('shows no charts as the contact’s when the program cannot narrow them to a contact', async () => {
    fake(() => {
      throw 'bad arguments: argument 1 of InsightsService.Insights: json: unknown field "contact_id"'
    })
    render(ContactPage, { id: 7, theme: { resolved: 'dark' }, onperiod: () => {}, renderer: 'svg' })
    await settle()
    expect(screen.getByText('This version of the program cannot narrow the insights to one contact yet.')).toBeTruthy()
    expect(screen.queryByRole('heading', { name: 'Sessions by channel' })).toBeNull()
  })

  it('shows no charts as the contact’s when the answer counts other sessions', async () => {
    fake(() => sampleInsights({ total: 107 }))
    render(ContactPage, { id: 7, theme: { resolved: 'light' }, onperiod: () => {}, renderer: 'svg' })
    await settle()
    expect(screen.queryByRole('heading', { name: 'Sessions by channel' })).toBeNull()
    expect(screen.getByText(/cannot narrow the insights/)).toBeTruthy()
  })
})
