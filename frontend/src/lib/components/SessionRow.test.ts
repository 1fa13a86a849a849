import { render } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { SessionView } from '../api'
import { HOSTILE_BODY, HOSTILE_NAME, session } from '../testdata/data'
import SessionRow from './SessionRow.svelte'

function row(over: Partial<SessionView> = {}): HTMLLIElement {
  const { container } = render(SessionRow, { session: session(over) })
  return container.querySelector('li')!
}

const text = (li: Element, sel: string) => li.querySelector(sel)?.textContent?.trim() ?? null

describe('SessionRow', () => {
  it('shows name, initials, channel, start, duration, status and count', () => {
    const li = row()
    expect(li.dataset.id).toBe('1')
    expect(text(li, '.row-name')).toBe('Alice Smith')
    expect(text(li, '.avatar')).toBe('AS')
    expect(text(li, '.channel')).toBe('WhatsApp')
    expect(li.querySelector('.channel svg path')).not.toBeNull()
    expect(text(li, '.row-duration')).toBe('1 h 5 min')
    expect(text(li, '.badge')).toBe('Completed')
    expect(text(li, '.row-count')).toBe('12 messages')
    expect(li.querySelector('time')?.dateTime).toBe('2024-03-12T14:05:00+01:00')
    expect(text(li, 'time')).toMatch(/12/)
  })

  it('leaves out the duration of an active session', () => {
    const li = row({ status: 'active', ended_at: null, duration_s: null })
    expect(li.querySelector('.row-duration')).toBeNull()
    expect(text(li, '.badge')).toBe('Active')
    expect(li.querySelector('.badge')?.classList.contains('badge--active')).toBe(true)
  })

  it.each([
    ['instagram', 'Instagram'],
    ['facebook', 'Facebook'],
    ['webchat', 'Web Chat'],
    ['sms', 'Sms'],
  ])('names the %s channel', (channel, want) => {
    expect(text(row({ channel }), '.channel')).toBe(want)
  })

  it('names a contact without a name', () => {
    expect(text(row({ contact: { id: 1, name: '  ', email: null } }), '.row-name')).toBe('Unknown contact')
  })

  it('shows the summary, labels in their colours and custom fields', () => {
    const li = row({
      summary: 'Asked about delivery.',
      labels: [
        { name: 'billing', color: '#e5484d' },
        { name: 'vip', color: 'url(https://evil.example/x)' },
      ],
      fields: { order: 'A-17', '': 'x' },
    })
    expect(text(li, '.row-summary')).toBe('Asked about delivery.')
    const labels = [...li.querySelectorAll<HTMLElement>('.label')]
    expect(labels.map((l) => l.textContent?.trim())).toEqual(['billing', 'vip'])
    expect(labels[0].style.getPropertyValue('--label-color')).toBe('#e5484d')
    // A colour that is not one never reaches the style.
    expect(labels[1].getAttribute('style') ?? '').not.toMatch(/url/)
    expect([...li.querySelectorAll('.field')].map((l) => l.textContent)).toEqual(['order A-17'])
  })

  it('names custom fields by their names, and opens on a click of the row', async () => {
    const opened: number[] = []
    const { container } = render(SessionRow, {
      session: session({ id: 4, fields: { tier: 'gold' } }),
      fieldName: (k: string) => (k === 'tier' ? 'Customer tier' : k),
      onopen: (id: number) => opened.push(id),
    })
    expect(container.querySelector('.field')?.textContent).toBe('Customer tier gold')
    const link = container.querySelector<HTMLAnchorElement>('a.row-link')!
    expect(link.getAttribute('href')).toBe('#/sessions?open=4')
    link.click()
    expect(opened).toEqual([4])
  })

  it('has no label list without labels or fields', () => {
    expect(row({ labels: null, fields: null }).querySelector('.row-labels')).toBeNull()
  })

  it('renders markup in chat data as literal text', () => {
    const li = row({
      contact: { id: 1, name: HOSTILE_NAME, email: null },
      summary: HOSTILE_BODY,
      labels: [{ name: '<i>x</i>', color: '#000000' }],
      fields: { '<b>k</b>': '<u>v</u>' },
      summary_source: 'builtin',
    })
    expect(text(li, '.row-name')).toBe(HOSTILE_NAME)
    expect(text(li, '.row-summary')).toBe(HOSTILE_BODY)
    expect(text(li, '.label')).toBe('<i>x</i>')
    expect(li.querySelector('img, script, b, i, u')).toBeNull()
  })
})

