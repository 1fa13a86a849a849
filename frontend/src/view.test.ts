import { describe, expect, it, vi } from 'vitest'
import { session } from './testdata'
import { END_TEXT, IMPORT_EXAMPLE, LOAD_MORE_TEXT, renderEmpty, renderError, renderFooter, renderRow } from './view'

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
