import { describe, expect, it } from 'vitest'
import {
  baseName,
  channelName,
  colorSlot,
  formatDuration,
  formatName,
  formatStart,
  initials,
  messageCount,
  plural,
  statusName,
} from './format'

describe('formatDuration', () => {
  it.each([
    { name: 'zero', s: 0, want: '0 s' },
    { name: 'seconds', s: 45, want: '45 s' },
    { name: 'whole minute', s: 60, want: '1 min' },
    { name: 'minutes and seconds', s: 90, want: '1 min 30 s' },
    { name: 'hours and minutes', s: 3900, want: '1 h 5 min' },
    { name: 'whole hours drop seconds', s: 7205, want: '2 h' },
    { name: 'days and hours', s: 93600, want: '1 d 2 h' },
    { name: 'fractions round', s: 44.6, want: '45 s' },
    { name: 'negative clamps', s: -3, want: '0 s' },
  ])('$name', ({ s, want }) => {
    expect(formatDuration(s)).toBe(want)
  })
})

describe('initials', () => {
  it.each([
    { name: 'two words', in: 'Alice Smith', want: 'AS' },
    { name: 'one word', in: 'alice', want: 'A' },
    { name: 'first and last of many', in: 'ana van der berg', want: 'AB' },
    { name: 'extra spaces', in: '  Bob   Jones ', want: 'BJ' },
    { name: 'emoji skipped', in: '🌸 Maria', want: 'M' },
    { name: 'non-latin', in: 'Łukasz Żak', want: 'ŁŻ' },
    { name: 'phone number', in: '+44 7700 900123', want: '#' },
    { name: 'empty', in: '', want: '?' },
    { name: 'markup is just text', in: '<img src=x>', want: 'IS' },
  ])('$name', ({ in: input, want }) => {
    expect(initials(input)).toBe(want)
  })
})

describe('channelName', () => {
  it.each([
    ['whatsapp', 'WhatsApp'],
    ['instagram', 'Instagram'],
    ['facebook', 'Facebook'],
    ['webchat', 'Web Chat'],
    ['telegram', 'Telegram'],
    ['', 'Unknown'],
  ])('%s → %s', (id, want) => {
    expect(channelName(id)).toBe(want)
  })
})

describe('small helpers', () => {
  it('names statuses', () => {
    expect(statusName('active')).toBe('Active')
    expect(statusName('completed')).toBe('Completed')
  })
  it('counts messages', () => {
    expect(messageCount(1)).toBe('1 message')
    expect(messageCount(12)).toBe('12 messages')
  })
  it('gives a stable colour slot in range', () => {
    expect(colorSlot('Alice')).toBe(colorSlot('Alice'))
    for (const n of ['a', 'Bob', 'Zoë', '']) expect(colorSlot(n)).toBeGreaterThanOrEqual(0)
    for (const n of ['a', 'Bob', 'Zoë', '']) expect(colorSlot(n)).toBeLessThan(8)
  })
})

describe('formatStart', () => {
  const iso = '2024-03-12T23:30:00+01:00' // 22:30 UTC
  const now = new Date('2024-06-01T12:00:00Z')
  it('shows the instant in the given zone, not the offset it was written in', () => {
    expect(formatStart(iso, { locale: 'en-GB', timeZone: 'UTC', now })).toMatch(/^Tue,? 12 Mar, 22:30$/)
    expect(formatStart(iso, { locale: 'en-GB', timeZone: 'Asia/Tokyo', now })).toMatch(/^Wed,? 13 Mar, 0?7:30$/)
  })
  it('shows the year only when it is not the current one', () => {
    const later = new Date('2025-01-02T00:00:00Z')
    expect(formatStart(iso, { locale: 'en-GB', timeZone: 'UTC', now: later })).toMatch(/^Tue,? 12 Mar 2024, 22:30$/)
  })
  it('uses the local zone by default', () => {
    const d = new Date(iso)
    const hh = String(d.getHours()).padStart(2, '0')
    expect(formatStart(iso, { locale: 'en-GB' })).toContain(`${hh}:30`)
  })
  it('returns unparsable input unchanged', () => {
    expect(formatStart('yesterday')).toBe('yesterday')
  })
})

describe('baseName', () => {
  it.each([
    ['/home/me/Downloads/chat.zip', 'chat.zip'],
    ['C:\\Users\\me\\chat.txt', 'chat.txt'],
    ['/home/me/Inbox/', 'Inbox'],
    ['chat.txt', 'chat.txt'],
    ['/', '/'],
    ['', ''],
  ])('%s → %s', (path, want) => {
    expect(baseName(path)).toBe(want)
  })
})

describe('plural', () => {
  it('adds an s to all but one', () => {
    expect(plural(1, 'new session')).toBe('1 new session')
    expect(plural(0, 'duplicate')).toBe('0 duplicates')
    expect(plural(2, 'other file')).toBe('2 other files')
  })
})

describe('formatName', () => {
  it('names known formats and keeps others', () => {
    expect(formatName('whatsapp-txt')).toBe('WhatsApp chat')
    expect(formatName('whatsapp-zip')).toBe('WhatsApp export')
    expect(formatName('telegram-json')).toBe('telegram-json')
  })
})
