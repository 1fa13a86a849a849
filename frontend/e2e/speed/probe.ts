// What the speed scripts measure with, inside the page: every API call the
// page makes (its method, arguments, start and end), the UI's own log lines
// ("sessions-ui: rendered N rows" once rows are in the DOM), the time of the
// last key press and click (the event's own timestamp, as the browser took
// it), and a wait that resolves two frames after a condition holds, which is
// when what it shows has been painted. All times are performance.now().
import type { Page } from 'playwright-core'

export interface Call {
  method: string
  /** The positional arguments, as sent. */
  args: unknown[]
  start: number
  /** When the answer's headers came; null while on its way. */
  end: number | null
}

/** A condition the page waits for (see the init script for each one's meaning). */
export type Until =
  | { kind: 'search'; q: string; since: number }
  | { kind: 'list'; since: number }
  | { kind: 'detail'; id: number; since: number }
  | { kind: 'row'; key: string }
  | { kind: 'settled' }

export interface Reached {
  /** When the condition first held (checked on every DOM change and frame). */
  at: number
  /** Two frames later: painted. */
  painted: number
}

interface Probe {
  calls: Call[]
  logs: { msg: string; t: number }[]
  lastKey: number
  lastClick: number
  until(u: Until): Promise<Reached>
}

declare global {
  interface Window {
    __probe: Probe
  }
}

/** Installs the probe in every document the page opens. */
export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const calls: Call[] = []
    const logs: { msg: string; t: number }[] = []
    const probe: Probe = {
      calls,
      logs,
      lastKey: 0,
      lastClick: 0,
      until(u: Until): Promise<Reached> {
        return new Promise((ok, fail) => {
          let done = false
          const timer = setTimeout(() => {
            done = true
            obs.disconnect()
            fail(new Error(`still waiting after 60 s for ${JSON.stringify(u)}`))
          }, 60_000)
          const check = () => {
            if (done || !holds(u)) return
            done = true
            clearTimeout(timer)
            obs.disconnect()
            const at = performance.now()
            requestAnimationFrame(() => requestAnimationFrame(() => ok({ at, painted: performance.now() })))
          }
          const obs = new MutationObserver(check)
          obs.observe(document, { childList: true, subtree: true, attributes: true, characterData: true })
          const frame = () => {
            check()
            if (!done) requestAnimationFrame(frame)
          }
          frame()
        })
      },
    }
    // A list answer is on screen once the timeline logged its rows after it.
    const listed = (from: (c: Call) => boolean) => {
      const c = calls.find((x) => x.method === 'ListSessions' && x.end !== null && from(x))
      return !!c && logs.some((l) => l.t >= c.start && /^sessions-ui: (rendered|empty state)/.test(l.msg))
    }
    const holds = (u: Until): boolean => {
      switch (u.kind) {
        case 'search':
          // The answer to exactly this text, not to the text before it.
          return listed((c) => c.start >= u.since && (c.args[0] as { q?: string })?.q === u.q)
        case 'list':
          return listed((c) => c.start >= u.since)
        case 'detail': {
          const got = calls.some((c) => c.method === 'GetSession' && c.start >= u.since && c.end !== null && c.args[0] === u.id)
          const art = document.querySelector('aside[aria-label="Session detail"] article.detail')
          return got && !!art && art.getAttribute('aria-busy') !== 'true' && !!art.querySelector('.d-title')?.textContent
        }
        case 'row':
          return !!document.querySelector(`.thread-wrap:not(.thread-hidden) [data-key="${u.key}"]`)
        case 'settled':
          return !!document.querySelector('.thread[aria-busy="false"]') && calls.every((c) => c.end !== null)
      }
    }
    const fetch0 = window.fetch.bind(window)
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      const m = /\/api\/[A-Za-z]+\/([A-Za-z]+)/.exec(url)
      let call: Call | null = null
      if (m) {
        let args: unknown[] = []
        try {
          args = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown[]) : []
        } catch {
          // not JSON: an upload
        }
        call = { method: m[1], args, start: performance.now(), end: null }
        calls.push(call)
      }
      try {
        return await fetch0(input, init)
      } finally {
        if (call) call.end = performance.now()
      }
    }
    const info = console.info.bind(console)
    console.info = (...a: unknown[]) => {
      logs.push({ msg: String(a[0]), t: performance.now() })
      info(...a)
    }
    document.addEventListener('keydown', (e) => (probe.lastKey = e.timeStamp), true)
    document.addEventListener('click', (e) => (probe.lastClick = e.timeStamp), true)
    window.__probe = probe
  })
}

/** Waits in the page until u holds, and returns when, painted included. */
export function until(page: Page, u: Until): Promise<Reached> {
  return page.evaluate((x) => window.__probe.until(x), u)
}

export function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now())
}

/** The page's calls of a method that started at or after since. */
export function calls(page: Page, method: string, since: number): Promise<Call[]> {
  return page.evaluate(([m, s]) => window.__probe.calls.filter((c) => c.method === m && c.start >= s), [method, since] as const)
}

export interface Stats {
  n: number
  p50: number
  p95: number
  max: number
  all: number[]
}

const r1 = (x: number) => Math.round(x * 10) / 10

/** p50, p95 (nearest rank) and max of xs, rounded to 0.1 ms. */
export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b)
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
  return { n: s.length, p50: r1(rank(0.5)), p95: r1(rank(0.95)), max: r1(s[s.length - 1]), all: xs.map(r1) }
}

export function verdict(ok: boolean): string {
  return ok ? 'within budget' : 'OVER BUDGET'
}
