// The conversation view in jsdom against the fake window: it opens at the
// chosen session, draws only the rows in view, pages both ways as the user
// scrolls and keeps the row being read in place when earlier ones arrive;
// sides, badges, media, deleted, edited and system lines are marked; chat
// text never becomes a link. jsdom lays nothing out, so the scroller and
// the rows are given sizes here (as immich's specs do).

import { fireEvent, render, screen } from '@testing-library/svelte'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConversationStore, sessionKey } from '../../stores/conversation.svelte'
import { serveThread, thread, type Thread } from '../../testdata/thread'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import ConversationPage from './ConversationPage.svelte'

const VIEW = 600 // the scroller's height
const ROW = 50 // every row's height

const saved: Record<string, PropertyDescriptor | undefined> = {}
beforeAll(() => {
  const proto = HTMLElement.prototype
  for (const k of ['clientHeight', 'clientWidth', 'offsetHeight', 'scrollHeight', 'scrollTo']) saved[k] = Object.getOwnPropertyDescriptor(proto, k)
  Object.defineProperty(proto, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('thread') ? VIEW : 0
    },
  })
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => 800 })
  Object.defineProperty(proto, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('trow') ? ROW : 0
    },
  })
  // The scroller's content is the height the virtualizer gives its inner box.
  Object.defineProperty(proto, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('thread') ? parseFloat((this.firstElementChild as HTMLElement | null)?.style.height ?? '') || 0 : 0
    },
  })
  Object.defineProperty(proto, 'scrollTo', {
    configurable: true,
    value(this: HTMLElement, opts: ScrollToOptions) {
      // As a browser: a scroll event only when the position changed.
      const top = typeof opts?.top === 'number' ? clamp(this, opts.top) : this.scrollTop
      if (top === this.scrollTop) return
      this.scrollTop = top
      this.dispatchEvent(new Event('scroll'))
    },
  })
})
// Rows are measured as a ResizeObserver reports them, once they are in the page.
class FakeResizeObserver {
  constructor(private readonly cb: ResizeObserverCallback) {}
  observe(el: Element) {
    queueMicrotask(() => {
      const h = (el as HTMLElement).offsetHeight
      const entry = { target: el, borderBoxSize: [{ blockSize: h, inlineSize: 800 }], contentRect: { width: 800, height: h } }
      this.cb([entry as unknown as ResizeObserverEntry], this as unknown as ResizeObserver)
    })
  }
  unobserve() {}
  disconnect() {}
}
beforeAll(() => {
  globalThis.ResizeObserver = FakeResizeObserver as unknown as typeof ResizeObserver
})

afterAll(() => {
  delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver
  for (const [k, d] of Object.entries(saved)) {
    if (d) Object.defineProperty(HTMLElement.prototype, k, d)
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k]
  }
})

/** A scroll position the element can take, as a browser clamps it. */
function clamp(el: HTMLElement, top: number): number {
  return Math.max(0, Math.min(top, el.scrollHeight - el.clientHeight))
}

let w: FakeWindow
afterEach(() => {
  w?.remove()
  window.location.hash = ''
})

function serve(t: Thread) {
  w = fakeWails()
  const s = serveThread(t)
  w.app.ConversationsService.GetConversation.mockImplementation(s.get)
  return s
}

async function open(t: Thread, hash: string, pageSize = 100) {
  const s = serve(t)
  window.location.hash = hash
  const store = new ConversationStore(pageSize)
  const view = render(ConversationPage, { props: { store } })
  await settle()
  const scroller = view.container.querySelector<HTMLElement>('.thread')!
  return { s, store, view, scroller }
}

/** Where a drawn row sits relative to the top of the viewport. */
function topOf(scroller: HTMLElement, key: string): number | null {
  const el = scroller.querySelector<HTMLElement>(`[data-key="${key}"]`)
  if (!el) return null
  const y = Number(/translateY\((-?[\d.]+)px\)/.exec(el.style.transform)?.[1])
  return y - scroller.scrollTop
}

async function scrollTo(scroller: HTMLElement, top: number) {
  scroller.scrollTop = clamp(scroller, top)
  await fireEvent.scroll(scroller)
  await settle()
}

