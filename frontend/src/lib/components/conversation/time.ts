// How times read in the thread: a message's clock time (with the date when
// the day changed), a session's span.

// Making an Intl.DateTimeFormat costs far more than using one, and rows
// are drawn many per frame while scrolling: one per locale and shape.
const formats = new Map<string, Intl.DateTimeFormat>()

function format(locale: string | undefined, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(opts)}`
  let f = formats.get(key)
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale, opts)))
  return f
}

/** "14:05", or "Tue, 12 Mar, 14:05" when withDate; the year when not this one. */
export function clockTime(iso: string, withDate: boolean, locale?: string, now = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const opts: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' }
  if (withDate) {
    opts.weekday = 'short'
    opts.day = 'numeric'
    opts.month = 'short'
    if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric'
  }
  return format(locale, opts).format(d)
}

/** "Tue, 12 Mar 2024, 14:05 – 15:10", the end's date only when it is another day. */
export function span(startISO: string, endISO: string | null, locale?: string): string {
  const start = new Date(startISO)
  if (Number.isNaN(start.getTime())) return startISO
  const dateTime: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' }
  const from = format(locale, dateTime).format(start)
  if (!endISO) return from
  const end = new Date(endISO)
  if (Number.isNaN(end.getTime())) return from
  const sameDay = start.toDateString() === end.toDateString()
  const to = format(locale, sameDay ? { hour: 'numeric', minute: '2-digit' } : dateTime).format(end)
  return `${from} – ${to}`
}
