// Chat exports the end-to-end library needs beyond ../shared/fixtures,
// written here so the data is visible in one place: a hostile contact and
// body, a customer who wrote a minute ago (an Active session), and enough
// sessions that the timeline has more than one page of 50, and a web chat
// whose visitor left an email.

/** The hostile contact name and message body: both must show as text. */
export const HOSTILE_NAME = '<script>alert(1)</script>'
export const HOSTILE_BODY = '<img src=x onerror=alert(1)>'
/** The business agent of the generated chats (passed as --agent). */
export const AGENT = 'Maria Lopez'
/** The customer of the chat with many sessions. */
export const MANY_NAME = 'Many Sessions'
export const MANY_COUNT = 70
/** The customer whose session is still open, and the emoji in their message. */
export const ACTIVE_NAME = 'Active Customer'
export const EMOJI = '📦'
/** The web-chat visitor: the only contact with an email (a tawk.to transcript). */
export const WEB_NAME = 'Web Visitor'
export const WEB_EMAIL = 'web.visitor@example.com'

const DAY = 24 * 60 * 60 * 1000

/** "dd/mm/yyyy, HH:MM - ": an Android WhatsApp line start, in UTC (imported with --tz UTC). */
function stamp(t: number): string {
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}, ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} - `
}

function line(t: number, author: string, body: string): string {
  return `${stamp(t)}${author}: ${body}\n`
}

/** One generated file: a path relative to the generated folder and its text. */
export interface ChatFile {
  path: string
  text: string
}

/**
 * The generated exports, timed relative to now: the hostile chat two days
 * ago (so it is on the first page), the active chat 30 minutes ago, and
 * MANY_COUNT sessions three days apart before those.
 */
export function generatedChats(now: number): ChatFile[] {
  const minute = 60 * 1000
  // The hostile contact's name cannot be in a file name ("/"), so this is
  // an iOS-style _chat.txt whose customer is found from its authors.
  const hostile =
    line(now - 2 * DAY, HOSTILE_NAME, HOSTILE_BODY) + line(now - 2 * DAY + 5 * minute, AGENT, 'Hello, how can I help?')
  const active = line(now - 30 * minute, ACTIVE_NAME, `Is my order on its way? ${EMOJI}`)
  let many = ''
  for (let i = 0; i < MANY_COUNT; i++) {
    const t = now - 10 * DAY - i * 3 * DAY
    many = line(t, MANY_NAME, `Question number ${MANY_COUNT - i}`) + line(t + 2 * minute, AGENT, 'Answered.') + many
  }
  // tawk.to gives each message no time of its own: they follow the event's.
  const web = JSON.stringify({
    event: 'chat:transcript_created',
    time: new Date(now - 5 * DAY).toISOString(),
    property: { id: 'e2e', name: 'E2E Shop' },
    chat: {
      id: 'e2e-web-1',
      visitor: { name: WEB_NAME, email: WEB_EMAIL },
      messages: [
        { sender: { t: 'v', n: WEB_NAME }, type: 'msg', msg: 'Do you ship to Lisbon?' },
        { sender: { t: 'a', n: AGENT }, type: 'msg', msg: 'We do, in three days.' },
      ],
    },
  })
  return [
    { path: 'hostile/_chat.txt', text: hostile },
    { path: 'web/transcript.json', text: web },
    { path: `WhatsApp Chat with ${ACTIVE_NAME}.txt`, text: active },
    { path: `WhatsApp Chat with ${MANY_NAME}.txt`, text: many },
  ]
}

/** The file the import spec uploads through the page: 3 messages, 2 sessions, in 2019. */
export const UPLOAD_NAME = 'WhatsApp Chat with Upload Person.txt'
export function uploadChat(): string {
  const t = Date.UTC(2019, 4, 1, 9, 0)
  return (
    line(t, 'Upload Person', 'Hello, first visit') +
    line(t + 60_000, AGENT, 'Welcome!') +
    line(t + 10 * DAY, 'Upload Person', 'Back again ☕')
  )
}