describe('SessionRow summaries', () => {
  it('tags a built-in summary, with why, outside the summary text', () => {
    const li = row({ summary: 'Asked about the lid.', summary_source: 'builtin' })
    expect(text(li, '.row-summary')).toBe('Asked about the lid.')
    const tag = li.querySelector<HTMLElement>('.row-summary-line .tag')!
    expect(tag.textContent).toBe('built-in')
    expect(tag.title).toBe('Made by the built-in summarizer; Ollama makes better ones')
    expect(li.querySelector('.row-summary-note')).toBeNull()
  })

  it.each([{ source: 'ollama' }, { source: null }])('does not tag a summary from $source', ({ source }) => {
    const li = row({ summary: 'Asked about the lid.', summary_source: source })
    expect(li.querySelector('.tag')).toBeNull()
  })

  it('says a summary is pending until there is one', () => {
    const li = row({ summary: null })
    expect(li.querySelector('.row-summary')).toBeNull()
    expect(text(li, '.row-summary-note')).toBe('Summary pending…')
    expect(li.querySelector('.row-summary-note--error')).toBeNull()
  })

  it('says why the summary failed, as text', () => {
    const err = 'summarize: ollama timed out <b>'
    const li = row({ summary: null, summary_error: err })
    const note = li.querySelector<HTMLElement>('.row-summary-note--error')!
    expect(note.textContent).toBe(`Summary failed: ${err}`)
    expect(note.title).toBe(err)
    expect(li.querySelector('b')).toBeNull()
  })

  it('keeps showing a summary when a later attempt failed', () => {
    const li = row({ summary: 'Old summary.', summary_source: 'ollama', summary_error: 'model gone' })
    expect(text(li, '.row-summary')).toBe('Old summary.')
    expect(li.querySelector('.row-summary-note')).toBeNull()
  })
})

describe('SessionRow sentiment', () => {
  it.each([
    ['positive', 'Positive'],
    ['neutral', 'Neutral'],
    ['negative', 'Negative'],
  ])('shows %s as a badge of its own colour', (sentiment, want) => {
    const badge = row({ sentiment }).querySelector('.row-meta .sentiment')!
    expect(badge.textContent).toBe(want)
    expect(badge.classList.contains(`sentiment--${sentiment}`)).toBe(true)
  })

  it.each([null, 'elated'])('shows no badge for %s', (sentiment) => {
    expect(row({ sentiment }).querySelector('.sentiment')).toBeNull()
  })

  it('keeps the status badge apart from the sentiment', () => {
    expect([...row({ sentiment: 'negative' }).querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['Completed'])
  })
})

describe('SessionRow handoff', () => {
  const bot = (over: Partial<SessionView['handoff']>) =>
    row({ handoff: { bot: 'Shop Bot', agent: null, at: null, wait_s: null, bot_only: false, ...over } })
  const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim()

  it('names the bot and who took over after how long', () => {
    const el = bot({ agent: 'Maria Lopez', at: '2024-03-14T09:11:00Z', wait_s: 480 }).querySelector('.row-meta .row-handoff')!
    expect(text(el, '.row-bot')).toBe('AI: Shop Bot')
    expect(text(el, '.row-agent')).toBe('→ Maria Lopez after 8 min')
    expect(el.querySelector<HTMLElement>('.row-agent')?.title).toMatch(/^Taken over /)
    expect(squash(el.textContent)).toBe('AI: Shop Bot → Maria Lopez after 8 min')
    expect(el.querySelector('.tag')).toBeNull()
  })

  it('says when the bot handled the session alone', () => {
    const el = bot({ bot_only: true }).querySelector('.row-handoff')!
    expect(text(el, '.tag')).toBe('bot only')
    expect(el.querySelector('.row-agent')).toBeNull()
  })

  it('names the agent when the wait is unknown', () => {
    expect(squash(bot({ agent: 'Maria' }).querySelector('.row-handoff')?.textContent)).toBe('AI: Shop Bot → Maria')
  })

  it('says nothing for a session without a bot', () => {
    const li = row({ handoff: { bot: null, agent: 'Maria', at: null, wait_s: 60, bot_only: false } })
    expect(li.querySelector('.row-handoff')).toBeNull()
    expect(li.textContent).not.toContain('AI:')
  })

  it('renders names with markup as text', () => {
    const li = bot({ bot: HOSTILE_BODY, agent: '<b>Eve</b>', wait_s: 30 })
    expect(li.querySelector('img, b')).toBeNull()
    expect(squash(li.querySelector('.row-handoff')?.textContent)).toBe(`AI: ${HOSTILE_BODY} → <b>Eve</b> after 30 s`)
  })
})
