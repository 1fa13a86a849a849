import { describe, expect, it, vi } from 'vitest'
import { session } from './testdata'
import {
  BUILTIN_TEXT,
  BUILTIN_TITLE,
  END_TEXT,
  IMPORT_EXAMPLE,
  LOAD_MORE_TEXT,
  SUMMARY_PENDING_TEXT,
  renderEmpty,
  renderError,
  renderFooter,
  renderRow,
} from './view'

describe('renderRow', () => {
  it('shows name, initials, channel, duration, status and count', () => {
    const li = renderRow(session())
    expect(li.dataset.id).toBe('1')
    expect(li.querySelector('.row-name')?.textContent).toBe('Alice Smith')
    expect(li.querySelector('.avatar')?.textContent).toBe('AS')
    expect(li.querySelector('.channel')?.textContent).toBe('WhatsApp')
    expect(li.querySelector('.channel svg')).not.toBeNull()
    expect(li.querySelector('.row-duration')?.textContent).toBe('1 h 5 min')
    expect(li.querySelector('.badge')?.textContent).toBe('Completed')
    expect(li.querySelector('.row-count')?.textContent).toBe('12 messages')
    expect(li.querySelector('time')?.dateTime).toBe('2024-03-12T14:05:00+01:00')
  })

  it('leaves out the duration of an active session', () => {
    const li = renderRow(session({ status: 'active', ended_at: null, duration_s: null }))
    expect(li.querySelector('.row-duration')).toBeNull()
    expect(li.querySelector('.badge')?.textContent).toBe('Active')
    expect(li.querySelector('.badge')?.classList.contains('badge--active')).toBe(true)
  })

  it.each(['instagram', 'facebook', 'webchat'])('names the %s channel', (channel) => {
    const want = { instagram: 'Instagram', facebook: 'Facebook', webchat: 'Web Chat' }[channel]
    expect(renderRow(session({ channel })).querySelector('.channel')?.textContent).toBe(want)
  })

  it('renders markup in chat data as literal text', () => {
    const evil = '<img src=x onerror=alert(1)>'
    const li = renderRow(
      session({
        contact: { id: 1, name: evil, email: null },
        summary: '<script>alert(2)</script><b>bold</b>',
        labels: ['<i>x</i>'],
      }),
    )
    expect(li.querySelector('.row-name')?.textContent).toBe(evil)
    expect(li.querySelector('.row-summary')?.textContent).toBe('<script>alert(2)</script><b>bold</b>')
    expect(li.querySelector('img, script, b, i')).toBeNull()
    expect(li.textContent).toContain(evil)
  })

  it('names a contact without a name', () => {
    const li = renderRow(session({ contact: { id: 1, name: '  ', email: null } }))
    expect(li.querySelector('.row-name')?.textContent).toBe('Unknown contact')
  })

  it('shows summary and labels when present', () => {
    const li = renderRow(session({ summary: 'Asked about delivery.', labels: ['billing', 'vip'] }))
    expect(li.querySelector('.row-summary')?.textContent).toBe('Asked about delivery.')
    expect([...li.querySelectorAll('.label')].map((l) => l.textContent)).toEqual(['billing', 'vip'])
  })
})

describe('renderRow summaries', () => {
  it('tags a built-in summary, with why, outside the summary text', () => {
    const li = renderRow(session({ summary: 'Asked about the lid.', summary_source: 'builtin' }))
    expect(li.querySelector('.row-summary')?.textContent).toBe('Asked about the lid.')
    const tag = li.querySelector<HTMLElement>('.row-summary-line .tag')!
    expect(tag.textContent).toBe(BUILTIN_TEXT)
    expect(BUILTIN_TEXT).toBe('built-in')
    expect(tag.title).toBe(BUILTIN_TITLE)
    expect(BUILTIN_TITLE).toBe('Made by the built-in summarizer; Ollama makes better ones')
    expect(li.querySelector('.row-summary-note')).toBeNull()
  })

  it.each([{ source: 'ollama' }, { source: null }])('does not tag a summary from $source', ({ source }) => {
    const li = renderRow(session({ summary: 'Asked about the lid.', summary_source: source }))
    expect(li.querySelector('.row-summary')?.textContent).toBe('Asked about the lid.')
    expect(li.querySelector('.tag')).toBeNull()
  })

  it('says a summary is pending until there is one', () => {
    const li = renderRow(session({ summary: null }))
    expect(li.querySelector('.row-summary')).toBeNull()
    const note = li.querySelector('.row-summary-note')!
    expect(note.textContent).toBe(SUMMARY_PENDING_TEXT)
    expect(SUMMARY_PENDING_TEXT).toBe('Summary pending…')
    expect(note.classList.contains('row-summary-note--error')).toBe(false)
  })

  it('says why the summary failed, as text', () => {
    const err = 'summarize: ollama timed out <b>'
    const li = renderRow(session({ summary: null, summary_error: err }))
    const note = li.querySelector<HTMLElement>('.row-summary-note--error')!
    expect(note.textContent).toBe(`Summary failed: ${err}`)
    expect(note.title).toBe(err)
    expect(li.querySelector('b')).toBeNull()
    expect(li.textContent).not.toContain(SUMMARY_PENDING_TEXT)
  })

  it('keeps showing a summary when a later attempt failed', () => {
    const li = renderRow(session({ summary: 'Old summary.', summary_source: 'ollama', summary_error: 'model gone' }))
    expect(li.querySelector('.row-summary')?.textContent).toBe('Old summary.')
    expect(li.querySelector('.row-summary-note')).toBeNull()
  })
})

