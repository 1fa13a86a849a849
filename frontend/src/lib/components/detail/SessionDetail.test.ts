// The session detail as a reviewer reads and edits it: summary and source,
// facts, messages per side, the AI handoff, labels with suggestions, field
// editors by type, the contact with recent sessions, Go to Conversation.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FieldView } from '../../api'
import { DetailStore } from '../../stores/detail.svelte'
import { HOSTILE_BODY, HOSTILE_NAME } from '../../testdata/data'
import { contactOf, detailOf } from '../../testdata/detail'
import { fakeLabels } from '../../testdata/labels'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import SessionDetail from './SessionDetail.svelte'

let w: FakeWindow
afterEach(() => {
  w?.remove()
  vi.unstubAllGlobals()
})

const FIELDS: FieldView[] = [
  { id: 1, key: 'tier', name: 'Tier', type: 'choice', choices: ['gold', 'silver'], sessions: 1 },
  { id: 2, key: 'orders', name: 'Orders', type: 'number', choices: [], sessions: 0 },
  { id: 3, key: 'renewal', name: 'Renewal', type: 'date', choices: [], sessions: 0 },
  { id: 4, key: 'city', name: 'City', type: 'text', choices: [], sessions: 0 },
]

async function show(over: Parameters<typeof detailOf>[0] = {}, opts: { wide?: boolean } = {}) {
  w = fakeWails({ summary: { source: 'ollama:llama3.2' } })
  const st = fakeLabels(w, [{ name: 'billing', color: '#e5484d' }, { name: 'vip', color: '#30a46c' }, { name: 'Überweisung' }], FIELDS)
  let current = detailOf(over)
  w.app.SessionsService.GetSession.mockImplementation(async (id: number) => {
    const s = st.onSession.get(id)
    if (s) current = { ...current, labels: s.labels.map((name) => ({ name, color: '#3e63dd' })), fields: s.fields }
    return current
  })
  w.app.SessionsService.ContactSessions.mockResolvedValue(contactOf())
  const detail = new DetailStore()
  await detail.open(current.id)
  const calls = { close: 0, conversation: [] as [number, number][], open: [] as number[] }
  const r = render(SessionDetail, {
    detail,
    labels: st.labels,
    fields: FIELDS,
    wide: opts.wide ?? true,
    onclose: () => calls.close++,
    onconversation: (c: number, s: number) => calls.conversation.push([c, s]),
    onopen: (id: number) => calls.open.push(id),
  })
  await settle()
  return { ...r, detail, calls, st }
}

const dd = (term: string) => {
  const dt = [...document.querySelectorAll('dt')].find((d) => d.textContent === term)
  return dt?.nextElementSibling?.textContent?.replace(/\s+/g, ' ').trim() ?? null
}

