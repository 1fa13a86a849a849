// Pure formatting helpers: how identifiers, times and names read on screen.

const channelNames: Record<string, string> = {
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  facebook: 'Facebook',
  webchat: 'Web Chat',
}

/** The proper name of a channel id ("webchat" → "Web Chat"). */
export function channelName(channel: string): string {
  return channelNames[channel] ?? (channel ? channel[0].toUpperCase() + channel.slice(1) : 'Unknown')
}

const statusNames: Record<string, string> = { active: 'Active', completed: 'Completed' }

/** The proper name of a status id ("active" → "Active"). */
export function statusName(status: string): string {
  return statusNames[status] ?? status
}

/**
 * A duration in seconds as at most two units, zeros left out:
 * 45 → "45 s", 90 → "1 min 30 s", 3900 → "1 h 5 min", 93600 → "1 d 2 h".
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ]
  const parts: string[] = []
  let rest = s
  for (const [name, size] of units) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0 || parts.length > 0) parts.push(`${n} ${name}`)
    if (parts.length === 2) break
  }
  const shown = parts.filter((p) => !p.startsWith('0 '))
  return shown.length ? shown.join(' ') : '0 s'
}

/**
 * Up to two initials for an avatar: the first letter of the first and of the
 * last word that start with a letter ("alice van der berg" → "AB"). Names
 * without letters (phone numbers) get "#", empty names "?".
 */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .map((w) => Array.from(w).find((ch) => /\p{L}/u.test(ch)))
    .filter((ch): ch is string => ch !== undefined)
  if (words.length === 0) return /\p{N}/u.test(name) ? '#' : '?'
  const first = words[0]
  const last = words.length > 1 ? words[words.length - 1] : ''
  return (first + last).toLocaleUpperCase()
}

/** A stable colour slot (0..n-1) for an avatar, from the contact's name. */
export function colorSlot(key: string, n = 8): number {
  let h = 0
  for (const ch of key) h = (Math.imul(h, 31) + (ch.codePointAt(0) ?? 0)) | 0
  return Math.abs(h) % n
}

/** Options of formatStart; the app passes none, tests pin them. */
export interface StartFormat {
  locale?: string
  timeZone?: string
  now?: Date
}

/**
 * An RFC 3339 time in the viewer's local zone, e.g. "Tue, 12 Mar, 14:05";
 * the year is shown when it is not the current one.
 */
export function formatStart(iso: string, opts: StartFormat = {}): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const { locale, timeZone } = opts
  const year = formatter('en', timeZone, false, true)
  const withYear = year.format(d) !== year.format(opts.now ?? new Date())
  return formatter(locale, timeZone, withYear, false).format(d)
}

// Making an Intl.DateTimeFormat costs about 0.2 ms, formatting with one a
// microsecond: a page of 50 rows made 150 of them (32 ms of a Load More).
// Kept per (locale, zone, shape); the app uses one or two.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string | undefined, timeZone: string | undefined, withYear: boolean, yearOnly: boolean) {
  const key = `${locale ?? ''}|${timeZone ?? ''}|${withYear}|${yearOnly}`
  let f = formatters.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(
      locale,
      yearOnly
        ? { year: 'numeric', timeZone }
        : {
            weekday: 'short',
            day: 'numeric',
            month: 'short',
            year: withYear ? 'numeric' : undefined,
            hour: 'numeric',
            minute: '2-digit',
            timeZone,
          },
    )
    formatters.set(key, f)
  }
  return f
}

/** "1 message", "12 messages". */
export function messageCount(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'message' : 'messages'}`
}

/** "1 message", "3 new sessions": a count with its noun, plural with an s. */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString()} ${n === 1 ? noun : `${noun}s`}`
}

/**
 * The last part of a file path, Unix or Windows ("/a/b/chat.zip" →
 * "chat.zip"); a root or an empty path stays as it is.
 */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '')
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'))
  const base = trimmed.slice(i + 1)
  return base || path
}

const formatNames: Record<string, string> = {
  'whatsapp-txt': 'WhatsApp chat',
  'whatsapp-zip': 'WhatsApp export',
}

/** The proper name of an import format id ("whatsapp-zip" → "WhatsApp export"). */
export function formatName(format: string): string {
  return formatNames[format] ?? format
}

const sentimentNames: Record<string, string> = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' }

/** The proper name of a sentiment id ("positive" → "Positive"); null for none or an unknown one. */
export function sentimentName(sentiment: string | null | undefined): string | null {
  return (sentiment && sentimentNames[sentiment]) || null
}

/**
 * What happened after the bot, for a session with one: "→ Maria after 8 min"
 * when a person took over, "bot only" when nobody did.
 */
export function handoffOutcome(h: { agent: string | null; wait_s: number | null; bot_only: boolean }): string {
  const agent = h.agent?.trim()
  if (agent) return h.wait_s != null ? `→ ${agent} after ${formatDuration(h.wait_s)}` : `→ ${agent}`
  return h.bot_only ? 'bot only' : ''
}

/** A pace of work: "12/s", "2.5/s", and below one a second "18/min"; "" when unknown. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return ''
  if (perSecond >= 10) return `${Math.round(perSecond).toLocaleString()}/s`
  if (perSecond >= 1) return `${Number(perSecond.toFixed(1))}/s`
  return `${Math.max(1, Math.round(perSecond * 60))}/min`
}

/** The summarizer of a run as people say it: "builtin" → "built-in", "ollama:llama3.2" → "Ollama llama3.2". */
export function summarizerName(source: string): string {
  if (source === 'builtin') return 'built-in'
  if (source === 'ollama') return 'Ollama'
  if (source.startsWith('ollama:')) return `Ollama ${source.slice('ollama:'.length)}`
  return source
}
