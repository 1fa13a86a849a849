import { describe, expect, it } from 'vitest'
import {
  baseName,
  channelName,
  colorSlot,
  formatDuration,
  formatName,
  formatRate,
  formatStart,
  handoffOutcome,
  initials,
  messageCount,
  plural,
  sentimentName,
  statusName,
  summarizerName,
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

describe('sentimentName', () => {
  it.each([
    { in: 'positive', want: 'Positive' },
    { in: 'neutral', want: 'Neutral' },
    { in: 'negative', want: 'Negative' },
    { in: 'ecstatic', want: null },
    { in: '', want: null },
    { in: null, want: null },
  ])('$in → $want', ({ in: input, want }) => {
    expect(sentimentName(input)).toBe(want)
  })
})

describe('handoffOutcome', () => {
  it.each([
    { name: 'taken over', h: { agent: 'Maria Lopez', wait_s: 480, bot_only: false }, want: '→ Maria Lopez after 8 min' },
    { name: 'taken over at once', h: { agent: 'Maria', wait_s: 0, bot_only: false }, want: '→ Maria after 0 s' },
    { name: 'wait unknown', h: { agent: 'Maria', wait_s: null, bot_only: false }, want: '→ Maria' },
    { name: 'bot only', h: { agent: null, wait_s: null, bot_only: true }, want: 'bot only' },
    { name: 'blank agent', h: { agent: '  ', wait_s: 5, bot_only: true }, want: 'bot only' },
    { name: 'nothing known', h: { agent: null, wait_s: null, bot_only: false }, want: '' },
  ])('$name', ({ h, want }) => {
    expect(handoffOutcome(h)).toBe(want)
  })
})

describe('formatRate', () => {
  it.each([
    { rate: 0, want: '' },
    { rate: -1, want: '' },
    { rate: Number.NaN, want: '' },
    { rate: 0.3, want: '18/min' },
    { rate: 0.001, want: '1/min' },
    { rate: 1, want: '1/s' },
    { rate: 2.46, want: '2.5/s' },
    { rate: 9.96, want: '10/s' },
    { rate: 12.4, want: '12/s' },
  ])('$rate → "$want"', ({ rate, want }) => {
    expect(formatRate(rate)).toBe(want)
  })

  it('groups large rates like other counts', () => {
    expect(formatRate(12345)).toBe(`${(12345).toLocaleString()}/s`)
  })
})

describe('summarizerName', () => {
  it.each([
    { in: 'builtin', want: 'built-in' },
    { in: 'ollama:llama3.2:3b', want: 'Ollama llama3.2:3b' },
    { in: 'ollama', want: 'Ollama' },
    { in: 'other', want: 'other' },
  ])('$in → $want', ({ in: input, want }) => {
    expect(summarizerName(input)).toBe(want)
  })
})