describe('SessionDetail', () => {
  it('shows the summary with its source, the facts and the messages per side', async () => {
    await show()
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Alice Smith')
    expect(screen.getByText('Asked when the parcel arrives; told Friday.')).toBeTruthy()
    expect(screen.getByText('by built-in')).toBeTruthy()
    expect(dd('Sentiment')).toBe('Positive')
    expect(dd('Duration')).toBe('1 h 5 min')
    expect(dd('Started')).toMatch(/12/)
    expect(dd('Ended')).toMatch(/12/)
    expect(dd('Messages')).toBe('12 messages customer 3 · agent 2 · bot 1')
  })

  it('names the model that made a model summary', async () => {
    await show({ summary_source: 'ollama' })
    expect(screen.getByText('by Ollama llama3.2')).toBeTruthy()
  })

  it('says an active session has not ended', async () => {
    await show({ status: 'active', ended_at: null, duration_s: null })
    expect(dd('Ended')).toBe('Still active')
    expect(dd('Duration')).toBe('—')
  })

  it('tells the AI handoff: the bot, who took over when, and how long the customer waited', async () => {
    await show()
    expect(dd('AI agent')).toBe('Ava')
    expect(dd('Passed to')).toMatch(/^Maria at /)
    expect(dd('Customer waited')).toBe('8 min')
  })

  it('says when the bot handled a session alone', async () => {
    await show({ handoff: { bot: 'Ava', agent: null, at: null, wait_s: null, bot_only: true } })
    expect(dd('Outcome')).toBe('The AI agent handled it alone')
  })

  it('leaves the handoff out of a session without a bot', async () => {
    await show({ handoff: { bot: null, agent: null, at: null, wait_s: null, bot_only: false } })
    expect(screen.queryByRole('heading', { name: 'AI handoff' })).toBeNull()
  })

  it('summarizes again on request', async () => {
    const { detail } = await show()
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize again' }))
    await settle()
    expect(w.app.SummariesService.Resummarize).toHaveBeenCalledWith(1)
    expect(detail.resummarizing).toBe(true)
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Summarizing…' }).disabled).toBe(true)
  })

  it('adds a label picked from the suggestions, and removes one', async () => {
    await show()
    const box = screen.getByRole('combobox', { name: 'Add a label' })
    await fireEvent.focus(box)
    await fireEvent.input(box, { target: { value: 'v' } })
    const options = within(screen.getByRole('listbox', { name: 'Labels' })).getAllByRole('option').map((o) => o.textContent?.trim())
    expect(options).toEqual(['vip'])
    await fireEvent.keyDown(box, { key: 'ArrowDown' })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(w.app.LabelsService.AddSessionLabel).toHaveBeenCalledWith(1, 'vip')
    const list = screen.getByRole('list', { name: 'Labels of this session' })
    expect(within(list).getAllByRole('listitem').map((l) => l.textContent?.replace('×', '').trim())).toEqual(['vip'])
    await fireEvent.click(screen.getByRole('button', { name: 'Remove label vip' }))
    await settle()
    expect(w.app.LabelsService.RemoveSessionLabel).toHaveBeenCalledWith(1, 'vip')
  })

  it('adds a label typed in another case or without accents as the one there is, and a new name as new', async () => {
    await show({ labels: [] })
    const box = screen.getByRole('combobox', { name: 'Add a label' })
    await fireEvent.input(box, { target: { value: 'uberweisung' } })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(w.app.LabelsService.AddSessionLabel).toHaveBeenLastCalledWith(1, 'Überweisung')
    await fireEvent.input(box, { target: { value: 'follow up' } })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(w.app.LabelsService.AddSessionLabel).toHaveBeenLastCalledWith(1, 'follow up')
  })

  it('edits each field by its type: a choice, a number, a date, text', async () => {
    await show()
    const tier = screen.getByLabelText<HTMLSelectElement>('Tier')
    expect(tier.tagName).toBe('SELECT')
    expect(tier.value).toBe('gold')
    expect([...tier.options].map((o) => o.textContent)).toEqual(['—', 'gold', 'silver'])
    expect(screen.getByLabelText<HTMLInputElement>('Renewal').type).toBe('date')
    expect(screen.getByLabelText<HTMLInputElement>('Orders').inputMode).toBe('decimal')
    await fireEvent.change(tier, { target: { value: 'silver' } })
    await settle()
    expect(w.app.FieldsService.SetSessionField).toHaveBeenLastCalledWith(1, 'tier', 'silver')
    const city = screen.getByLabelText<HTMLInputElement>('City')
    await fireEvent.input(city, { target: { value: 'München' } })
    await fireEvent.keyDown(city, { key: 'Enter' })
    await settle()
    expect(w.app.FieldsService.SetSessionField).toHaveBeenLastCalledWith(1, 'city', 'München')
  })

  it('shows a refused value with the reason, beside its field, and clears a value with ""', async () => {
    await show()
    const orders = screen.getByLabelText<HTMLInputElement>('Orders')
    await fireEvent.input(orders, { target: { value: 'twelve' } })
    await fireEvent.blur(orders)
    await settle()
    expect(screen.getByRole('alert').textContent).toBe('set field orders: "twelve" is not a number')
    expect(orders.getAttribute('aria-invalid')).toBe('true')
    expect(orders.value).toBe('twelve')
    const tier = screen.getByLabelText<HTMLSelectElement>('Tier')
    await fireEvent.change(tier, { target: { value: '' } })
    await settle()
    expect(w.app.FieldsService.SetSessionField).toHaveBeenLastCalledWith(1, 'tier', '')
  })

  it('shows the contact with their other recent sessions, which open', async () => {
    const { calls } = await show()
    expect(dd('Email')).toBe('alice@example.com')
    expect(dd('Phone')).toBe('+49 30 1234567')
    expect(dd('Channels')).toBe('WhatsApp, Web Chat')
    const recent = [...document.querySelectorAll<HTMLAnchorElement>('.d-recent a')]
    expect(recent.map((a) => a.getAttribute('href'))).toEqual(['#/sessions?open=8', '#/sessions?open=5'])
    expect(recent[0].textContent).toMatch(/refund/)
    recent[0].click()
    expect(calls.open).toEqual([8])
  })

  it('goes to the conversation at this session', async () => {
    const { calls } = await show({ id: 4, conversation_id: 3 })
    await fireEvent.click(screen.getByRole('button', { name: 'Go to Conversation' }))
    expect(calls.conversation).toEqual([[3, 4]])
  })

  it.each([
    [true, 'Close details'],
    [false, 'Back to sessions'],
  ])('closes (wide %s) with %s', async (wide, name) => {
    const { calls } = await show({}, { wide })
    await fireEvent.click(screen.getByRole('button', { name }))
    expect(calls.close).toBe(1)
  })

  it('renders hostile chat data as text', async () => {
    const alert = vi.fn()
    vi.stubGlobal('alert', alert)
    await show({ summary: HOSTILE_BODY, contact: { id: 7, name: HOSTILE_NAME, email: null } })
    expect(screen.getByText(HOSTILE_BODY)).toBeTruthy()
    expect(document.querySelector('.detail img, .detail script')).toBeNull()
    expect(alert).not.toHaveBeenCalled()
  })
})