describe('renderRow sentiment', () => {
  it.each([
    { sentiment: 'positive', want: 'Positive' },
    { sentiment: 'neutral', want: 'Neutral' },
    { sentiment: 'negative', want: 'Negative' },
  ])('shows $sentiment as a badge of its own colour', ({ sentiment, want }) => {
    const badge = renderRow(session({ sentiment })).querySelector('.row-meta .sentiment')!
    expect(badge.textContent).toBe(want)
    expect(badge.classList.contains(`sentiment--${sentiment}`)).toBe(true)
  })

  it.each([{ sentiment: null }, { sentiment: 'elated' }])('shows no badge for $sentiment', ({ sentiment }) => {
    expect(renderRow(session({ sentiment })).querySelector('.sentiment')).toBeNull()
  })

  it('keeps the status badge apart from the sentiment', () => {
    const li = renderRow(session({ sentiment: 'negative' }))
    expect([...li.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['Completed'])
  })
})

describe('renderRow handoff', () => {
  const bot = (over: Partial<ReturnType<typeof session>['handoff']>) =>
    session({ handoff: { bot: 'Shop Bot', agent: null, at: null, wait_s: null, bot_only: false, ...over } })

  it('names the bot and who took over after how long', () => {
    const li = renderRow(bot({ agent: 'Maria Lopez', at: '2024-03-14T09:11:00Z', wait_s: 480 }))
    const el = li.querySelector('.row-meta .row-handoff')!
    expect(el.querySelector('.row-bot')?.textContent).toBe('AI: Shop Bot')
    expect(el.querySelector('.row-agent')?.textContent).toBe('→ Maria Lopez after 8 min')
    expect(el.textContent).toBe('AI: Shop Bot → Maria Lopez after 8 min')
    expect(el.querySelector('.tag')).toBeNull()
  })

  it('says when the bot handled the session alone', () => {
    const el = renderRow(bot({ bot_only: true })).querySelector('.row-handoff')!
    expect(el.querySelector('.row-bot')?.textContent).toBe('AI: Shop Bot')
    expect(el.querySelector('.tag')?.textContent).toBe('bot only')
    expect(el.querySelector('.row-agent')).toBeNull()
  })

  it('names the agent when the wait is unknown', () => {
    const el = renderRow(bot({ agent: 'Maria' })).querySelector('.row-handoff')!
    expect(el.textContent).toBe('AI: Shop Bot → Maria')
  })

  it('says nothing for a session without a bot', () => {
    const li = renderRow(session({ handoff: { bot: null, agent: 'Maria', at: null, wait_s: 60, bot_only: false } }))
    expect(li.querySelector('.row-handoff')).toBeNull()
    expect(li.textContent).not.toContain('AI:')
  })

  it('renders names with markup as text', () => {
    const li = renderRow(bot({ bot: '<img src=x onerror=alert(1)>', agent: '<b>Eve</b>', wait_s: 30 }))
    expect(li.querySelector('img, b')).toBeNull()
    expect(li.querySelector('.row-handoff')?.textContent).toBe('AI: <img src=x onerror=alert(1)> → <b>Eve</b> after 30 s')
  })
})

describe('renderEmpty', () => {
  it('explains how to import and where the data lives', () => {
    const el = renderEmpty('all', { data_dir: '/home/me/.local/share/sessions', version: 'dev' })
    expect(el.querySelector('h2')?.textContent).toBe('No sessions yet')
    expect(el.querySelector('pre')?.textContent).toBe(IMPORT_EXAMPLE)
    expect(IMPORT_EXAMPLE).toBe('sessions import "WhatsApp Chat with Alice.zip"')
    expect(el.querySelector('code')?.textContent).toBe('/home/me/.local/share/sessions')
  })

  it('does without the data dir', () => {
    const el = renderEmpty('all', null)
    expect(el.querySelector('code')).toBeNull()
    expect(el.textContent).toContain(IMPORT_EXAMPLE)
  })

  it('renders a hostile data dir as text', () => {
    const el = renderEmpty('all', { data_dir: '<img src=x onerror=alert(1)>', version: '' })
    expect(el.querySelector('img')).toBeNull()
    expect(el.querySelector('code')?.textContent).toBe('<img src=x onerror=alert(1)>')
  })

  it('under a filter, says nothing matches instead', () => {
    const el = renderEmpty('active', null)
    expect(el.querySelector('h2')?.textContent).toBe('No active sessions')
    expect(el.textContent).not.toContain('import')
  })
})

describe('renderFooter', () => {
  it('offers more while there is more', () => {
    const onMore = vi.fn()
    const b = renderFooter(true, false, onMore).querySelector('button')!
    expect(b.textContent).toBe(LOAD_MORE_TEXT)
    expect(b.disabled).toBe(false)
    b.click()
    expect(onMore).toHaveBeenCalledOnce()
  })

  it('is disabled while loading', () => {
    const b = renderFooter(true, true, () => {}).querySelector('button')!
    expect(b.disabled).toBe(true)
  })

  it('says the end was reached', () => {
    const el = renderFooter(false, false, () => {})
    expect(el.querySelector('button')).toBeNull()
    expect(el.textContent).toBe(END_TEXT)
    expect(END_TEXT).toBe("You've reached the end of the sessions.")
  })
})

describe('renderError', () => {
  it('shows the message as text and retries', () => {
    const retry = vi.fn()
    const el = renderError(new Error('database is locked <b>'), retry)
    expect(el.querySelector('.error-text')?.textContent).toBe('database is locked <b>')
    expect(el.querySelector('b')).toBeNull()
    el.querySelector('button')!.click()
    expect(retry).toHaveBeenCalledOnce()
  })
})
