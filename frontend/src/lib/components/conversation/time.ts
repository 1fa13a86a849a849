// How times read in the thread: a message's clock time (with the date when
// the day changed), a session's span.

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
  return new Intl.DateTimeFormat(locale, opts).format(d)
}

/** "Tue, 12 Mar 2024, 14:05 – 15:10", the end's date only when it is another day. */
export function span(startISO: string, endISO: string | null, locale?: string): string {
  const start = new Date(startISO)
  if (Number.isNaN(start.getTime())) return startISO
  const dateTime: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' }
  const from = new Intl.DateTimeFormat(locale, dateTime).format(start)
  if (!endISO) return from
  const end = new Date(endISO)
  if (Number.isNaN(end.getTime())) return from
  const sameDay = start.toDateString() === end.toDateString()
  const to = new Intl.DateTimeFormat(locale, sameDay ? { hour: 'numeric', minute: '2-digit' } : dateTime).format(end)
  return `${from} – ${to}`
}
