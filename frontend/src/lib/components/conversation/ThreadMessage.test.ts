// One message of the thread on its own: which body a media message shows,
// and how the times read.

import { render } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { MessageRow } from '../../stores/conversation.svelte'
import { clockTime, span } from './time'
import ThreadMessage, { isStandIn, mediaIcon } from './ThreadMessage.svelte'

function row(over: Partial<MessageRow['msg']> = {}, rowOver: Partial<MessageRow> = {}): MessageRow {
  const msg = { id: 1, session_id: 5, edited: false, at: '2024-03-20T18:31:00Z', author: 'Alice Example', role: 'customer', kind: 'text', body: 'hi', attachments: [], ...over }
  return { type: 'message', key: 'm1', msg, side: msg.role === 'customer' ? 'customer' : msg.role === 'system' ? 'system' : 'team', grouped: false, newDay: false, chosen: false, ...rowOver }
}

describe('isStandIn', () => {
  it.each([
    ['<Media omitted>', [], true],
    ['<attached: 00000012-PHOTO-2024-03-20.jpg>', ['00000012-PHOTO-2024-03-20.jpg'], true],
    ['IMG-20240320-WA0004.jpg (file attached)', ['IMG-20240320-WA0004.jpg'], true],
    ['', [], true],
    ['This is the lid', ['IMG-20240320-WA0004.jpg'], false],
    ['IMG-1.jpg (file attached)\nthe lid, see?', ['IMG-1.jpg'], false],
  ])('%j with %j → %s', (body, files, want) => expect(isStandIn(body, files)).toBe(want))
})

describe('ThreadMessage', () => {
  it('shows a media message as its files with the caption, not the export stand-in', () => {
    const { container } = render(ThreadMessage, {
      props: { row: row({ kind: 'media', body: 'IMG-7.jpg (file attached)', attachments: ['IMG-7.jpg', 'voice.opus'] }) },
    })
    expect([...container.querySelectorAll('.tmedia-name')].map((e) => e.textContent)).toEqual(['IMG-7.jpg', 'voice.opus'])
    expect([...container.querySelectorAll('.tmedia-icon')].map((e) => e.textContent)).toEqual([mediaIcon('IMG-7.jpg'), mediaIcon('voice.opus')])
    expect(container.querySelector('.tmsg-body')).toBeNull()
    const captioned = render(ThreadMessage, { props: { row: row({ kind: 'media', body: 'the lid', attachments: ['IMG-7.jpg'] }) } })
    expect(captioned.container.querySelector('.tmsg-body')?.textContent).toBe('the lid')
  })

  it('says media were left out of the export when no file is named', () => {
    const { container } = render(ThreadMessage, { props: { row: row({ kind: 'media', body: '<Media omitted>' }) } })
    expect(container.querySelector('.tmedia-name')?.textContent).toBe('Media not included in the export')
  })

  it('names the author once per run and draws a call as a dimmed line', () => {
    const grouped = render(ThreadMessage, { props: { row: row({}, { grouped: true }) } })
    expect(grouped.container.querySelector('.tmsg-author')).toBeNull()
    const call = render(ThreadMessage, { props: { row: row({ role: 'system', kind: 'call', author: null, body: 'Missed voice call' }) } })
    expect(call.container.querySelector('.tmsg-system.call')?.textContent).toContain('Missed voice call')
    expect(call.container.querySelector('.tbubble')).toBeNull()
  })
})

describe('times', () => {
  const now = new Date('2024-06-01T12:00:00Z')
  it('gives the clock time, with the date when the day changed', () => {
    expect(clockTime('2024-03-20T18:31:00Z', false, 'en-GB', now)).toMatch(/^\d{1,2}:31$/)
    expect(clockTime('2024-03-20T18:31:00Z', true, 'en-GB', now)).toMatch(/Mar/)
    expect(clockTime('2023-03-20T18:31:00Z', true, 'en-GB', now)).toMatch(/2023/)
    expect(clockTime('not a time', false)).toBe('not a time')
  })
  it('gives a session span, the end date only on another day', () => {
    const same = span('2024-03-20T09:00:00Z', '2024-03-20T09:40:00Z', 'en-GB')
    expect(same.split('–')).toHaveLength(2)
    expect(same.split('–')[1]).not.toMatch(/Mar/)
    expect(span('2024-03-20T09:00:00Z', '2024-03-22T09:40:00Z', 'en-GB').split('–')[1]).toMatch(/Mar/)
    expect(span('2024-03-20T09:00:00Z', null, 'en-GB')).not.toContain('–')
  })
})