describe('ConversationPage', () => {
  it('opens at the chosen session, highlighted, with earlier pages put in front of it', async () => {
    const { s, store, scroller } = await open(thread(20, 50), '#/conversation?id=7&session=110')
    expect(s.requests[0]).toEqual({ id: 7, session_id: 110, limit: 100 })
    // The page before was asked for at once, and the session stayed at the top.
    expect(s.requests.some((r) => r.before)).toBe(true)
    expect(store.indexOf(sessionKey(110))).toBeGreaterThan(0)
    const divider = scroller.querySelector(`[data-key="${sessionKey(110)}"]`)
    expect(divider?.textContent).toContain('This session')
    expect(divider?.querySelector('.tdivider.chosen')).not.toBeNull()
    expect(Math.abs(topOf(scroller, sessionKey(110))! - 8)).toBeLessThanOrEqual(ROW)
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('Alice Example')
    // The keyboard scrolls the thread at once.
    expect(document.activeElement).toBe(scroller)
    expect(screen.getByText(/1,000 messages · 20 sessions/)).toBeTruthy()
  })

  it('draws only the rows in view and a few around them', async () => {
    const { store, scroller } = await open(thread(20, 50), '#/conversation?id=7&session=110')
    expect(store.rows.length).toBeGreaterThan(150)
    const drawn = scroller.querySelectorAll('.trow').length
    expect(drawn).toBeGreaterThan(VIEW / ROW - 1)
    expect(drawn).toBeLessThanOrEqual(VIEW / ROW + 2 * 6 + 2)
    // The scrolled height is every row's: measured where drawn, estimated elsewhere.
    const inner = scroller.querySelector<HTMLElement>('.thread-inner')!
    expect(parseFloat(inner.style.height)).toBeGreaterThan(store.rows.length * 30)
  })

  it('pages on down as the user nears the end, and up keeping the row read in place', async () => {
    const { s, store, scroller } = await open(thread(20, 50), '#/conversation?id=7&session=110')
    // Down to the last rows: the next page comes.
    const before = store.rows.length
    const afters = () => s.requests.filter((r) => r.after).length
    const asked = afters()
    await scrollTo(scroller, store.rows.length * ROW - VIEW)
    expect(afters()).toBe(asked + 1)
    expect(store.rows.length).toBeGreaterThan(before)

    // Up near the first rows: while the page before is on its way the user
    // reads; when it lands in front, the row at the top stays where it is.
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    w.app.ConversationsService.GetConversation.mockImplementationOnce(async (req) => {
      await held
      return s.get(req)
    })
    const firstKey = store.rows[0].key
    await scrollTo(scroller, 5 * ROW + 20)
    expect(store.loadingBefore).toBe(true)
    const top = [...scroller.querySelectorAll<HTMLElement>('.trow')].find((el) => (topOf(scroller, el.dataset.key!) ?? -1) >= 0)!
    const key = top.dataset.key!
    const at = topOf(scroller, key)!
    const index = store.indexOf(key)
    release()
    await settle()
    expect(store.rows[0].key).not.toBe(firstKey)
    expect(store.indexOf(key)).toBeGreaterThan(index)
    expect(topOf(scroller, key)).toBe(at)
  })

  it('offers a way back to the chosen session once it is out of view', async () => {
    const { store, scroller } = await open(thread(20, 50), '#/conversation?id=7&session=110')
    expect(screen.queryByRole('button', { name: /Back to this session/ })).toBeNull()
    await scrollTo(scroller, scroller.scrollTop + 40 * ROW)
    const jump = screen.getByRole('button', { name: /Back to this session/ })
    expect(jump.textContent).toContain('↑')
    await fireEvent.click(jump)
    await settle()
    expect(Math.abs(topOf(scroller, sessionKey(110))! - 8)).toBeLessThanOrEqual(1)
    expect(screen.queryByRole('button', { name: /Back to this session/ })).toBeNull()
    expect(store.indexOf(sessionKey(110))).toBeGreaterThan(0)
  })

  it('marks sides, roles, media, deleted and edited messages and system lines', async () => {
    const t = thread(3, 30)
    const { scroller } = await open(t, '#/conversation?id=7&session=101', 200)
    // Everything fits in a few rows' worth: scroll through and collect.
    const seen = new Map<string, HTMLElement>()
    for (let y = 0; y < 100 * ROW; y += VIEW / 2) {
      await scrollTo(scroller, y)
      for (const el of scroller.querySelectorAll<HTMLElement>('.trow')) seen.set(el.dataset.key!, el)
    }
    const byId = (id: number) => seen.get(`m${id}`)!
    const cust = t.messages.find((m) => m.role === 'customer' && m.kind === 'text')!
    const agent = t.messages.find((m) => m.role === 'agent' && m.kind === 'text')!
    const bot = t.messages.find((m) => m.role === 'bot' && m.kind === 'text')!
    expect(byId(cust.id).querySelector('.tmsg-customer')).not.toBeNull()
    expect(byId(agent.id).querySelector('.tmsg-team .role-badge-agent')?.textContent).toBe('Agent')
    expect(byId(bot.id).querySelector('.tmsg-team .role-badge-bot')?.textContent).toBe('Bot')
    const media = t.messages.find((m) => m.kind === 'media')!
    expect(byId(media.id).querySelector('.tmedia-name')?.textContent).toBe(media.attachments![0])
    const deleted = t.messages.find((m) => m.kind === 'deleted')!
    expect(byId(deleted.id).querySelector('.tmsg-deleted')?.textContent).toBe('This message was deleted')
    const edited = t.messages.find((m) => m.edited)!
    expect(byId(edited.id).querySelector('.tmsg-edited')?.textContent).toBe('edited')
    expect(byId(cust.id).querySelector('.tmsg-edited')).toBeNull()
    const notice = t.messages.find((m) => m.role === 'system')!
    expect(byId(notice.id).querySelector('.tmsg-system')?.textContent).toContain('end-to-end encrypted')
    expect(byId(notice.id).classList.contains('trow-chosen')).toBe(false)
    expect(byId(t.messages.find((m) => m.session_id === 101)!.id).classList.contains('trow-chosen')).toBe(true)
  })

  it('shows links and markup in chat text as text, never as links', async () => {
    const t = thread(1, 5)
    t.messages[0].body = 'see https://evil.example/pay and <a href="https://x.example">click</a> <img src=x onerror=alert(1)>'
    const { scroller } = await open(t, '#/conversation?id=7&session=100')
    const el = scroller.querySelector<HTMLElement>(`[data-key="m${t.messages[0].id}"] .tmsg-body`)!
    expect(el.textContent).toBe(t.messages[0].body)
    expect(scroller.querySelectorAll('a, img').length).toBe(0)
  })

  // Esc is the app's shortcut (back in the history, to the same place in the list).
  it('links back to the session', async () => {
    await open(thread(2, 5), '#/conversation?id=7&session=101')
    const back = screen.getByRole('link', { name: 'Back to the session' })
    expect(back.getAttribute('href')).toBe('#/sessions?open=101')
  })

  it('says why the thread could not be loaded, and tries again', async () => {
    const t = thread(2, 5)
    const s = serve(t)
    w.app.ConversationsService.GetConversation.mockRejectedValueOnce('conversation 7: not found')
    window.location.hash = '#/conversation?id=7&session=101'
    render(ConversationPage, { props: { store: new ConversationStore(10) } })
    await settle()
    expect(screen.getByRole('alert').textContent).toContain('conversation 7: not found')
    w.app.ConversationsService.GetConversation.mockImplementation(s.get)
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await settle()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(document.querySelector(`[data-key="${sessionKey(101)}"]`)).not.toBeNull()
  })

  it('follows the route to another session', async () => {
    const { s } = await open(thread(5, 10), '#/conversation?id=7&session=101')
    window.location.hash = '#/conversation?id=7&session=103'
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    await settle()
    expect(s.requests.some((r) => r.session_id === 103)).toBe(true)
    expect(document.querySelector(`[data-key="${sessionKey(103)}"] .tdivider.chosen`)).not.toBeNull()
  })
})
